"""BatchNorm (batch statistics in training, running averages in eval) and LayerNorm."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, ShapeError
from tests.helpers import check_gradients, check_layer, random_array, set_values


def _with_random_affine(layer_cls, **options):
    """A normalization layer whose gamma and beta are not 1 and 0 once built."""

    class Randomised(layer_cls):
        def build(self, input_shape):
            super().build(input_shape)
            rng = np.random.default_rng(5)
            set_values(self.gamma, rng.uniform(0.5, 1.5, self.gamma.shape))
            set_values(self.beta, rng.uniform(-0.5, 0.5, self.beta.shape))

    return lambda: Randomised(**options)


# -- BatchNorm ---------------------------------------------------------------------------------


def test_batchnorm_layer_checks():
    x = random_array((6, 4), seed=1, low=-2, high=3)
    check_layer(lambda: gn.BatchNorm(momentum=0.2), (6, 4), (6, 4), x=x)


def test_batchnorm_gradients_in_train_and_eval_mode_with_a_random_affine():
    x = random_array((5, 3), seed=2, low=-2, high=3)
    make = _with_random_affine(gn.BatchNorm)
    check_gradients(make, x, training=True)
    check_gradients(make, x, training=False)


def test_batchnorm_training_output_is_standardised_per_feature():
    x = random_array((64, 3), seed=3, low=-5, high=10) * np.array([1.0, 10.0, 0.1])
    out = gn.BatchNorm(epsilon=1e-8)(gn.Tensor(x, dtype=np.float64)).numpy()
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1.0, rtol=1e-5)


def test_batchnorm_updates_running_statistics_with_momentum():
    layer = gn.BatchNorm(momentum=0.1)
    x = random_array((8, 2), seed=4, low=0, high=4)
    layer(gn.Tensor(x, dtype=np.float64))
    np.testing.assert_allclose(layer.running_mean.numpy(), 0.1 * x.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(
        layer.running_var.numpy(), 0.9 + 0.1 * x.var(axis=0, ddof=1), rtol=1e-6
    )
    assert layer.running_mean.dtype == np.float32
    assert not layer.running_mean.requires_grad
    assert [name for name, _ in layer.named_parameters()] == ["gamma", "beta"]
    assert [name for name, _ in layer.named_buffers()] == ["running_mean", "running_var"]


def test_batchnorm_eval_uses_the_running_statistics():
    with gn.default_dtype("float64"):
        layer = gn.BatchNorm(momentum=0.5, epsilon=1e-3)
        for seed in range(3):
            layer(gn.Tensor(random_array((10, 3), seed=seed, low=1, high=5)))
    layer.eval()
    x = random_array((4, 3), seed=10)
    expected = (x - layer.running_mean.numpy()) / np.sqrt(layer.running_var.numpy() + 1e-3)
    before = layer.running_mean.numpy().copy()
    np.testing.assert_allclose(layer(gn.Tensor(x, dtype=np.float64)).numpy(), expected, rtol=1e-12)
    np.testing.assert_array_equal(layer.running_mean.numpy(), before)  # eval does not update
    # A single sample is fine in eval mode.
    assert layer(gn.Tensor(x[:1], dtype=np.float64)).shape == (1, 3)


def test_batchnorm_misuse():
    with pytest.raises(
        ShapeError,
        match=r"BatchNorm 'bn' needs at least 2 samples per batch in training mode, got 1",
    ):
        gn.BatchNorm(name="bn")(gn.Tensor(np.ones((1, 3))))
    with pytest.raises(
        ShapeError,
        match=r"BatchNorm 'bn3' expects inputs of shape \(N, C, H, W\) or \(samples, features\), "
        r"got \(2, 3, 4\)",
    ):
        gn.BatchNorm(name="bn3")(gn.Tensor(np.ones((2, 3, 4))))
    layer = gn.BatchNorm(name="bn4")
    layer(gn.Tensor(np.ones((2, 4))))
    with pytest.raises(
        ShapeError, match=r"BatchNorm 'bn4' expects inputs with 4 features.*\(2, 5\)"
    ):
        layer(gn.Tensor(np.ones((2, 5))))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"momentum": 0.0}, "momentum must be between 0.0 and 1.0, got 0.0"),
        ({"momentum": 1.5}, "momentum"),
        ({"epsilon": -1e-5}, "epsilon"),
        ({"epsilon": "tiny"}, "epsilon"),
    ],
)
def test_batchnorm_settings_are_validated(options, message):
    with pytest.raises(ConfigError, match=message):
        gn.BatchNorm(**options)


def test_batchnorm_state_round_trip_includes_the_running_statistics():
    trained = gn.BatchNorm()
    for seed in range(3):
        trained(gn.Tensor(random_array((6, 2), seed=seed, low=2, high=6)))
    fresh = gn.BatchNorm()
    fresh(gn.Tensor(np.zeros((2, 2))))
    fresh.load_state_dict(trained.state_dict())
    x = gn.Tensor(random_array((3, 2), seed=7))
    np.testing.assert_array_equal(fresh.eval()(x).numpy(), trained.eval()(x).numpy())


# -- BatchNorm on images (N, C, H, W) ------------------------------------------------------------


def test_batchnorm_4d_layer_checks():
    x = random_array((3, 2, 3, 4), seed=11, low=-2, high=3)
    check_layer(lambda: gn.BatchNorm(momentum=0.2), (3, 2, 3, 4), (3, 2, 3, 4), x=x)


def test_batchnorm_4d_gradients_in_train_and_eval_mode_with_a_random_affine():
    x = random_array((2, 3, 2, 3), seed=12, low=-2, high=3)
    make = _with_random_affine(gn.BatchNorm)
    check_gradients(make, x, training=True)
    check_gradients(make, x, training=False)


def test_batchnorm_4d_standardises_each_channel_over_samples_and_positions():
    x = (
        random_array((8, 3, 4, 5), seed=13, low=-5, high=10)
        * np.array([1.0, 10.0, 0.1])[:, None, None]
    )
    layer = gn.BatchNorm(epsilon=1e-8, momentum=0.1)
    out = layer(gn.Tensor(x, dtype=np.float64)).numpy()
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=(0, 2, 3)), 1.0, rtol=1e-6)
    assert layer.gamma.shape == layer.running_mean.shape == (3,)
    count = 8 * 4 * 5  # the unbiased variance divides by samples · positions − 1
    np.testing.assert_allclose(layer.running_mean.numpy(), 0.1 * x.mean(axis=(0, 2, 3)), rtol=1e-6)
    np.testing.assert_allclose(
        layer.running_var.numpy(),
        0.9 + 0.1 * x.var(axis=(0, 2, 3)) * count / (count - 1),
        rtol=1e-6,
    )
    # Eval mode uses the running statistics, per channel.
    layer.eval()
    expected = (x - layer.running_mean.numpy()[:, None, None]) / np.sqrt(
        layer.running_var.numpy()[:, None, None] + 1e-8
    )
    np.testing.assert_allclose(layer(gn.Tensor(x, dtype=np.float64)).numpy(), expected, rtol=1e-5)


def test_batchnorm_4d_reads_conv_outputs_and_one_image_is_enough_in_training():
    maps = gn.ops.conv2d(gn.Tensor(random_array((1, 1, 5, 5), seed=14)), np.ones((2, 1, 2, 2)))
    out = gn.BatchNorm()(maps)
    assert out.shape == (1, 2, 4, 4)
    np.testing.assert_allclose(out.numpy().mean(axis=(0, 2, 3)), 0.0, atol=1e-5)


def test_batchnorm_4d_misuse():
    layer = gn.BatchNorm(name="bn")
    layer(gn.Tensor(np.ones((2, 3, 4, 4))))
    with pytest.raises(
        ShapeError,
        match=r"BatchNorm 'bn' expects inputs of shape \(N, 3, H, W\), got \(2, 4, 4, 4\)",
    ):
        layer(gn.Tensor(np.ones((2, 4, 4, 4))))
    with pytest.raises(
        ShapeError, match=r"\(N, C, H, W\) or \(samples, features\), got \(2, 3, 4\)"
    ):
        gn.BatchNorm(name="bn3")(gn.Tensor(np.ones((2, 3, 4))))
    with pytest.raises(ShapeError, match=r"needs at least 2 samples per batch in training mode"):
        gn.BatchNorm()(gn.Tensor(np.ones((1, 3, 1, 1))))


# -- LayerNorm ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("input_shape"), [(4, 5), (2, 3, 4)])
def test_layernorm_layer_checks(input_shape):
    check_layer(
        lambda: gn.LayerNorm(),
        input_shape,
        input_shape,
        x=random_array(input_shape, seed=1, low=-2, high=3),
    )


def test_layernorm_gradients_with_a_random_affine():
    check_gradients(_with_random_affine(gn.LayerNorm), random_array((3, 5), seed=2))


def test_layernorm_standardises_each_sample_and_ignores_the_mode():
    x = random_array((4, 6), seed=3, low=-3, high=8)
    layer = gn.LayerNorm(epsilon=1e-9)
    out = layer(gn.Tensor(x, dtype=np.float64)).numpy()
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(layer.eval()(gn.Tensor(x, dtype=np.float64)).numpy(), out)
    assert gn.LayerNorm()(gn.Tensor(x[:1])).shape == (1, 6)


def test_layernorm_misuse():
    layer = gn.LayerNorm(name="ln")
    layer(gn.Tensor(np.ones((2, 4))))
    with pytest.raises(
        ShapeError, match=r"LayerNorm 'ln' expects inputs with 4 features.*\(2, 3\)"
    ):
        layer(gn.Tensor(np.ones((2, 3))))
    with pytest.raises(ConfigError, match="epsilon"):
        gn.LayerNorm(epsilon=0)
