"""The customer-by-age neuron: P(buy | age), and the age where it crosses 50 %.

The data come from the article's model (w = 0.25, b = -10.5: the true 50 % point is
age 42). One sigmoid neuron learns w and b back from 1,000 customers; ages are
normalised to z-scores first, as the article advises, and the learned threshold is
turned back into years.

Run: python examples/customer_age.py
"""

import numpy as np

import glassnet as gn


def learned_threshold(samples: int = 1000, seed: int = 0) -> float:
    gn.seed(seed)
    customers = gn.data.customers(n=samples, seed=seed)
    scaler = gn.data.StandardScaler().fit(customers.x)
    neuron = gn.Dense(1, name="buy")
    neuron.compile(gn.Adam(neuron, lr=0.05), gn.BinaryCrossEntropy(from_logits=True))
    neuron.fit(
        scaler.transform(customers.x),
        customers.y.astype(np.float32),
        epochs=200,
        batch_size=100,
        verbose=0,
    )
    w, b = float(neuron.kernel.data[0, 0]), float(neuron.bias.data[0])
    # sigmoid(w·z + b) = 0.5 where z = -b/w; z = (age - mean) / std.
    mean, std = float(scaler.mean[0]), float(scaler.std[0])
    return mean + std * (-b / w)


if __name__ == "__main__":
    age = learned_threshold()
    print(f"the neuron predicts a purchase probability above 50 % from age {age:.1f} (true: 42)")
