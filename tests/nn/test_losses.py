"""Losses: values, gradients for every registered loss and reduction, targets, stability, config."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, DataError, ShapeError
from glassnet.nn.losses import LOSSES, Loss, get_loss
from tests.helpers import away_from, host, random_array

REDUCTIONS = ["mean", "sum", "none"]


def _reduce(values, reduction):
    return {"mean": values.mean(), "sum": values.sum(), "none": values}[reduction]


def _regression_case(seed, delta=1.0):
    """Predictions and targets whose errors avoid 0 and ±delta (the kinks of MAE and Huber)."""
    target = random_array((5, 3), seed=seed)
    error = away_from(
        (5, 3), points=(0.0, delta, -delta), margin=0.1, seed=seed + 1, low=-2.5, high=2.5
    )
    return target + error, target


REGRESSION = [
    ("mse", gn.MSE, lambda e: e**2),
    ("mae", gn.MAE, np.abs),
    ("huber", gn.Huber, lambda e: np.where(np.abs(e) <= 1.0, 0.5 * e**2, np.abs(e) - 0.5)),
    ("arctan", gn.ArctanError, lambda e: np.arctan(e) ** 2),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("name", "cls", "per_element"), REGRESSION, ids=[r[0] for r in REGRESSION])
def test_regression_losses(name, cls, per_element, reduction):
    prediction, target = _regression_case(seed=1)
    loss = cls(reduction=reduction)
    value = loss(gn.Tensor(prediction, dtype=np.float64), target)
    np.testing.assert_allclose(value.numpy(), _reduce(per_element(prediction - target), reduction))
    gn.gradcheck(lambda p: loss(p, target), prediction)


def test_huber_with_another_delta_uses_both_branches():
    prediction, target = _regression_case(seed=3, delta=0.5)
    error = prediction - target
    assert (np.abs(error) < 0.5).any() and (np.abs(error) > 0.5).any()
    loss = gn.Huber(delta=0.5)
    expected = np.where(np.abs(error) <= 0.5, 0.5 * error**2, 0.5 * (np.abs(error) - 0.25)).mean()
    assert loss(gn.Tensor(prediction, dtype=np.float64), target).item() == pytest.approx(
        expected, rel=1e-12
    )
    gn.gradcheck(lambda p: loss(p, target), prediction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_from_logits(reduction):
    logits = random_array((6, 2), seed=5, low=-4, high=4)
    target = (random_array((6, 2), seed=6) > 0).astype(float)
    loss = gn.BinaryCrossEntropy(from_logits=True, reduction=reduction)
    p = 1 / (1 + np.exp(-logits))
    expected = _reduce(-(target * np.log(p) + (1 - target) * np.log(1 - p)), reduction)
    np.testing.assert_allclose(loss(gn.Tensor(logits, dtype=np.float64), target).numpy(), expected)
    gn.gradcheck(lambda z: loss(z, target), logits)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_on_probabilities(reduction):
    p = random_array((6, 2), seed=7, low=0.05, high=0.95)
    target = random_array((6, 2), seed=8, low=0.0, high=1.0)  # soft targets are allowed
    loss = gn.BinaryCrossEntropy(reduction=reduction)
    expected = _reduce(-(target * np.log(p) + (1 - target) * np.log(1 - p)), reduction)
    np.testing.assert_allclose(loss(gn.Tensor(p, dtype=np.float64), target).numpy(), expected)
    gn.gradcheck(lambda q: loss(q, target), p)


def test_binary_cross_entropy_probabilities_of_exactly_0_and_1_stay_finite():
    for dtype in (np.float32, np.float64):
        p = gn.Tensor([[0.0], [1.0]], requires_grad=True, dtype=dtype)
        loss = gn.BinaryCrossEntropy()(p, [[1.0], [0.0]])
        loss.backward()
        assert np.isfinite(loss.item())
        assert np.all(np.isfinite(p.grad))
        assert loss.item() == pytest.approx(
            -math.log(1e-7), rel=0.01
        )  # clipped to [1e-7, 1 - 1e-7]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("from_logits", [True, False])
@pytest.mark.parametrize("target_kind", ["labels", "one_hot"])
def test_categorical_cross_entropy(reduction, from_logits, target_kind):
    logits = random_array((5, 4), seed=9, low=-2, high=2)
    labels = np.array([3, 0, 1, 1, 2])
    target = labels if target_kind == "labels" else np.eye(4)[labels]
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected = _reduce(-log_p[np.arange(5), labels], reduction)
    loss = gn.CategoricalCrossEntropy(from_logits=from_logits, reduction=reduction)
    prediction = logits if from_logits else np.exp(log_p)  # probabilities well inside (0, 1)
    np.testing.assert_allclose(
        loss(gn.Tensor(prediction, dtype=np.float64), target).numpy(), expected
    )
    gn.gradcheck(lambda z: loss(z, target), prediction)


def test_categorical_cross_entropy_gradient_is_softmax_minus_one_hot():
    logits = gn.Tensor(random_array((3, 4), seed=10), requires_grad=True, dtype=np.float64)
    gn.CategoricalCrossEntropy()(logits, np.array([1, 0, 3])).backward()
    p = np.exp(logits.numpy()) / np.exp(logits.numpy()).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(host(logits.grad), (p - np.eye(4)[[1, 0, 3]]) / 3)


@pytest.mark.parametrize("name", sorted(set(LOSSES.names())))
def test_every_registered_loss_passes_gradcheck(name):
    loss = get_loss(name)
    if isinstance(loss, gn.CategoricalCrossEntropy):
        prediction, target = random_array((4, 3), seed=11), np.array([2, 0, 1, 2])
    elif isinstance(loss, gn.BinaryCrossEntropy):
        prediction, target = random_array((4, 3), seed=11, low=0.1, high=0.9), np.eye(4, 3)
    else:
        prediction, target = _regression_case(seed=11)
    gn.gradcheck(lambda p: loss(p, target), prediction)


# -- stability ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logits_of_plus_minus_1000_are_exact(dtype):
    with gn.default_dtype(dtype):
        logits = gn.Tensor([[1000.0, -1000.0], [-1000.0, 1000.0]], requires_grad=True)
    ce = gn.CategoricalCrossEntropy(reduction="none")(logits, np.array([0, 0]))
    np.testing.assert_array_equal(ce.numpy(), [0.0, 2000.0])
    ce.sum().backward()
    assert np.all(np.isfinite(logits.grad))
    np.testing.assert_array_equal(host(logits.grad), [[0.0, 0.0], [-1.0, 1.0]])
    logits.zero_grad()
    bce = gn.BinaryCrossEntropy(from_logits=True, reduction="sum")(logits, [[1.0, 0.0], [1.0, 1.0]])
    assert bce.item() == 1000.0
    assert bce.dtype == np.dtype(dtype)
    bce.backward()
    np.testing.assert_array_equal(host(logits.grad), [[0.0, 0.0], [-1.0, 0.0]])


# -- targets -------------------------------------------------------------------------------------


def test_a_flat_target_is_matched_to_a_column_prediction():
    prediction = gn.Tensor([[1.0], [2.0], [3.0]])
    assert gn.MSE()(prediction, [1.0, 2.0, 5.0]).item() == pytest.approx(4.0 / 3.0)


def test_mismatched_target_shape_is_a_shape_error():
    with pytest.raises(
        ShapeError, match=r"MSE: prediction shape \(3, 2\) and target shape \(3,\) differ"
    ):
        gn.MSE()(gn.Tensor(np.zeros((3, 2))), np.zeros(3))


def test_target_takes_the_prediction_dtype_and_gets_no_gradient():
    prediction = gn.Tensor([[0.5]], requires_grad=True)
    target = gn.Tensor([[1.0]], requires_grad=True, dtype=np.float64)
    loss = gn.MSE()(prediction, target)
    assert loss.dtype == np.float32
    loss.backward()
    assert target.grad is None


def test_categorical_labels_are_checked():
    logits = gn.Tensor(np.zeros((3, 4)))
    with pytest.raises(DataError, match=r"0\.\.3 .* 4 outputs, got \[4, -1\]"):
        gn.CategoricalCrossEntropy()(logits, np.array([0, 4, -1]))
    with pytest.raises(ShapeError, match="2 labels for 3 predictions"):
        gn.CategoricalCrossEntropy()(logits, np.array([0, 1]))
    with pytest.raises(ShapeError, match=r"\(samples, classes\)"):
        gn.CategoricalCrossEntropy()(gn.Tensor(np.zeros(4)), np.array([0]))


def test_binary_targets_must_lie_between_0_and_1():
    with pytest.raises(DataError, match="between 0 and 1"):
        gn.BinaryCrossEntropy()(gn.Tensor([[0.5], [0.5]]), [[2.0], [0.0]])


# -- configuration ------------------------------------------------------------------------------


def test_invalid_reduction_and_delta():
    with pytest.raises(ConfigError, match="reduction must be one of"):
        gn.MSE(reduction="average")
    with pytest.raises(ConfigError, match="delta must be positive, got 0"):
        gn.Huber(delta=0)


def test_get_loss_by_name_alias_dict_and_instance():
    assert isinstance(get_loss("mse"), gn.MSE)
    assert isinstance(get_loss("Mean_Squared_Error"), gn.MSE)
    assert isinstance(get_loss("cross-entropy"), gn.CategoricalCrossEntropy)
    assert isinstance(get_loss("bce"), gn.BinaryCrossEntropy)
    loss = gn.Huber(delta=2.0)
    assert get_loss(loss) is loss
    rebuilt = get_loss({"name": "huber", "delta": 2.0, "reduction": "sum"})
    assert (rebuilt.delta, rebuilt.reduction) == (2.0, "sum")


def test_unknown_loss_lists_valid_names():
    with pytest.raises(
        ConfigError, match=r"unknown loss 'hinge'; valid names are: .*binary_crossentropy.*mse"
    ):
        get_loss("hinge")
    with pytest.raises(ConfigError, match="valid names are"):
        get_loss(3)


@pytest.mark.parametrize(
    "loss",
    [
        gn.MSE(reduction="sum"),
        gn.MAE(),
        gn.Huber(delta=0.5),
        gn.ArctanError(reduction="none"),
        gn.BinaryCrossEntropy(from_logits=True),
        gn.CategoricalCrossEntropy(from_logits=False, reduction="sum"),
    ],
    ids=lambda loss: type(loss).__name__,
)
def test_config_round_trip(loss: Loss):
    config = loss.get_config()
    assert json.loads(json.dumps(config)) == config
    rebuilt = get_loss(config)
    assert type(rebuilt) is type(loss)
    assert rebuilt.get_config() == config
