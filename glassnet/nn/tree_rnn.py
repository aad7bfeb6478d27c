"""``TreeRNN``: a recursive neural network that composes children into their parent.

Each node j gets a state from its own input x_j and its children's states, bottom-up:

* child-sum (``arity=None``, any number of children, order ignored):
  h_j = act(x_j W + (Σ_k h_k) U + b), with U of shape (units, units);
* positional (``arity=n``, at most n children, order matters):
  h_j = act(x_j W + [h_1; …; h_n] U + b), with U of shape (n · units, units) and zeros
  for missing children. With ``arity=2`` and inputs only at the leaves this is the
  classic binary composition h = act(W [h_left; h_right] + b) of Socher et al.

Leaves have no children, so h = act(x W + b). All nodes of one height, across the
whole batch, are computed together: one gather, one matrix product per level.

Example:
    >>> import glassnet as gn
    >>> from glassnet.data.trees import Tree
    >>> leaf = lambda v: Tree(features=[v, 1.0])
    >>> trees = [Tree(children=[leaf(0.5), leaf(-1.0)]), leaf(2.0)]
    >>> gn.TreeRNN(4, arity=2)(trees).shape
    (2, 4)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import ops
from glassnet.autograd.tensor import Tensor
from glassnet.data.tree_batch import TreeBatch
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn.activations import activation_name, get_activation
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.tree_base import TreeLayer, children_of
from glassnet.nn.tree_ops import segment_sum


@LAYERS.register("TreeRNN")
class TreeRNN(TreeLayer):
    """A tree RNN layer of ``units`` neurons; see the module docstring for the equations.

    Args:
        units: the size of each node's state, a positive integer.
        activation: a name (``"tanh"``, default) or function applied to each state.
        arity: None to sum the children (any number, unordered), or the largest number
            of children, whose states are then weighted by position.
        use_bias: add a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: names or
            initializer objects for W, U and b.
        return_all_nodes: also return every node's state (nodes, units) in row order.
        input_dim: the width of the node inputs, to create the weights now.
        rng: a seed or generator for the initial weights.
        name: a display name, used in messages.
    """

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        arity: int | None = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        return_all_nodes: bool = False,
        input_dim: int | None = None,
        rng: np.random.Generator | int | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(
            units,
            use_bias,
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
            return_all_nodes,
            rng,
            name,
        )
        if arity is not None and (
            not isinstance(arity, (int, np.integer)) or isinstance(arity, bool) or arity <= 0
        ):
            raise ConfigError(f"TreeRNN arity must be None or a positive integer, got {arity!r}")
        self.arity = None if arity is None else int(arity)
        self.activation = activation
        self.activation_fn = get_activation(activation)
        if input_dim is not None:
            self.build((None, input_dim))
            self.built = True

    def build(self, input_shape: tuple[int, ...]) -> None:
        recurrent_rows = self.units * (1 if self.arity is None else self.arity)
        self.add_kernels(int(input_shape[-1]), recurrent_rows, self.units)

    def check_batch(self, batch: TreeBatch) -> None:
        if self.arity is None or batch.max_children <= self.arity:
            return
        row = next(r for r, n in enumerate(batch.nodes) if len(n.children) > self.arity)
        raise ShapeError(
            f"TreeRNN '{self.name}' has arity {self.arity}, but {batch.describe(row)} has "
            f"{len(batch.nodes[row].children)} children; use a larger arity or arity=None "
            "(child-sum)"
        )

    def compose(self, x: Tensor, batch: TreeBatch) -> list[Tensor]:
        # Every node's input term in one matrix product; the levels then slice it.
        projected = ops.linear(x, self.kernel, self.bias)
        states: list[Tensor] = []
        for level in batch.levels:
            z = projected[level.start : level.stop]
            if level.child_rows.size:
                below = self.below(states)
                if self.arity is None:
                    summed = segment_sum(children_of(below, level), level.child_parent, level.size)
                    z = z + ops.linear(summed, self.recurrent_kernel)
                else:
                    # A zero row stands in for missing children; one gather lays out
                    # [h_1; …; h_n] for every node of the level.
                    zero = Tensor(np.zeros((1, self.units), below.dtype), device=below.device)
                    table = ops.concatenate([below, zero], axis=0)
                    rows = level.padded_children(self.arity, missing=len(below))
                    stacked = ops.getitem(table, rows).reshape(level.size, -1)
                    z = z + ops.linear(stacked, self.recurrent_kernel)
            states.append(self.activation_fn(z))
        return states

    def get_config(self) -> dict[str, Any]:
        config = self.base_config()
        config["activation"] = activation_name(self.activation)
        config["arity"] = self.arity
        return config
