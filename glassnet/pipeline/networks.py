"""The networks ``glassnet train`` builds: an MLP, a small CNN, a stacked recurrent network.

Every layer is created lazily (no input sizes): the first batch decides them, as
in the README.

Example:
    >>> [type(layer).__name__ for layer in build_mlp(3, [8], "relu", 0.0).layers]
    ['Dense', 'Dense']
"""

from __future__ import annotations

import numpy as np

from glassnet.errors import ConfigError
from glassnet.nn import models
from glassnet.nn.augment import RandomFlip, RandomShift
from glassnet.nn.dense import Dense
from glassnet.nn.dropout import Dropout
from glassnet.nn.flatten import Flatten
from glassnet.nn.module import Module
from glassnet.nn.recurrent import GRU, LSTM, SimpleRNN
from glassnet.nn.sequential import Sequential

#: ``--model`` name → recurrent layer class
RECURRENT = {"lstm": LSTM, "gru": GRU, "rnn": SimpleRNN}
AUGMENTATIONS = ("shift", "flip")


def output_count(task: str, class_names: list | None, y: np.ndarray) -> int:
    """One output per class, or per regression target."""
    if task == "classification":
        return len(class_names) if class_names else int(y.max()) + 1
    return 1 if y.ndim == 1 else y.shape[1]


def build_mlp(
    outputs: int, hidden: list[int], activation: str, dropout: float, images: bool = False
) -> Sequential:
    """(Flatten, for images) → Dense hidden layers (+ Dropout) → ``outputs`` outputs."""
    layers: list[Module] = [Flatten()] if images else []
    for size in hidden:
        layers.append(Dense(size, activation=activation, kernel_initializer="he_uniform"))
        if dropout:
            layers.append(Dropout(dropout))
    layers.append(Dense(outputs, name="output"))
    return Sequential(layers)


def augmentation(x: np.ndarray, kinds: list[str]) -> list[Module]:
    """The augmentation layers asked for (``shift``, ``flip``); they need images."""
    if kinds and x.ndim != 4:
        raise ConfigError("--augment works on images (an image folder, or --model cnn on digits)")
    layers: list[Module] = []
    if "shift" in kinds:
        layers.append(RandomShift(1, name="shift"))
    if "flip" in kinds:
        layers.append(RandomFlip("horizontal", name="flip"))
    return layers


def build_cnn(classes: int, image_shape: tuple[int, ...], augment: list[str]) -> Sequential:
    """The small LeNet-style CNN for the images, after any augmentation layers."""
    cnn = models.small_cnn(tuple(image_shape), classes)
    return Sequential([*augmentation(np.zeros((1, *image_shape)), augment), *cnn.layers])


def build_recurrent(kind: str, units: list[int], seed: int) -> Sequential:
    """Stacked recurrent layers (all but the last return sequences) → one output."""
    layers: list[Module] = []
    for index, size in enumerate(units):
        last = index == len(units) - 1
        layers.append(RECURRENT[kind](size, return_sequences=not last, rng=seed + index))
    layers.append(Dense(1, name="output"))
    return Sequential(layers)
