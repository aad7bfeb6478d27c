"""Tensor: construction, the dtype policy, operators, NumPy-like methods and backward's entry checks."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, ShapeError
from tests.conftest import SUITE_DEVICE
from tests.helpers import host

# -- construction and the dtype policy ------------------------------------------------------


def test_floats_default_to_float32():
    assert gn.get_default_dtype() == np.float32
    assert gn.Tensor([1.0, 2.0]).dtype == np.float32
    assert gn.Tensor(np.array([1.0, 2.0], dtype=np.float64)).dtype == np.float32
    assert gn.Tensor(3.5).dtype == np.float32


def test_integers_stay_integers():
    labels = gn.Tensor([0, 2, 1])
    assert labels.dtype.kind == "i"
    assert gn.Tensor(np.array([1, 2], dtype=np.uint8)).dtype == np.uint8


def test_explicit_dtype_overrides_the_policy():
    assert gn.Tensor([1.0], dtype=np.float64).dtype == np.float64
    assert gn.Tensor([1, 2], dtype="float32").dtype == np.float32


def test_default_dtype_context_switches_and_restores():
    with gn.default_dtype("float64"):
        assert gn.get_default_dtype() == np.float64
        assert gn.Tensor([1.0]).dtype == np.float64
        assert gn.Dense(2, input_dim=3).kernel.dtype == np.float64
    assert gn.get_default_dtype() == np.float32
    assert gn.Tensor([1.0]).dtype == np.float32


def test_default_dtype_context_restores_after_an_exception():
    with pytest.raises(RuntimeError), gn.default_dtype("float64"):
        raise RuntimeError("boom")
    assert gn.get_default_dtype() == np.float32


def test_set_default_dtype():
    try:
        gn.set_default_dtype("float64")
        assert gn.Tensor([1.0]).dtype == np.float64
    finally:
        gn.set_default_dtype("float32")
    assert gn.Tensor([1.0]).dtype == np.float32


@pytest.mark.parametrize("dtype", ["int32", "float16", "complex64", "not-a-dtype"])
def test_non_float32_64_dtypes_are_rejected(dtype):
    with pytest.raises(ConfigError, match="float32"):
        gn.set_default_dtype(dtype)
    with pytest.raises(ConfigError), gn.default_dtype(dtype):
        pass
    assert gn.get_default_dtype() == np.float32


def test_only_float_tensors_can_require_grad():
    with pytest.raises(ConfigError, match="floating-point"):
        gn.Tensor([1, 2], requires_grad=True)


def test_seed_rejects_bad_values():
    for bad in (-1, 1.5, "3", True):
        with pytest.raises(ConfigError, match="seed"):
            gn.seed(bad)


def test_device_is_the_suites_and_unknown_devices_are_rejected():
    assert gn.get_device() == SUITE_DEVICE
    assert gn.Tensor([1.0]).device == SUITE_DEVICE
    with pytest.raises(ConfigError, match="cpu"):
        gn.set_device("tpu")


# -- array-like facts -------------------------------------------------------------------------


def test_shape_ndim_size_len_and_numpy():
    t = gn.Tensor(np.arange(6.0).reshape(2, 3))
    assert t.shape == (2, 3)
    assert t.ndim == 2
    assert t.size == 6
    assert len(t) == 2
    np.testing.assert_array_equal(t.numpy(), np.arange(6.0).reshape(2, 3))


def test_item_and_float():
    assert gn.Tensor([[2.5]]).item() == 2.5
    assert float(gn.Tensor(4.0)) == 4.0
    with pytest.raises(ShapeError, match=r"\(2,\)"):
        gn.Tensor([1.0, 2.0]).item()


def test_repr_shows_values_and_grad_flag():
    assert repr(gn.Tensor([1.0, 2.0], device="cpu")) == "Tensor([1., 2.])"
    assert "requires_grad=True" in repr(gn.Tensor([1.0], requires_grad=True))


# -- operators -------------------------------------------------------------------------------


def _pair():
    a = np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]])
    b = np.array([[2.0, 0.5, -1.5], [3.0, 1.0, 2.5]])
    with gn.default_dtype("float64"):
        return a, b, gn.Tensor(a), gn.Tensor(b)


def test_binary_operators_match_numpy():
    a, b, ta, tb = _pair()
    np.testing.assert_allclose((ta + tb).numpy(), a + b)
    np.testing.assert_allclose((ta - tb).numpy(), a - b)
    np.testing.assert_allclose((ta * tb).numpy(), a * b)
    np.testing.assert_allclose((ta / tb).numpy(), a / b)
    np.testing.assert_allclose((abs(tb) ** ta).numpy(), np.abs(b) ** a)
    np.testing.assert_allclose((ta @ tb.T).numpy(), a @ b.T)
    np.testing.assert_allclose((-ta).numpy(), -a)


def test_reflected_operators_with_python_numbers():
    a, _, ta, _ = _pair()
    np.testing.assert_allclose((2.0 + ta).numpy(), 2.0 + a)
    np.testing.assert_allclose((2.0 - ta).numpy(), 2.0 - a)
    np.testing.assert_allclose((2.0 * ta).numpy(), 2.0 * a)
    np.testing.assert_allclose((2.0 / ta).numpy(), 2.0 / a)
    np.testing.assert_allclose((2.0**ta).numpy(), 2.0**a)


def test_numpy_arrays_on_the_left_defer_to_tensor():
    a, b, ta, _ = _pair()
    result = b + ta
    assert isinstance(result, gn.Tensor)
    np.testing.assert_allclose(result.numpy(), a + b)
    product = b.T @ ta
    assert isinstance(product, gn.Tensor)
    np.testing.assert_allclose(product.numpy(), b.T @ a)


def test_python_numbers_take_the_tensor_dtype():
    t32 = gn.Tensor([1.0, 2.0])
    assert (t32 * 2.5).dtype == np.float32
    assert (1 - t32).dtype == np.float32
    assert (t32**2).dtype == np.float32
    t64 = gn.Tensor([1.0, 2.0], dtype=np.float64)
    assert (t64 + 0.1).dtype == np.float64


def test_comparisons_give_boolean_arrays():
    t = gn.Tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(host(t > 2.0), [False, False, True])
    np.testing.assert_array_equal(host(t >= 2.0), [False, True, True])
    np.testing.assert_array_equal(host(t < gn.Tensor([2.0, 2.0, 2.0])), [True, False, False])
    np.testing.assert_array_equal(host(t <= 2.0), [True, True, False])


def test_tensors_are_hashable_by_identity():
    a, b = gn.Tensor([1.0]), gn.Tensor([1.0])
    assert len({a, b, a}) == 2


# -- methods that mirror NumPy --------------------------------------------------------------


def test_methods_match_numpy():
    x = np.array([[0.5, 2.0, 1.5], [3.0, 0.25, 1.0]])
    with gn.default_dtype("float64"):
        t = gn.Tensor(x)
    np.testing.assert_allclose(t.sum().numpy(), x.sum())
    np.testing.assert_allclose(t.sum(axis=0).numpy(), x.sum(axis=0))
    np.testing.assert_allclose(t.mean(axis=1, keepdims=True).numpy(), x.mean(axis=1, keepdims=True))
    np.testing.assert_allclose(t.max(axis=1).numpy(), x.max(axis=1))
    np.testing.assert_allclose(t.min().numpy(), x.min())
    np.testing.assert_allclose(t.reshape(3, 2).numpy(), x.reshape(3, 2))
    np.testing.assert_allclose(t.reshape((6,)).numpy(), x.reshape(6))
    np.testing.assert_allclose(t.transpose().numpy(), x.T)
    np.testing.assert_allclose(t.transpose(1, 0).numpy(), x.T)
    np.testing.assert_allclose(t.T.numpy(), x.T)
    np.testing.assert_allclose(t.exp().numpy(), np.exp(x))
    np.testing.assert_allclose(t.log().numpy(), np.log(x))
    np.testing.assert_allclose(t.sqrt().numpy(), np.sqrt(x))
    np.testing.assert_allclose((-t).abs().numpy(), x)
    np.testing.assert_allclose(t.clip(0.5, 2.0).numpy(), np.clip(x, 0.5, 2.0))
    np.testing.assert_allclose(t[1, ::2].numpy(), x[1, ::2])


# -- autograd entry points ---------------------------------------------------------------


def test_the_articles_one_weight_example_in_float32():
    w = gn.Tensor(5.0, requires_grad=True)
    loss = 0.5 * (w * 2.0 - 6.0) ** 2
    loss.backward()
    assert w.grad.dtype == np.float32
    assert float(w.grad) == 8.0


def test_backward_needs_requires_grad():
    with pytest.raises(ConfigError, match="does not require gradients"):
        gn.Tensor(1.0).backward()


def test_backward_on_a_non_scalar_without_grad_raises_shape_error():
    x = gn.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ShapeError, match=r"one-element tensor, got shape \(2,\)"):
        (x * 2.0).backward()


def test_backward_with_an_explicit_grad_computes_a_vector_jacobian_product():
    x = gn.Tensor([1.0, 2.0, 3.0], requires_grad=True, dtype=np.float64)
    (x * x).backward(np.array([1.0, 0.5, -1.0]))
    np.testing.assert_allclose(host(x.grad), [2.0, 2.0, -6.0])


def test_backward_grad_of_the_wrong_shape_raises():
    x = gn.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ShapeError, match=r"\(3,\)"):
        (x * 2.0).backward(np.ones(3))


def test_backward_does_not_alias_the_callers_gradient_array():
    x = gn.Tensor([1.0, 2.0], requires_grad=True)
    upstream = np.ones(2, dtype=np.float32)
    (x + 0.0).backward(upstream)
    x.grad[0] = 99.0
    np.testing.assert_array_equal(upstream, [1.0, 1.0])


def test_one_element_non_scalar_backward_without_grad():
    x = gn.Tensor([[3.0]], requires_grad=True)
    (x * x).backward()
    np.testing.assert_allclose(host(x.grad), [[6.0]])


def test_retain_grad_keeps_an_intermediate_gradient():
    x = gn.Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    y.retain_grad()
    z = y * y
    z.sum().backward()
    np.testing.assert_allclose(host(y.grad), 2 * y.numpy())
    np.testing.assert_allclose(host(x.grad), 3 * 2 * y.numpy())
    assert (y * 1.0).grad is None


def test_detach_cuts_the_graph_and_shares_data():
    x = gn.Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    d = y.detach()
    assert not d.requires_grad
    assert d.is_leaf
    assert not y.is_leaf
    assert np.shares_memory(d.data, y.data)
    (d * x).sum().backward()
    np.testing.assert_allclose(host(x.grad), d.numpy())


def test_zero_grad_clears():
    x = gn.Tensor([1.0], requires_grad=True)
    (x * 2.0).sum().backward()
    assert x.grad is not None
    x.zero_grad()
    assert x.grad is None
