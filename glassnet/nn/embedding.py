"""``Embedding``: token ids → learned vectors, with an optional padding mask.

The table ``embeddings`` has shape (input_dim, output_dim): row k is the vector of
token k. The gradient of a lookup adds each output's gradient back onto its row
(repeated ids accumulate).

Example:
    >>> import numpy as np, glassnet as gn
    >>> layer = gn.Embedding(10, 4, mask_zero=True)
    >>> out = layer(np.array([[3, 5, 0]]))
    >>> out.shape
    (1, 3, 4)
    >>> gn.nn.masking.get_mask(out).tolist()
    [[True, True, False]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.function import Function
from glassnet.autograd.tensor import Tensor
from glassnet.backend import Array, get_array_module
from glassnet.errors import ConfigError, DataError
from glassnet.nn.initializers import Uniform, get_initializer, initializer_config
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.masking import attach_mask
from glassnet.nn.module import Module
from glassnet.nn.regularizers import get_regularizer, regularizer_config


class EmbeddingLookup(Function):
    """Rows of a table by integer ids: out[...] = table[ids[...]]; inputs (table,)."""

    def __init__(self, ids: Array) -> None:
        self.ids = ids

    def forward(self, table: Array) -> Array:
        self.table_shape = table.shape
        return table[self.ids]

    def backward(self, grad: Array) -> tuple[Array]:
        xp = get_array_module(grad)
        table_grad = xp.zeros(self.table_shape, dtype=grad.dtype)
        backend.scatter_add(table_grad, self.ids.reshape(-1), grad.reshape(-1, grad.shape[-1]))
        return (table_grad,)


def _positive_int(value: Any, what: str) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"Embedding {what} must be a positive integer, got {value!r}")
    return int(value)


@LAYERS.register("Embedding")
class Embedding(Module):
    """A learned vector per token id (Keras's ``Embedding``).

    Args:
        input_dim: the vocabulary size; ids must be in [0, input_dim).
        output_dim: the length of each vector.
        mask_zero: id 0 is padding: the output carries a (batch, time) mask that the next
            recurrent layer reads (so with a vocabulary of n real tokens, use n + 1).
        embeddings_initializer: default uniform in [-0.05, 0.05] (Keras's).
        embeddings_regularizer: a name, object or None.
        rng: a seed or generator for the initial table.
        name: a display name.
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        mask_zero: bool = False,
        embeddings_initializer: Any = None,
        embeddings_regularizer: Any = None,
        rng: np.random.Generator | int | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name)
        self.input_dim = _positive_int(input_dim, "input_dim")
        self.output_dim = _positive_int(output_dim, "output_dim")
        self.mask_zero = bool(mask_zero)
        spec = embeddings_initializer if embeddings_initializer is not None else Uniform()
        self._config_specs = (spec, embeddings_regularizer)
        self.embeddings_initializer = get_initializer(spec)
        self.embeddings_regularizer = get_regularizer(embeddings_regularizer)
        self.rng = backend.get_rng(rng) if rng is not None else None
        # The table does not depend on the input's shape: create it now.
        self.add_weight(
            "embeddings",
            (self.input_dim, self.output_dim),
            self.embeddings_initializer,
            self.embeddings_regularizer,
        )
        self.built = True

    def forward(self, ids: Any) -> Tensor:
        data = ids.data if isinstance(ids, Tensor) else ids
        xp = get_array_module(data)
        data = xp.asarray(data)
        if data.dtype.kind == "f" and data.size and bool(xp.all(data == xp.round(data))):
            data = data.astype(np.int64)  # whole numbers stored as floats (e.g. from a CSV)
        if data.dtype.kind not in "iu":
            raise DataError(
                f"Embedding '{self.name}' expects integer token ids, got dtype {data.dtype}"
            )
        if data.size:
            low, high = int(data.min()), int(data.max())
            bad = low if low < 0 else high
            if low < 0 or high >= self.input_dim:
                raise DataError(
                    f"Embedding '{self.name}': token id {bad} is out of range for a vocabulary "
                    f"of size {self.input_dim} (ids must be in [0, {self.input_dim - 1}])"
                )
        data = backend.to_device_of(data, self.embeddings.data)  # ids follow the table
        out = EmbeddingLookup(data)(self.embeddings)
        if self.mask_zero and data.ndim == 2:
            attach_mask(out, data != 0)
        return out

    def get_config(self) -> dict[str, Any]:
        init, reg = self._config_specs
        return {
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "mask_zero": self.mask_zero,
            "embeddings_initializer": initializer_config(init),
            "embeddings_regularizer": regularizer_config(reg),
            "name": self.name,
        }
