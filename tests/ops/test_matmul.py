"""matmul (NumPy's rules: batches, broadcast batch axes, 1-d operands) and the fused linear."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import ops
from tests.helpers import away_from, host, random_array


@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [
        ((3, 4), (4, 5)),
        ((2, 3, 4), (4, 5)),
        ((3, 4), (2, 4, 5)),
        ((2, 3, 4), (2, 4, 5)),
        ((2, 1, 3, 4), (5, 4, 2)),
        ((4,), (4, 5)),
        ((3, 4), (4,)),
        ((4,), (4,)),
        ((4,), (2, 4, 5)),
        ((2, 3, 4), (4,)),
    ],
)
def test_matmul_values_and_gradients(shape_a, shape_b):
    a, b = random_array(shape_a, seed=1), random_array(shape_b, seed=2)
    out = ops.matmul(gn.Tensor(a, dtype=np.float64), gn.Tensor(b, dtype=np.float64))
    expected = a @ b
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected)
    gn.gradcheck(ops.matmul, a, b)


def test_matmul_operator_and_constant_operand():
    a, w = random_array((3, 4), seed=3), random_array((4, 2), seed=4)
    gn.gradcheck(lambda x: x @ w, a)
    gn.gradcheck(lambda x: a @ x, w)


def test_matmul_gradient_formula():
    a = gn.Tensor(random_array((3, 4), seed=5), requires_grad=True, dtype=np.float64)
    b = gn.Tensor(random_array((4, 2), seed=6), requires_grad=True, dtype=np.float64)
    upstream = random_array((3, 2), seed=7)
    (a @ b).backward(upstream)
    np.testing.assert_allclose(host(a.grad), upstream @ b.numpy().T)
    np.testing.assert_allclose(host(b.grad), a.numpy().T @ upstream)


def test_linear_equals_matmul_plus_bias():
    x, w, b = (
        random_array((5, 3), seed=8),
        random_array((3, 2), seed=9),
        random_array((2,), seed=10),
    )
    t = [gn.Tensor(v, dtype=np.float64) for v in (x, w, b)]
    np.testing.assert_allclose(ops.linear(*t).numpy(), x @ w + b)
    np.testing.assert_allclose(ops.linear(t[0], t[1]).numpy(), x @ w)


def test_linear_gradients_with_and_without_bias():
    x, w, b = (
        random_array((5, 3), seed=11),
        random_array((3, 2), seed=12),
        random_array((2,), seed=13),
    )
    gn.gradcheck(ops.linear, x, w, b)
    gn.gradcheck(ops.linear, x, w)


def test_linear_with_a_constant_input():
    x = random_array((5, 3), seed=14)
    w, b = random_array((3, 2), seed=15), random_array((2,), seed=16)
    report = gn.gradcheck(
        lambda weight, bias: ops.linear(gn.Tensor(x, dtype=np.float64), weight, bias), w, b
    )
    assert [t.name for t in report.tensors] == ["input 0", "input 1"]


def test_linear_fused_relu_equals_linear_then_relu():
    x = away_from((6, 4), seed=11)
    w, b = random_array((4, 3), seed=12), random_array((3,), seed=13)
    t = [gn.Tensor(v, dtype=np.float64) for v in (x, w, b)]
    fused = ops.linear(*t, activation="relu").numpy()
    np.testing.assert_allclose(fused, np.maximum(x @ w + b, 0))
    # Gradients through the fused op equal those through linear followed by relu.
    upstream = random_array((6, 3), seed=14)
    grads = []
    for fuse in (True, False):
        leaves = [gn.Tensor(v, requires_grad=True, dtype=np.float64) for v in (x, w, b)]
        out = ops.linear(*leaves, activation="relu") if fuse else ops.relu(ops.linear(*leaves))
        out.backward(upstream)
        grads.append([host(leaf.grad) for leaf in leaves])
    for got, expected in zip(*grads, strict=True):
        np.testing.assert_allclose(got, expected)


def test_linear_fused_relu_gradcheck():
    x = away_from((5, 3), seed=15)
    w, b = random_array((3, 4), seed=16), random_array((4,), seed=17)
    gn.gradcheck(lambda *t: ops.linear(*t, activation="relu"), x, w, b)


def test_linear_skips_the_gradient_of_a_constant_input():
    x = gn.Tensor(random_array((4, 3), seed=18))
    w = gn.Tensor(random_array((3, 2), seed=19), requires_grad=True)
    out = ops.linear(x, w, activation="relu")
    upstream = gn.backend.to_device_of(np.ones((4, 2), dtype=np.float32), out.data)
    assert out._creator.backward(upstream)[0] is None


def test_linear_refuses_an_activation_it_cannot_fuse():
    with pytest.raises(gn.ConfigError, match="fuse"):
        ops.linear(gn.Tensor(np.ones((2, 2))), gn.Tensor(np.ones((2, 2))), activation="tanh")
