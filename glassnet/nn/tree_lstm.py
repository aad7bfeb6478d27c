"""``ChildSumTreeLSTM``: the Child-Sum Tree-LSTM of Tai, Socher and Manning (2015).

For node j with input x_j and children k (states h_k, memory cells c_k):

    h̃_j  = Σ_k h_k
    i_j  = σ(x_j W_i + h̃_j U_i + b_i)            input gate
    f_jk = σ(x_j W_f + h_k U_f + b_f)             one forget gate per child
    u_j  = tanh(x_j W_u + h̃_j U_u + b_u)          candidate
    o_j  = σ(x_j W_o + h̃_j U_o + b_o)            output gate
    c_j  = i_j ⊙ u_j + Σ_k f_jk ⊙ c_k
    h_j  = o_j ⊙ tanh(c_j)

The four gates' weights sit side by side in ``kernel`` (inputs, 4·units),
``recurrent_kernel`` (units, 4·units) and ``bias`` (4·units), in Keras's order
i, f, u (Keras's "c"), o. Children are unordered and may be any number. All nodes of a
height, across the batch, are computed at once.

Example:
    >>> import glassnet as gn
    >>> from glassnet.data.trees import Tree
    >>> leaf = lambda v: Tree(features=[v])
    >>> tree = Tree(features=[0.0], children=[leaf(1.0), leaf(2.0), leaf(3.0)])
    >>> gn.ChildSumTreeLSTM(5)([tree, leaf(1.0)]).shape
    (2, 5)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import ops
from glassnet.autograd.tensor import Tensor
from glassnet.data.tree_batch import TreeBatch
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.tree_base import TreeLayer, children_of
from glassnet.nn.tree_ops import segment_sum


@LAYERS.register("ChildSumTreeLSTM")
class ChildSumTreeLSTM(TreeLayer):
    """A Child-Sum Tree-LSTM layer; see the module docstring for the equations.

    Args:
        units: the size of each node's state h and memory cell c.
        use_bias: add the biases b.
        kernel_initializer, recurrent_initializer, bias_initializer: names or
            initializer objects for W, U and b.
        unit_forget_bias: add 1 to the forget gates' bias at initialization (as Keras),
            so that children's memories pass upward at the start of training.
        return_all_nodes: also return every node's state h (nodes, units) in row order.
        input_dim: the width of the node inputs, to create the weights now.
        rng: a seed or generator for the initial weights.
        name: a display name, used in messages.
    """

    def __init__(
        self,
        units: int,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
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
        self.unit_forget_bias = bool(unit_forget_bias)
        if input_dim is not None:
            self.build((None, input_dim))
            self.built = True

    def build(self, input_shape: tuple[int, ...]) -> None:
        self.add_kernels(int(input_shape[-1]), self.units, 4 * self.units)
        if self.use_bias and self.unit_forget_bias:
            self.bias.data[self.units : 2 * self.units] += 1.0

    def compose(self, x: Tensor, batch: TreeBatch) -> list[Tensor]:
        n = self.units
        # Every node's input term for all four gates in one matrix product.
        projected = ops.linear(x, self.kernel, self.bias)
        forget_kernel = self.recurrent_kernel[:, n : 2 * n]
        states: list[Tensor] = []
        cells: list[Tensor] = []
        for level in batch.levels:
            z = projected[level.start : level.stop]
            if level.child_rows.size:
                child_h = children_of(self.below(states), level)
                child_c = children_of(self.below(cells), level)
                summed = segment_sum(child_h, level.child_parent, level.size)
                # Per-child forget gates: the parent's own input term (x W_f + b_f, without
                # h̃), repeated for each child, plus the child's h_k U_f.
                parent_term = ops.getitem(z[:, n : 2 * n], level.child_parent)
                forget = ops.sigmoid(parent_term + ops.linear(child_h, forget_kernel))
                # U's forget columns are computed here too but unused: one GEMM for all
                # four gates is cheaper than slicing U into three column blocks.
                z = z + ops.linear(summed, self.recurrent_kernel)
                kept = segment_sum(forget * child_c, level.child_parent, level.size)
            else:
                kept = None  # leaves have no children to remember
            input_gate = ops.sigmoid(z[:, :n])
            candidate = ops.tanh(z[:, 2 * n : 3 * n])
            output_gate = ops.sigmoid(z[:, 3 * n :])
            cell = input_gate * candidate
            if kept is not None:
                cell = cell + kept
            cells.append(cell)
            states.append(output_gate * ops.tanh(cell))
        return states

    def get_config(self) -> dict[str, Any]:
        config = self.base_config()
        config["unit_forget_bias"] = self.unit_forget_bias
        return config
