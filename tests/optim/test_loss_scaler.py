import numpy as np
import pytest

import glassnet as gn
from glassnet import ops
from glassnet.backend.precision import autocast
from glassnet.optim.loss_scaler import LossScaler
from tests.helpers import host


def _tiny_gradient_step(scaler):
    """A float16 product whose gradient (about 1e-9) is below float16's smallest number."""
    w = gn.Tensor(np.full((3, 2), 0.5), requires_grad=True)
    x = gn.Tensor(np.ones((4, 3)))
    with autocast("float16"):
        y = ops.matmul(x, w)
    loss = gn.MSE()(y, np.zeros((4, 2))) * 1e-9
    (loss if scaler is None else scaler.scale(loss)).backward()
    if scaler is not None:
        assert scaler.unscale([w])
    return host(w.grad)


def test_scaling_keeps_gradients_that_float16_would_flush_to_zero():
    reference = np.full((3, 2), 1e-9 * 2 * 1.5 * 4 / 8)  # d/dw of mean((x·w)²)·1e-9
    assert not _tiny_gradient_step(None).any()
    np.testing.assert_allclose(_tiny_gradient_step(LossScaler(2.0**24)), reference, rtol=1e-2)


def test_an_overflow_skips_the_update_and_halves_the_scale():
    w = gn.Tensor([1.0, 2.0], requires_grad=True)
    optimizer, scaler = gn.SGD([w], lr=0.1), LossScaler(init_scale=8.0, growth_interval=2)
    w.grad = np.array([np.inf, 1.0], dtype=np.float32)
    assert scaler.step(optimizer) is False
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])
    assert (scaler.scale_value, scaler.skipped_steps) == (4.0, 1)
    for _ in range(2):
        w.grad = np.array([4.0, 4.0], dtype=np.float32)  # scaled by 4: unscales to 1
        assert scaler.step(optimizer) is True
    np.testing.assert_allclose(w.numpy(), [0.8, 1.8])
    assert scaler.scale_value == 8.0  # grew after two good steps in a row


def test_state_round_trip_and_bad_settings():
    scaler = LossScaler(init_scale=64.0)
    scaler.update(True)
    again = LossScaler()
    again.load_state_dict(scaler.state_dict())
    assert again.state_dict() == {"scale": 64.0, "good_steps": 1}
    for options, message in [
        ({"init_scale": 0}, "init_scale must be a positive number"),
        ({"growth_factor": 1.0}, "growth_factor must be greater than 1"),
        ({"backoff_factor": 1.5}, "backoff_factor must be below 1"),
        ({"growth_interval": 0}, "growth_interval must be at least 1"),
        ({"init_scale": float("inf")}, "init_scale must be finite"),
    ]:
        with pytest.raises(gn.ConfigError, match=message):
            LossScaler(**options)


def test_a_gradient_array_shared_by_two_parameters_is_unscaled_once():
    a, b = gn.Tensor([1.0], requires_grad=True), gn.Tensor([2.0], requires_grad=True)
    shared = gn.backend.to_device_of(np.array([8.0], dtype=np.float32), a.data)
    a.grad = b.grad = shared
    assert LossScaler(init_scale=4.0).unscale([a, b])
    np.testing.assert_array_equal(gn.backend.to_numpy(shared), [2.0])
