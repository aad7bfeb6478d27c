"""The backward pass: accumulation, shared inputs, no_grad, unbroadcast, the shape check, retain_graph."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.autograd.function import Function
from glassnet.errors import ConfigError, GradientError, ShapeError
from tests.helpers import host


def _leaf(values) -> gn.Tensor:
    return gn.Tensor(values, requires_grad=True, dtype=np.float64)


# -- accumulation ------------------------------------------------------------------------------


def test_gradients_accumulate_across_two_backward_calls():
    x = _leaf([1.0, -2.0, 3.0])
    (x * x).sum().backward()
    np.testing.assert_allclose(host(x.grad), 2 * x.numpy())
    (x * x).sum().backward()
    np.testing.assert_allclose(host(x.grad), 4 * x.numpy())
    (3.0 * x).sum().backward()
    np.testing.assert_allclose(host(x.grad), 4 * x.numpy() + 3.0)


def test_a_tensor_used_twice_gets_the_sum_of_both_gradients():
    x = _leaf([1.5, -0.5])
    (x + x).sum().backward()
    np.testing.assert_allclose(host(x.grad), [2.0, 2.0])
    x.zero_grad()
    (x * x).sum().backward()
    np.testing.assert_allclose(host(x.grad), 2 * x.numpy())


def test_diamond_graph_sums_both_paths():
    x = _leaf([2.0, -1.0])
    a = x * 2.0
    b = x * 3.0
    (a * b).sum().backward()  # 6x² → 12x
    np.testing.assert_allclose(host(x.grad), 12 * x.numpy())


def test_only_tensors_that_require_grad_receive_one():
    x = _leaf([1.0, 2.0])
    c = gn.Tensor([3.0, 4.0], dtype=np.float64)
    (x * c).sum().backward()
    np.testing.assert_allclose(host(x.grad), [3.0, 4.0])
    assert c.grad is None


def test_intermediate_gradients_are_not_kept():
    x = _leaf([1.0, 2.0])
    y = x * 2.0
    (y * y).sum().backward()
    assert y.grad is None
    assert x.grad is not None


def test_gradient_dtype_follows_the_leaf():
    x = gn.Tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.dtype == np.float32


def test_a_long_chain_does_not_hit_the_recursion_limit():
    x = _leaf([1.0])
    y = x
    for _ in range(3000):
        y = y + 1.0
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), [1.0])


# -- independent .grad arrays --------------------------------------------------------------


def test_leaves_sharing_one_upstream_gradient_get_independent_arrays():
    a = _leaf([1.0, 2.0])
    b = _leaf([3.0, 4.0])
    (a + b).backward(np.array([1.0, 1.0]))
    np.testing.assert_allclose(host(a.grad), [1.0, 1.0])
    np.testing.assert_allclose(host(b.grad), [1.0, 1.0])
    a.grad *= 10.0
    np.testing.assert_allclose(host(b.grad), [1.0, 1.0])
    assert not np.shares_memory(a.grad, b.grad)


def test_leaves_receiving_views_of_one_gradient_are_independent():
    a = _leaf(np.ones(4))
    b = _leaf(np.ones((2, 2)))
    (a + b.reshape(4)).sum().backward()
    assert not np.shares_memory(a.grad, b.grad)
    a.grad[0] = 7.0
    np.testing.assert_allclose(host(b.grad), np.ones((2, 2)))


def test_leaf_gradients_are_writable_even_after_a_sum():
    w = _leaf(np.ones((2, 3)))
    w.sum().backward()
    assert getattr(w.grad.flags, "writeable", True)  # CuPy arrays are always writable
    w.grad *= 0.5  # an optimizer or clipping may scale gradients in place
    np.testing.assert_allclose(host(w.grad), np.full((2, 3), 0.5))
    v = _leaf(np.ones(3))
    v.mean().backward()
    v.grad += 1.0
    np.testing.assert_allclose(host(v.grad), np.full(3, 1.0 + 1.0 / 3.0))


# -- no_grad ---------------------------------------------------------------------------


def test_no_grad_records_nothing():
    x = _leaf([1.0, 2.0])
    with gn.no_grad():
        y = (x * 3.0).sum()
    assert not y.requires_grad
    assert y.is_leaf
    assert y._creator is None
    with pytest.raises(ConfigError):
        y.backward()
    assert x.grad is None


def test_enable_grad_inside_no_grad_records_again():
    x = _leaf([1.0])
    with gn.no_grad(), gn.enable_grad():
        y = x * 2.0
    assert y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), [2.0])


def test_no_grad_is_restored_after_an_exception():
    x = _leaf([1.0])
    with pytest.raises(RuntimeError), gn.no_grad():
        raise RuntimeError("boom")
    assert (x * 2.0).requires_grad


def test_backward_itself_records_no_graph():
    x = _leaf([1.0, 2.0])
    (x * x).sum().backward()
    # A plain array of the leaf's own kind on the leaf's device, not a Tensor.
    assert type(x.grad) is type(x.data)
    assert gn.backend.device_of(x.grad) == x.device


# -- non-scalar roots -------------------------------------------------------------------------


def test_backward_on_a_non_scalar_without_grad_raises_shape_error():
    x = _leaf([[1.0, 2.0]])
    with pytest.raises(ShapeError, match="one-element"):
        (x * 2.0).backward()
    assert x.grad is None


# -- unbroadcast -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grad_shape", "shape"),
    [
        ((4, 3), (3,)),
        ((4, 3), (1, 3)),
        ((4, 3), (4, 1)),
        ((3, 2, 4), (2, 1)),
        ((3, 2, 4), (3, 1, 4)),
        ((2, 3), ()),
        ((5, 1, 3), (1, 1, 3)),
    ],
)
def test_unbroadcast_sums_over_broadcast_axes(grad_shape, shape):
    grad = np.random.default_rng(0).standard_normal(grad_shape)
    reduced = gn.unbroadcast(grad, shape)
    assert reduced.shape == shape
    # The reference: the gradient of Σ g·broadcast(x) is the sum of g over the broadcast copies.
    expected = np.zeros(shape)
    broadcast_index = np.broadcast_to(
        np.arange(max(1, int(np.prod(shape)))).reshape(shape), grad_shape
    )
    np.add.at(expected.reshape(-1), broadcast_index.reshape(-1), grad.reshape(-1))
    np.testing.assert_allclose(reduced, expected)


def test_unbroadcast_is_the_identity_for_equal_shapes():
    grad = np.ones((2, 3))
    assert gn.unbroadcast(grad, (2, 3)) is grad


def test_broadcast_add_gradients_have_the_input_shapes():
    a = _leaf(np.ones((3, 1, 4)))
    b = _leaf(np.ones((2, 1)))
    out = a + b
    assert out.shape == (3, 2, 4)
    out.sum().backward()
    np.testing.assert_allclose(host(a.grad), np.full((3, 1, 4), 2.0))
    np.testing.assert_allclose(host(b.grad), np.full((2, 1), 12.0))


# -- the central shape check ---------------------------------------------------------------


class _WrongShapeBackward(Function):
    def forward(self, x):
        return x * 2.0

    def backward(self, grad):
        return (grad.sum(axis=0),)  # drops an axis: the wrong shape


class _NoGradientForSecondInput(Function):
    def forward(self, a, b):
        return a * b

    def backward(self, grad):
        return grad * self.inputs[1].data, None


def test_engine_rejects_a_gradient_of_the_wrong_shape():
    x = _leaf(np.ones((3, 2)))
    out = _WrongShapeBackward()(x)
    with pytest.raises(GradientError, match=r"_WrongShapeBackward.*\(2,\).*\(3, 2\)"):
        out.sum().backward()


def test_a_none_gradient_means_no_gradient_for_that_input():
    a = _leaf([1.0, 2.0])
    b = _leaf([3.0, 4.0])
    _NoGradientForSecondInput()(a, b).sum().backward()
    np.testing.assert_allclose(host(a.grad), [3.0, 4.0])
    assert b.grad is None


def test_function_name_is_the_class_name():
    assert _WrongShapeBackward().name == "_WrongShapeBackward"


def test_a_function_records_its_inputs_only_when_a_gradient_is_wanted():
    fn = _WrongShapeBackward()
    out = fn(gn.Tensor([1.0]))
    assert not out.requires_grad
    assert fn.inputs == ()
    x = _leaf([1.0])
    out = fn(x)
    assert out._creator is fn
    assert fn.inputs == (x,)


# -- retain_graph --------------------------------------------------------------------------------


def test_retain_graph_allows_a_second_backward():
    x = _leaf([1.0, -2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    np.testing.assert_allclose(host(x.grad), 2 * x.numpy())
    y.backward()
    np.testing.assert_allclose(host(x.grad), 4 * x.numpy())


def test_a_second_backward_through_a_freed_graph_raises():
    x = _leaf([1.0, -2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(GradientError, match="retain_graph"):
        y.backward()
    np.testing.assert_allclose(host(x.grad), 2 * x.numpy())  # unchanged by the failed call


def test_reusing_part_of_a_freed_graph_raises_instead_of_losing_gradients():
    x = _leaf([1.0, 2.0])
    hidden = x * 3.0
    (hidden * hidden).sum().backward()
    with pytest.raises(GradientError, match="retain_graph"):
        (hidden * 2.0).sum().backward()


def test_the_graph_is_released_after_backward():
    x = _leaf([1.0])
    y = x * 2.0
    creator = y._creator
    y.sum().backward()
    assert creator.inputs == ()
    assert not y.is_leaf  # still a computed tensor, not a new leaf
