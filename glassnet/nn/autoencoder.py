"""Autoencoders: an encoder squeezes each sample into a short code, a decoder rebuilds it.

Trained on ``(x, x)`` with the mean squared error, the network must keep in its code
what matters to rebuild the input; the codes are then a compact description of the
data (to cluster, to plot). Two builders:

* :func:`dense_autoencoder` — Dense layers, for any table of features;
* :func:`conv_autoencoder` — convolutions for small images (8×8 digits): the decoder
  goes Dense → :class:`Reshape` → :class:`UpSampling2D` → Conv2D.

Both return an :class:`Autoencoder`, a ``Sequential`` of two parts (``encoder`` and
``decoder``, themselves ``Sequential``), so it compiles, fits, saves and reloads
like any glassnet model.

Example:
    >>> import glassnet as gn, numpy as np
    >>> from glassnet.nn.autoencoder import dense_autoencoder
    >>> ae = dense_autoencoder(4, code_size=2, hidden=(3,), rng=0)
    >>> ae.encode(np.zeros((5, 4))).shape
    (5, 2)
    >>> ae(gn.Tensor(np.zeros((5, 4)))).shape
    (5, 4)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn.conv import Conv2D
from glassnet.nn.dense import Dense
from glassnet.nn.flatten import Flatten
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.module import Module
from glassnet.nn.pooling import MaxPool2D
from glassnet.nn.sequential import Sequential


def _positive_int(value: Any, what: str) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


@LAYERS.register("Reshape")
class Reshape(Module):
    """Reshape each sample to ``target_shape`` (the batch axis is kept).

    Args:
        target_shape: the shape of one sample, e.g. (16, 4, 4).

    Example:
        >>> import glassnet as gn, numpy as np
        >>> Reshape((2, 3))(gn.Tensor(np.zeros((4, 6)))).shape
        (4, 2, 3)
    """

    def __init__(self, target_shape: Sequence[int], name: str | None = None) -> None:
        super().__init__(name)
        if isinstance(target_shape, (int, np.integer)):
            target_shape = (target_shape,)
        self.target_shape = tuple(
            _positive_int(n, "Reshape target_shape entries") for n in target_shape
        )

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        size = int(np.prod(self.target_shape))
        if int(np.prod(x.shape[1:])) != size:
            raise ShapeError(
                f"Reshape '{self.name}' expects samples of {size} values (to make "
                f"{self.target_shape}), got shape {tuple(x.shape)}"
            )
        return x.reshape(x.shape[0], *self.target_shape)

    def get_config(self) -> dict[str, Any]:
        return {"target_shape": list(self.target_shape), "name": self.name}


@LAYERS.register("UpSampling2D")
class UpSampling2D(Module):
    """Nearest-neighbour upsampling of (N, C, H, W) images: each pixel becomes a size×size block.

    Built from a reshape and a broadcast product with ones, so the autograd engine
    gives the backward pass (the sum over each block) without new code.

    Args:
        size: the factor on both height and width.

    Example:
        >>> import glassnet as gn, numpy as np
        >>> UpSampling2D(2)(gn.Tensor(np.zeros((1, 3, 4, 4)))).shape
        (1, 3, 8, 8)
    """

    def __init__(self, size: int = 2, name: str | None = None) -> None:
        super().__init__(name)
        self.size = _positive_int(size, "UpSampling2D size")

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        if x.ndim != 4:
            raise ShapeError(
                f"UpSampling2D '{self.name}' expects images (samples, channels, height, "
                f"width), got shape {tuple(x.shape)}"
            )
        n, c, h, w = x.shape
        s = self.size
        xp = backend.get_array_module(x.data)
        ones = xp.ones((1, 1, 1, s, 1, s), dtype=x.dtype)
        blocks = x.reshape(n, c, h, 1, w, 1) * ones  # (n, c, h, s, w, s)
        return blocks.reshape(n, c, h * s, w * s)

    def get_config(self) -> dict[str, Any]:
        return {"size": self.size, "name": self.name}


@LAYERS.register("Autoencoder")
class Autoencoder(Sequential):
    """An encoder followed by a decoder; trained on ``(x, x)`` it learns a code of ``x``.

    Args:
        encoder: maps a sample to its code.
        decoder: maps a code back to a sample.

    Example:
        >>> import glassnet as gn
        >>> ae = Autoencoder(gn.Sequential([gn.Dense(2)]), gn.Sequential([gn.Dense(4)]))
        >>> ae.encode([[1.0, 2.0, 3.0, 4.0]]).shape
        (1, 2)
    """

    def __init__(
        self,
        encoder: Module | Iterable[Module] | None = None,
        decoder: Module | None = None,
        name: str | None = None,
    ) -> None:
        # from_config (inherited from Sequential) passes the two parts as a list.
        if decoder is None and encoder is not None and not isinstance(encoder, Module):
            parts = list(encoder)
            if len(parts) != 2:
                raise ConfigError(
                    f"an Autoencoder has two parts (encoder, decoder), got {len(parts)}"
                )
            encoder, decoder = parts
        if not isinstance(encoder, Module) or not isinstance(decoder, Module):
            raise ConfigError(
                "Autoencoder needs an encoder and a decoder (gn.Module instances), got "
                f"{type(encoder).__name__} and {type(decoder).__name__}"
            )
        super().__init__([encoder, decoder], name=name)

    @property
    def encoder(self) -> Module:
        return self.layers[0]

    @property
    def decoder(self) -> Module:
        return self.layers[1]

    @property
    def model(self) -> Autoencoder:
        """The whole network (the autoencoder itself), to compile and fit on ``(x, x)``."""
        return self

    def encode(self, x: Any, batch_size: int = 256) -> np.ndarray:
        """The codes of ``x`` as a NumPy array (eval mode, no gradients)."""
        from glassnet.train.api import predict

        return predict(self.encoder, x, batch_size=batch_size)

    def decode(self, codes: Any, batch_size: int = 256) -> np.ndarray:
        """Samples rebuilt from ``codes`` (eval mode, no gradients)."""
        from glassnet.train.api import predict

        return predict(self.decoder, codes, batch_size=batch_size)

    def reconstruct(self, x: Any, batch_size: int = 256) -> np.ndarray:
        """``x`` encoded then decoded: what the autoencoder keeps of it."""
        from glassnet.train.api import predict

        return predict(self, x, batch_size=batch_size)


def dense_autoencoder(
    input_dim: int,
    code_size: int = 8,
    hidden: Sequence[int] = (32,),
    output_activation: str | None = None,
    rng: np.random.Generator | int | None = None,
) -> Autoencoder:
    """A Dense autoencoder: input → hidden… → code, then code → …hidden (mirrored) → input.

    Args:
        input_dim: features per sample.
        code_size: the size of the code (the bottleneck).
        hidden: the sizes of the encoder's hidden ReLU layers; the decoder mirrors them.
        output_activation: e.g. ``"sigmoid"`` for data in [0, 1]; None for any values.
        rng: seed or generator for the initial weights (same seed, same weights).

    Example:
        >>> dense_autoencoder(64, code_size=4, hidden=(16,)).encoder[0].units
        16
    """
    input_dim = _positive_int(input_dim, "dense_autoencoder input_dim")
    code_size = _positive_int(code_size, "dense_autoencoder code_size")
    sizes = [_positive_int(n, "dense_autoencoder hidden sizes") for n in hidden]
    generator = backend.get_rng(rng) if rng is not None else None
    encoder = Sequential(name="encoder")
    for i, units in enumerate(sizes, start=1):
        encoder.add(
            Dense(units, "relu", kernel_initializer="he_uniform", rng=generator, name=f"enc{i}")
        )
    # A linear code: ReLU would clip it and leave dead code units, which hurts clustering.
    encoder.add(Dense(code_size, rng=generator, name="code"))
    decoder = Sequential(name="decoder")
    for i, units in enumerate(reversed(sizes), start=1):
        decoder.add(
            Dense(units, "relu", kernel_initializer="he_uniform", rng=generator, name=f"dec{i}")
        )
    decoder.add(Dense(input_dim, output_activation, rng=generator, name="reconstruction"))
    return Autoencoder(encoder, decoder, name="dense_autoencoder")


def conv_autoencoder(
    input_shape: Sequence[int] = (1, 8, 8),
    code_size: int = 8,
    filters: int = 8,
    rng: np.random.Generator | int | None = None,
) -> Autoencoder:
    """A small convolutional autoencoder for images in [0, 1] (sigmoid output).

    Encoder: conv 3×3 "same" + ReLU → max pool 2 → flatten → Dense(code_size).
    Decoder: Dense → reshape to (filters, H/2, W/2) → upsample ×2 → conv 3×3 + ReLU
    → conv 3×3 to the input channels + sigmoid.

    Args:
        input_shape: (channels, height, width); height and width must be even.
        code_size: the size of the code.
        filters: feature maps of the convolutions.
        rng: seed or generator for the initial weights.

    Example:
        >>> conv_autoencoder((1, 8, 8), code_size=4).decoder[1].target_shape
        (8, 4, 4)
    """
    shape = tuple(input_shape)
    if len(shape) != 3 or not all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > 0 for n in shape
    ):
        raise ConfigError(
            f"conv_autoencoder input_shape must be (channels, height, width) of positive "
            f"ints, got {input_shape!r}"
        )
    channels, height, width = (int(n) for n in shape)
    if height % 2 or width % 2:
        raise ConfigError(
            f"conv_autoencoder needs an even height and width (it halves and doubles them), "
            f"got {height}×{width}"
        )
    code_size = _positive_int(code_size, "conv_autoencoder code_size")
    filters = _positive_int(filters, "conv_autoencoder filters")
    generator = backend.get_rng(rng) if rng is not None else None
    small = (filters, height // 2, width // 2)

    def conv(out: int, activation: str, name: str) -> Conv2D:
        return Conv2D(out, 3, padding="same", activation=activation, rng=generator, name=name)

    encoder = Sequential(
        [
            conv(filters, "relu", "enc_conv"),
            MaxPool2D(2, name="enc_pool"),
            Flatten(name="enc_flatten"),
            Dense(code_size, rng=generator, name="code"),
        ],
        name="encoder",
    )
    decoder = Sequential(
        [
            Dense(int(np.prod(small)), "relu", rng=generator, name="dec_dense"),
            Reshape(small, name="dec_reshape"),
            UpSampling2D(2, name="dec_upsample"),
            conv(filters, "relu", "dec_conv"),
            conv(channels, "sigmoid", "reconstruction"),
        ],
        name="decoder",
    )
    return Autoencoder(encoder, decoder, name="conv_autoencoder")
