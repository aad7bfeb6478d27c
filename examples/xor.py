"""XOR: one neuron cannot separate it; one hidden layer can.

Run: python examples/xor.py
"""

import numpy as np

import glassnet as gn


def train(hidden_units: int | None, epochs: int = 500, seed: int = 0) -> gn.Sequential:
    """A network with an optional hidden tanh layer, trained with Adam on the 4 XOR samples."""
    gn.seed(seed)
    layers = [gn.Dense(hidden_units, activation="tanh")] if hidden_units else []
    model = gn.Sequential([*layers, gn.Dense(1)])
    model.compile(gn.Adam(model, lr=0.05), gn.BinaryCrossEntropy(from_logits=True), ["accuracy"])
    xor = gn.datasets.load("xor")
    model.fit(xor.x, xor.y.astype(np.float32), epochs=epochs, batch_size=4, verbose=0)
    return model


if __name__ == "__main__":
    xor = gn.datasets.load("xor")
    for hidden in (None, 4):
        model = train(hidden)
        label = "one neuron" if hidden is None else f"hidden layer of {hidden}"
        probabilities = model.predict_proba(xor.x)[:, 0]
        accuracy = model.evaluate(xor.x, xor.y.astype(np.float32))["accuracy"]
        shown = ", ".join(f"{p:.3f}" for p in probabilities)
        print(f"{label}: P(1) = [{shown}]  accuracy {accuracy:.2f}")
