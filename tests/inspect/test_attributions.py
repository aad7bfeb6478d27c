"""Saliency, integrated gradients and explain: right values, completeness, ranked output."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, ShapeError
from tests.helpers import host, random_array, set_values


def linear_model() -> gn.Sequential:
    layer = gn.Dense(1, input_dim=3)
    set_values(layer.kernel, [[2.0], [-1.0], [0.5]])
    set_values(layer.bias, [0.25])
    return gn.Sequential([layer])


def classifier(seed: int = 0) -> gn.Sequential:
    gn.seed(seed)
    return gn.Sequential(
        [
            gn.Dense(12, activation="relu", input_dim=4),
            gn.Dense(8, activation="tanh", input_dim=12),
            gn.Dense(3, input_dim=8),
        ]
    )


def test_linear_model_saliency_is_its_weights_and_ig_is_weight_times_input():
    model = linear_model()
    x = np.array([1.0, 2.0, -4.0])
    np.testing.assert_allclose(gn.inspect.saliency(model, x), [2.0, -1.0, 0.5])
    np.testing.assert_allclose(gn.inspect.integrated_gradients(model, x), [2.0, -2.0, -2.0])
    # One midpoint is exact for a linear model, without any refinement.
    one_step = gn.inspect.integrated_gradients(model, x, steps=1, tolerance=None)
    np.testing.assert_allclose(one_step, [2.0, -2.0, -2.0])
    baseline = np.array([1.0, 1.0, 1.0])
    np.testing.assert_allclose(
        gn.inspect.integrated_gradients(model, x, baseline=baseline), [0.0, -1.0, -2.5]
    )


def test_saliency_matches_central_differences():
    with gn.default_dtype("float64"):
        model = classifier(1)
    x = random_array((2, 4), seed=5)
    grads = gn.inspect.saliency(model, x, target=1)
    eps = 1e-6  # float64 throughout (predict would round the inputs to float32)
    for row in range(2):
        for feature in range(4):
            step = np.zeros(4)
            step[feature] = eps
            up = model(gn.Tensor((x[row] + step)[None], dtype=np.float64)).numpy()[0, 1]
            down = model(gn.Tensor((x[row] - step)[None], dtype=np.float64)).numpy()[0, 1]
            assert grads[row, feature] == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8)


def test_default_target_is_the_predicted_class():
    model = classifier(2)
    x = random_array((6, 4), seed=1, low=-2, high=2)
    predicted = model.predict(x).argmax(axis=1)
    chosen = gn.inspect.saliency(model, x)
    for row in range(len(x)):
        # float32: a row computed alone and inside a batch may differ by a few ulps
        # (some BLAS kernels treat a block's last rows differently).
        np.testing.assert_allclose(
            chosen[row], gn.inspect.saliency(model, x[row], target=int(predicted[row])), rtol=1e-5
        )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_integrated_gradients_are_complete_for_an_mlp(seed):
    """Within 1 % of f(x) - f(baseline) for every sample (the ReLU kinks included)."""
    model = classifier(seed)
    x = random_array((8, 4), seed=seed + 10, low=-2, high=2)
    baseline = random_array((4,), seed=seed + 20, low=-0.5, high=0.5)
    attributions = gn.inspect.integrated_gradients(model, x, baseline=baseline)
    outputs = model.predict(x)
    targets = outputs.argmax(axis=1)
    at_baseline = model.predict(baseline[None])[0]
    for row in range(len(x)):
        difference = outputs[row, targets[row]] - at_baseline[targets[row]]
        assert attributions[row].sum() == pytest.approx(difference, rel=0.01, abs=1e-4)


def test_integrated_gradients_are_complete_for_a_cnn():
    gn.seed(7)
    model = gn.Sequential(
        [gn.Conv2D(3, 3, activation="relu"), gn.MaxPool2D(2), gn.Flatten(), gn.Dense(2)]
    )
    images = random_array((3, 1, 6, 6), seed=2, low=0, high=1)
    attributions = gn.inspect.integrated_gradients(model, images, target=1)
    assert attributions.shape == images.shape
    gaps = attributions.reshape(3, -1).sum(axis=1) - (
        model.predict(images)[:, 1] - model.predict(np.zeros((1, 1, 6, 6)))[0, 1]
    )
    scale = np.abs(model.predict(images)[:, 1] - model.predict(np.zeros((1, 1, 6, 6)))[0, 1])
    assert np.all(np.abs(gaps) <= 0.01 * scale + 1e-4), gaps


def test_attributions_leave_the_models_gradients_alone():
    model = classifier(3)
    for parameter in model.parameters():
        parameter.grad = gn.backend.to_device_of(
            np.full(parameter.shape, 7.0, dtype=parameter.dtype), parameter.data
        )
    gn.inspect.integrated_gradients(model, random_array((2, 4)), steps=4)
    assert all(np.all(host(p.grad) == 7.0) for p in model.parameters())


def test_explain_ranks_the_features_of_one_prediction():
    model = linear_model()
    explanation = gn.inspect.explain(
        model, [1.0, 2.0, -8.0], feature_names=["age", "income", "debt"]
    )
    assert explanation.ranked() == [
        ("debt", -8.0, -4.0),
        ("age", 1.0, 2.0),
        ("income", 2.0, -2.0),
    ]
    assert explanation.prediction == pytest.approx(2 - 2 - 4 + 0.25)
    assert explanation.baseline_prediction == pytest.approx(0.25)
    assert abs(explanation.completeness_gap) < 1e-5
    text = str(explanation)
    assert text.splitlines()[2].split() == ["1", "debt", "-8", "-4"]
    data = json.loads(json.dumps(explanation.to_dict()))
    assert data["features"][0] == {"name": "debt", "value": -8.0, "attribution": -4.0}


def test_explain_uses_the_models_feature_names_or_numbers_them():
    model = linear_model()
    assert gn.inspect.explain(model, [1.0, 0.0, 0.0]).names == ["x1", "x2", "x3"]
    model.preprocessing = {"feature_names": ["a", "b", "c"]}
    assert gn.inspect.explain(model, [1.0, 0.0, 0.0]).ranked()[0][0] == "a"


def test_bad_arguments_are_refused():
    model = linear_model()
    with pytest.raises(ConfigError, match="steps"):
        gn.inspect.integrated_gradients(model, [1.0, 2.0, 3.0], steps=0)
    with pytest.raises(ShapeError, match="baseline"):
        gn.inspect.integrated_gradients(model, [1.0, 2.0, 3.0], baseline=[0.0, 0.0])
    with pytest.raises(ConfigError, match=r"output index in 0\.\.0"):
        gn.inspect.saliency(model, [1.0, 2.0, 3.0], target=2)
    with pytest.raises(ShapeError, match="2 feature names were given for 3"):
        gn.inspect.explain(model, [1.0, 2.0, 3.0], feature_names=["a", "b"])
    with pytest.raises(ShapeError, match="one sample"):
        gn.inspect.explain(model, np.zeros((2, 3)))
