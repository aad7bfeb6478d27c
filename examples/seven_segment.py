"""The seven-segment digit recogniser: 7 inputs → 4 ReLU neurons → 10 outputs.

Each input is one segment of a display (1 when lit); the output neuron of the
shown digit should be the largest.

Run: python examples/seven_segment.py
"""

import numpy as np

import glassnet as gn


def train(seed: int = 0, epochs: int = 3000) -> gn.Sequential:
    gn.seed(seed)
    digits = gn.datasets.load("seven_segment")
    model = gn.Sequential(
        [gn.Dense(4, activation="relu", kernel_initializer="he_normal"), gn.Dense(10)]
    )
    model.compile(gn.Adam(model, lr=0.03), "categorical_crossentropy", ["accuracy"])
    model.fit(digits.x, digits.y, epochs=epochs, batch_size=10, verbose=0)
    return model


if __name__ == "__main__":
    digits = gn.datasets.load("seven_segment")
    model = train()
    model.summary()
    predicted = model.predict_classes(digits.x)
    for segments, digit, guess in zip(digits.x.astype(int), digits.y, predicted, strict=True):
        lit = "".join(s for s, on in zip("abcdefg", segments, strict=True) if on)
        print(f"segments {lit:<8} digit {digit} → network says {guess}")
    print(f"accuracy: {np.mean(predicted == digits.y):.0%}")
