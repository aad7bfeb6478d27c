"""What the recursive (tree-structured) layers share: calling on trees, gathering children.

A tree layer is called on trees (a list of :class:`~glassnet.data.trees.Tree` or a
:class:`~glassnet.data.tree_batch.TreeBatch`) and, optionally, node inputs ``x`` of
shape (nodes, features) in the batch's row order, e.g. embeddings of ``batch.tokens``.
Without ``x`` it reads the nodes' own ``features``. It computes every level of the
batch at once, from the leaves up, and returns the roots' states (trees, units), or,
with ``return_all_nodes=True``, also every node's state (nodes, units).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import backend, ops
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.data.tree_batch import TreeBatch, TreeLevel, batch_trees, check_node_rows
from glassnet.data.trees import Tree
from glassnet.errors import ConfigError, DataError
from glassnet.nn.initializers import get_initializer, initializer_config
from glassnet.nn.module import Module


def as_tree_batch(trees: TreeBatch | Tree | Sequence[Tree]) -> TreeBatch:
    """``trees`` as a batch (a batch is returned as it is)."""
    if isinstance(trees, TreeBatch):
        return trees
    return batch_trees(trees)


class TreeLayer(Module):
    """Base of ``TreeRNN`` and ``ChildSumTreeLSTM``: configuration, calling and outputs.

    Subclasses implement ``build(input_shape)`` and ``compose(x, batch)``, which returns
    one state tensor per level of the batch.
    """

    def __init__(
        self,
        units: int,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        return_all_nodes: bool = False,
        rng: np.random.Generator | int | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name)
        kind = type(self).__name__
        if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units <= 0:
            raise ConfigError(f"{kind} units must be a positive integer, got {units!r}")
        self.units = int(units)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = get_initializer(kernel_initializer)
        self.recurrent_initializer = get_initializer(recurrent_initializer)
        self.bias_initializer = get_initializer(bias_initializer)
        self._initializer_specs = (kernel_initializer, recurrent_initializer, bias_initializer)
        self.return_all_nodes = bool(return_all_nodes)
        self.rng = backend.get_rng(rng) if rng is not None else None
        self.kernel: Tensor | None = None
        self.recurrent_kernel: Tensor | None = None
        self.bias: Tensor | None = None

    def __call__(self, trees: Any, x: Any = None) -> Any:
        """Compose ``trees`` bottom-up; see the module docstring.

        Args:
            trees: a list of Trees, one Tree, or a TreeBatch; an array (nodes, features)
                alone is read as that many one-node trees.
            x: node inputs (nodes, features) in batch row order, or None to use the
                nodes' ``features`` (nodes without features read zeros).
        """
        if x is None and isinstance(trees, (Tensor, np.ndarray)):
            # Rows alone are one-node trees (leaves): this is how a saved layer is rebuilt
            # from its input width (glassnet.io.load calls it on a zero row).
            x = trees
            trees = batch_trees([Tree() for _ in range(len(x))], require_inputs=False)
        batch = as_tree_batch(trees)
        self.check_batch(batch)
        # Module.__call__ sees the node inputs first, so build() gets their width.
        return super().__call__(self.node_inputs(batch, x), batch)

    def check_batch(self, batch: TreeBatch) -> None:
        """Subclasses reject batches they cannot compose (default: accept all)."""

    def node_inputs(self, batch: TreeBatch, x: Any) -> Tensor:
        """``x`` checked against the batch, or a tensor of the nodes' own features."""
        owner = f"{type(self).__name__} '{self.name}'"
        if x is not None:
            x = as_tensor(x)
            check_node_rows(batch, x.shape, owner)
            return x
        if batch.features is None:
            raise DataError(
                f"{owner} got trees whose nodes have no features; pass x= (nodes, features), "
                "e.g. embeddings of batch.tokens"
            )
        for row in range(batch.num_nodes):
            if batch.nodes[row].is_leaf and not batch.has_features[row]:
                raise DataError(
                    f"{owner}: {batch.describe(row)} is a leaf without features; give every "
                    "leaf features, or pass x= (e.g. embeddings of batch.tokens)"
                )
        return Tensor(batch.features, device=self._device)

    def forward(self, x: Tensor, batch: TreeBatch) -> Any:
        self.check_features(x, self.kernel.shape[0])
        states = self.compose(x, batch)
        every_node = states[0] if len(states) == 1 else ops.concatenate(states, axis=0)
        roots = ops.getitem(every_node, batch.roots)
        return (roots, every_node) if self.return_all_nodes else roots

    def compose(self, x: Tensor, batch: TreeBatch) -> list[Tensor]:  # pragma: no cover
        raise NotImplementedError

    @staticmethod
    def below(states: list[Tensor]) -> Tensor:
        """The states of every row computed so far (the levels below the current one)."""
        return states[0] if len(states) == 1 else ops.concatenate(states, axis=0)

    def add_kernels(self, input_dim: int, recurrent_rows: int, columns: int) -> None:
        """Create ``kernel`` (inputs, columns), ``recurrent_kernel`` and ``bias``."""
        kernel_init, recurrent_init, bias_init = (
            self.kernel_initializer,
            self.recurrent_initializer,
            self.bias_initializer,
        )
        self.add_weight("kernel", (input_dim, columns), kernel_init)
        recurrent = self.add_weight("recurrent_kernel", (recurrent_rows, columns), recurrent_init)
        # A wide orthogonal matrix comes back transposed (Fortran order); gradcheck and
        # in-place updates want C order.
        recurrent.data = backend.get_array_module(recurrent.data).ascontiguousarray(recurrent.data)
        if self.use_bias:
            self.add_weight("bias", (columns,), bias_init)

    def base_config(self) -> dict[str, Any]:
        kernel_init, recurrent_init, bias_init = self._initializer_specs
        return {
            "units": self.units,
            "use_bias": self.use_bias,
            "kernel_initializer": initializer_config(kernel_init),
            "recurrent_initializer": initializer_config(recurrent_init),
            "bias_initializer": initializer_config(bias_init),
            "return_all_nodes": self.return_all_nodes,
            "name": self.name,
        }


def children_of(below: Tensor, level: TreeLevel) -> Tensor:
    """The states of ``level``'s children, one row per child, grouped by parent."""
    return ops.getitem(below, level.child_rows)
