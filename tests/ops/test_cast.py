import numpy as np

import glassnet as gn
from glassnet import ops
from glassnet.backend.precision import autocast
from tests.helpers import host


def test_cast_gives_the_gradient_back_in_the_source_dtype():
    x = gn.Tensor([[1.5, -2.0], [0.25, 3.0]], requires_grad=True)
    y = ops.cast(x, "float16")
    assert y.dtype == np.float16
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(host(x.grad), 2 * x.numpy())
    assert ops.cast(x, "float32") is x


def test_heavy_ops_compute_in_float16_inside_autocast_only():
    x = gn.Tensor(np.ones((2, 3)))
    w = gn.Tensor(np.full((3, 4), 0.5), requires_grad=True)
    b = gn.Tensor(np.zeros(4), requires_grad=True)
    k = gn.Tensor(np.ones((2, 1, 3, 3)), requires_grad=True)
    images = gn.Tensor(np.ones((1, 1, 4, 4)))
    with autocast("float16"):
        products = [ops.matmul(x, w), ops.linear(x, w, b, "relu"), ops.conv2d(images, k)]
        assert (x * 2.0).dtype == np.float32  # elementwise ops keep their inputs' dtype
    assert [p.dtype for p in products] == [np.float16] * 3
    assert ops.matmul(x, w).dtype == np.float32
    sum(p.sum() for p in products[:2]).backward()
    products[2].sum().backward()
    assert w.grad.dtype == b.grad.dtype == k.grad.dtype == np.float32
    np.testing.assert_allclose(host(w.grad), np.full((3, 4), 4.0))


def test_losses_compute_in_float32_from_float16_predictions():
    prediction = ops.cast(gn.Tensor([[0.5, 1.5]], requires_grad=True), "float16")
    assert gn.MSE()(prediction, [[0.0, 0.0]]).dtype == np.float32
    loss = gn.CategoricalCrossEntropy(from_logits=True)(prediction, [1])
    assert loss.dtype == np.float32
