"""The "two-layer" sigmoid network of the article, trained 10,000 steps.

Three inputs, one sigmoid output neuron, weights uniform in [-1, 1] (mean 0), the
squared error summed over the four samples, full-batch gradient descent with
learning rate 1. The article reports 0.993 for the positives and 0.007 for the
negatives.

Run: python examples/two_layer_sigmoid.py
"""

import numpy as np

import glassnet as gn


def train(steps: int = 10_000, seed: int = 1) -> np.ndarray:
    toy = gn.datasets.load("toy3")
    x, y = toy.x.astype(np.float64), toy.y.reshape(-1, 1).astype(np.float64)
    with gn.default_dtype("float64"):
        neuron = gn.Dense(
            1, activation="sigmoid", kernel_initializer=gn.initializers.Uniform(-1, 1), rng=seed
        )
        optimizer = gn.SGD(neuron, lr=1.0)
        squared_error = gn.MSE(reduction="sum")
        for _ in range(steps):
            optimizer.zero_grad()
            squared_error(neuron(x), y).backward()
            optimizer.step()
        return neuron(x).numpy()


if __name__ == "__main__":
    predictions = train()
    print("inputs       target  prediction")
    for row, target, p in zip(
        gn.datasets.load("toy3").x, [0, 0, 1, 1], predictions[:, 0], strict=True
    ):
        print(f"{row.astype(int)}   {target}       {p:.3f}")
