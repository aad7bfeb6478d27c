"""Ready-made architectures, each a ``Sequential`` of registered layers (so it saves and reloads).

* :func:`lenet` — LeNet-5 (LeCun et al., 1998) with ReLU and max pooling, as it is
  trained today: conv 6@5×5, pool, conv 16@5×5, pool, dense 120, 84, classes.
* :func:`small_cnn` — the default CNN for small images such as 8×8 digits: 3×3
  convolutions with "same" padding, each block halving the image.

Both take ``input_shape`` without the batch axis, (channels, height, width), and return
logits (no softmax): train them with ``"categorical_crossentropy"``, which applies it.

Example:
    >>> import glassnet as gn, numpy as np
    >>> model = gn.models.lenet((1, 8, 8), classes=10)
    >>> model(gn.Tensor(np.zeros((2, 1, 8, 8)))).shape
    (2, 10)
"""

from __future__ import annotations

from collections.abc import Sequence

from glassnet.errors import ConfigError
from glassnet.nn.conv import Conv2D
from glassnet.nn.dense import Dense
from glassnet.nn.flatten import Flatten
from glassnet.nn.pooling import MaxPool2D
from glassnet.nn.sequential import Sequential


def _check_image_shape(
    input_shape: Sequence[int], classes: int, where: str
) -> tuple[int, int, int]:
    shape = tuple(input_shape)
    if len(shape) != 3 or not all(isinstance(n, int) and n > 0 for n in shape):
        raise ConfigError(
            f"{where} input_shape must be (channels, height, width) of positive ints, "
            f"got {input_shape!r}"
        )
    if not isinstance(classes, int) or isinstance(classes, bool) or classes < 2:
        raise ConfigError(f"{where} classes must be an integer ≥ 2, got {classes!r}")
    return shape  # type: ignore[return-value]


def _lenet_paddings(size: int) -> tuple[str, str]:
    """'valid' for each 5×5 conv where the image is large enough, else 'same'.

    28×28 → valid, valid (28 → 24 → 12 → 8 → 4); 12×12 → same, valid (12 → 6 → 2 → 1);
    8×8 → same, same (8 → 4 → 2).
    """
    if size < 4:
        raise ConfigError(f"lenet needs images of at least 4×4, got {size} pixels on a side")
    first = "valid" if size >= 16 else "same"
    size = (size - 4 if first == "valid" else size) // 2
    return first, "valid" if size >= 6 else "same"


def lenet(input_shape: Sequence[int] = (1, 28, 28), classes: int = 10) -> Sequential:
    """LeNet-5: conv 6@5×5 → max pool 2 → conv 16@5×5 → max pool 2 → 120 → 84 → classes.

    ReLU activations. Each convolution is "valid" (as in the original) where the image
    is large enough for the rest of the network, and "same" otherwise, so small images
    (8×8 digits) fit too.

    Args:
        input_shape: (channels, height, width) of one image.
        classes: the number of classes (the output logits).
    """
    channels, height, width = _check_image_shape(input_shape, classes, "lenet")
    del channels
    first, second = _lenet_paddings(min(height, width))
    return Sequential(
        [
            Conv2D(6, 5, padding=first, activation="relu", name="conv1"),
            MaxPool2D(2, name="pool1"),
            Conv2D(16, 5, padding=second, activation="relu", name="conv2"),
            MaxPool2D(2, name="pool2"),
            Flatten(name="flatten"),
            Dense(120, activation="relu", kernel_initializer="he_uniform", name="fc1"),
            Dense(84, activation="relu", kernel_initializer="he_uniform", name="fc2"),
            Dense(classes, name="logits"),
        ],
        name="lenet",
    )


def small_cnn(input_shape: Sequence[int] = (1, 8, 8), classes: int = 10) -> Sequential:
    """A small LeNet-style CNN, the default for small images (8×8 digits, 28×28 letters).

    Blocks of [conv 3×3 "same" + ReLU, max pool 2] with 32, 64 then 128 filters, as
    many as keep the image at least 2×2 (two for 8×8, at most three), then a dense
    layer of 128 and the logits.

    Args:
        input_shape: (channels, height, width) of one image.
        classes: the number of classes.
    """
    _, height, width = _check_image_shape(input_shape, classes, "small_cnn")
    size, blocks = min(height, width), 0
    while blocks < 3 and size // 2 >= 2:
        size, blocks = size // 2, blocks + 1
    layers = []
    for block, filters in enumerate((32, 64, 128)[: max(blocks, 1)], start=1):
        layers.append(Conv2D(filters, 3, padding="same", activation="relu", name=f"conv{block}"))
        if blocks:  # images under 4×4 get one conv block without pooling
            layers.append(MaxPool2D(2, name=f"pool{block}"))
    layers += [
        Flatten(name="flatten"),
        Dense(128, activation="relu", kernel_initializer="he_uniform", name="fc1"),
        Dense(classes, name="logits"),
    ]
    return Sequential(layers, name="small_cnn")
