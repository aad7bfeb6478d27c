"""Tests for glassnet.train.metrics: every metric against scikit-learn, plus bad input."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

import glassnet as gn
from glassnet.errors import ConfigError, DataError
from glassnet.train.metrics import (
    METRICS,
    Counts,
    Metric,
    accuracy,
    binary_counts,
    confusion_matrix,
    f1,
    get_metric,
    mae,
    mse,
    per_class_counts,
    precision,
    r2,
    recall,
    rmse,
    roc_auc,
)

SEEDS = [0, 1, 2, 3, 4]
AVERAGES = ["binary", "macro", "micro", "weighted"]
SCORE_PAIRS = [
    (precision, skm.precision_score),
    (recall, skm.recall_score),
    (f1, skm.f1_score),
]


def _binary_labels(seed: int, n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2, n), rng.integers(0, 2, n)


def _multiclass_labels(seed: int, n: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """Five true classes; predictions never say 3 and sometimes say an unseen 5."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 5, n)
    y_pred = rng.choice([0, 1, 2, 4, 5], size=n, p=[0.3, 0.3, 0.2, 0.15, 0.05])
    return y_true, y_pred


# -- the article's terms on a hand-made example ---------------------------------------


def test_counts_on_a_hand_made_example():
    # sample:     0  1  2  3  4  5  6  7  8  9
    y_true = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    y_pred = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]
    # hits 0-2 (TP=3), miss 3 (FN=1), false alarms 4-5 (FP=2), quiet 6-9 (TN=4)
    counts = binary_counts(y_true, y_pred)
    assert counts == Counts(tp=3, fp=2, fn=1, tn=4)
    assert counts.total == 10
    assert confusion_matrix(y_true, y_pred).tolist() == [[4, 2], [1, 3]]
    assert accuracy(y_true, y_pred) == pytest.approx(7 / 10)
    assert precision(y_true, y_pred) == pytest.approx(3 / 5)
    assert recall(y_true, y_pred) == pytest.approx(3 / 4)
    assert f1(y_true, y_pred) == pytest.approx(2 * 3 / (2 * 3 + 2 + 1))
    # the other class as positive swaps the roles: TP<->TN, FP<->FN
    assert binary_counts(y_true, y_pred, positive=0) == Counts(tp=4, fp=1, fn=2, tn=3)


def test_per_class_counts_hand_made():
    y_true = ["cat", "cat", "dog", "bird", "dog"]
    y_pred = ["cat", "dog", "dog", "cat", "dog"]
    counts = per_class_counts(y_true, y_pred)
    assert list(counts) == ["bird", "cat", "dog"]
    assert counts["cat"] == Counts(tp=1, fp=1, fn=1, tn=2)
    assert counts["dog"] == Counts(tp=2, fp=1, fn=0, tn=2)
    assert counts["bird"] == Counts(tp=0, fp=0, fn=1, tn=4)


def test_frozen_counts():
    counts = Counts(tp=1, fp=2, fn=3, tn=4)
    with pytest.raises(AttributeError):
        counts.tp = 5  # type: ignore[misc]


# -- classification against scikit-learn --------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_accuracy_and_confusion_matrix_match_sklearn(seed):
    for y_true, y_pred in (_binary_labels(seed), _multiclass_labels(seed)):
        assert accuracy(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred))
        np.testing.assert_array_equal(
            confusion_matrix(y_true, y_pred), skm.confusion_matrix(y_true, y_pred)
        )


@pytest.mark.parametrize("seed", SEEDS)
def test_confusion_matrix_with_labels_matches_sklearn(seed):
    y_true, y_pred = _multiclass_labels(seed)
    # out of order, a subset (samples of 0, 1, 5 are dropped) and a label never seen (7)
    labels = [4, 2, 7, 3]
    np.testing.assert_array_equal(
        confusion_matrix(y_true, y_pred, labels=labels),
        skm.confusion_matrix(y_true, y_pred, labels=labels),
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_per_class_counts_match_sklearn(seed):
    y_true, y_pred = _multiclass_labels(seed)
    for labels in (None, [5, 3, 0, 9]):
        counts = per_class_counts(y_true, y_pred, labels=labels)
        expected_labels = sorted(set(y_true) | set(y_pred)) if labels is None else labels
        # sklearn lays each class out as [[tn, fp], [fn, tp]]
        reference = skm.multilabel_confusion_matrix(y_true, y_pred, labels=expected_labels)
        assert list(counts) == expected_labels
        for label, ((tn, fp), (fn, tp)) in zip(expected_labels, reference, strict=True):
            assert counts[label] == Counts(tp=tp, fp=fp, fn=fn, tn=tn)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("average", AVERAGES)
def test_binary_scores_match_sklearn(seed, average):
    y_true, y_pred = _binary_labels(seed)
    for ours, theirs in SCORE_PAIRS:
        # sklearn warns that pos_label is ignored unless average="binary"; so do we ignore it
        positives = (0, 1) if average == "binary" else (1,)
        for positive in positives:
            expected = theirs(y_true, y_pred, average=average, pos_label=positive, zero_division=0)
            got = ours(y_true, y_pred, average=average, positive=positive)
            assert got == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("average", ["macro", "micro", "weighted"])
def test_multiclass_scores_match_sklearn(seed, average):
    y_true, y_pred = _multiclass_labels(seed)
    for ours, theirs in SCORE_PAIRS:
        expected = theirs(y_true, y_pred, average=average, zero_division=0)
        assert ours(y_true, y_pred, average=average) == pytest.approx(expected, abs=1e-12)


def test_scores_when_a_class_is_never_predicted():
    # class 1 is never predicted: its precision is 0/0, counted as 0 (zero_division=0)
    y_true = [0, 1, 1, 0]
    y_pred = [0, 0, 0, 0]
    assert precision(y_true, y_pred, average="binary") == 0.0
    assert f1(y_true, y_pred, average="binary") == 0.0
    assert precision(y_true, y_pred, average="macro") == pytest.approx(
        skm.precision_score(y_true, y_pred, average="macro", zero_division=0)
    )
    assert precision(y_true, y_pred, average="macro") == pytest.approx(0.25)


def test_string_labels_match_sklearn():
    rng = np.random.default_rng(7)
    names = np.array(["ant", "bee", "cow"])
    y_true = names[rng.integers(0, 3, 50)]
    y_pred = names[rng.integers(0, 3, 50)]
    np.testing.assert_array_equal(
        confusion_matrix(y_true, y_pred), skm.confusion_matrix(y_true, y_pred)
    )
    expected = skm.f1_score(y_true, y_pred, average="macro", zero_division=0)
    assert f1(y_true, y_pred) == pytest.approx(expected)
    binary_true = np.where(y_true == "ant", "ant", "bee")
    binary_pred = np.where(y_pred == "ant", "ant", "bee")
    expected = skm.recall_score(binary_true, binary_pred, pos_label="ant")
    assert recall(binary_true, binary_pred, average="binary", positive="ant") == pytest.approx(
        expected
    )


def test_average_auto_is_binary_for_0_1_and_macro_otherwise():
    # class 1: precision 1/2, recall 1/1; class 0: precision 1/1, recall 1/2
    y_true = [0, 0, 1]
    y_pred = [0, 1, 1]
    assert f1(y_true, y_pred) == pytest.approx(2 / 3)  # binary: class 1 alone
    assert f1(y_true, y_pred, average="macro") == pytest.approx(2 / 3)  # symmetric here
    assert precision(y_true, y_pred) == pytest.approx(1 / 2)
    assert precision(y_true, y_pred, average="macro") == pytest.approx(3 / 4)
    y_true, y_pred = _multiclass_labels(11)
    assert f1(y_true, y_pred) == f1(y_true, y_pred, average="macro")
    # booleans are 0/1 too
    assert recall([True, False, True], [True, True, False]) == pytest.approx(0.5)


@pytest.mark.parametrize("seed", SEEDS)
def test_roc_auc_matches_sklearn_with_ties(seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, 200)
    # rounding to one decimal makes many tied scores, across and within classes
    scores = np.round(rng.random(200) * 0.6 + 0.4 * y_true, 1)
    assert roc_auc(y_true, scores) == pytest.approx(skm.roc_auc_score(y_true, scores), abs=1e-12)
    continuous = rng.normal(size=200) + y_true
    expected = skm.roc_auc_score(y_true, continuous)
    assert roc_auc(y_true, continuous) == pytest.approx(expected, abs=1e-12)
    # the lower label as positive flips the area
    assert roc_auc(y_true, continuous, positive=0) == pytest.approx(1 - expected, abs=1e-12)


def test_roc_auc_hand_made():
    assert roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    assert roc_auc([0, 1], [0.5, 0.5]) == pytest.approx(0.5)
    assert roc_auc(["no", "yes", "yes"], [0.2, 0.9, 0.1]) == pytest.approx(0.5)


# -- regression against scikit-learn ---------------------------------------------------


REGRESSION_PAIRS = [
    (mse, skm.mean_squared_error),
    (mae, skm.mean_absolute_error),
    (rmse, skm.root_mean_squared_error),
    (r2, skm.r2_score),
]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(40,), (40, 1), (40, 3)])
def test_regression_matches_sklearn(seed, shape):
    rng = np.random.default_rng(seed)
    y_true = rng.normal(size=shape) * 3.0
    y_pred = y_true + rng.normal(size=shape)
    for ours, theirs in REGRESSION_PAIRS:
        assert ours(y_true, y_pred) == pytest.approx(theirs(y_true, y_pred), rel=1e-12)


def test_rmse_averages_per_output_roots():
    y_true = np.zeros((2, 2))
    y_pred = np.array([[3.0, 1.0], [3.0, 1.0]])
    assert rmse(y_true, y_pred) == pytest.approx(2.0)  # (3 + 1) / 2, not sqrt(5)


def test_r2_constant_target_matches_sklearn():
    y_true = np.array([[1.0, 2.0, 5.0], [1.0, 4.0, 5.0], [1.0, 6.0, 5.0]])
    # output 0: constant and exact (1.0); output 2: constant and missed (0.0)
    y_pred = np.array([[1.0, 2.5, 5.0], [1.0, 4.0, 5.0], [1.0, 5.0, 6.0]])
    expected = skm.r2_score(y_true, y_pred)
    assert r2(y_true, y_pred) == pytest.approx(expected)
    assert r2(y_true, y_pred) == pytest.approx((1.0 + (1 - 1.25 / 8) + 0.0) / 3)


def test_lists_and_tensors_are_accepted():
    assert mse(gn.Tensor([1.0, 2.0]), [1.0, 4.0]) == pytest.approx(2.0)
    assert accuracy(gn.Tensor([[1.0], [0.0]]), [1, 1]) == pytest.approx(0.5)


# -- the registry ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "canonical", "kind", "greater_is_better"),
    [
        ("accuracy", "accuracy", "labels", True),
        ("acc", "accuracy", "labels", True),
        ("precision", "precision", "labels", True),
        ("recall", "recall", "labels", True),
        ("F1", "f1", "labels", True),
        ("roc_auc", "roc_auc", "scores", True),
        ("roc-auc", "roc_auc", "scores", True),
        ("auc", "roc_auc", "scores", True),
        ("mse", "mse", "values", False),
        ("mae", "mae", "values", False),
        ("rmse", "rmse", "values", False),
        ("r2", "r2", "values", True),
    ],
)
def test_registry_entries(name, canonical, kind, greater_is_better):
    metric = get_metric(name)
    assert metric.name == canonical
    assert metric.kind == kind
    assert metric.greater_is_better is greater_is_better
    assert name in METRICS


def test_registered_metrics_compute_the_functions():
    y_true, y_pred = _multiclass_labels(3)
    assert get_metric("f1")(y_true, y_pred) == pytest.approx(
        skm.f1_score(y_true, y_pred, average="macro", zero_division=0)
    )
    y_true, y_pred = _binary_labels(3)
    assert get_metric("precision")(y_true, y_pred) == pytest.approx(
        skm.precision_score(y_true, y_pred, zero_division=0)
    )
    assert get_metric("auc")([0, 1, 1], [0.9, 0.2, 0.6]) == pytest.approx(0.0)


def test_get_metric_passes_a_metric_through_and_rejects_the_rest():
    custom = Metric("half_mae", lambda t, p: mae(t, p) / 2, kind="values", greater_is_better=False)
    assert get_metric(custom) is custom
    assert custom([0.0], [4.0]) == pytest.approx(2.0)
    with pytest.raises(ConfigError, match=r"unknown metric 'accuracyy'.*accuracy"):
        get_metric("accuracyy")
    with pytest.raises(ConfigError, match="a name or a Metric, got function"):
        get_metric(accuracy)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="unknown kind 'probs'"):
        Metric("bad", accuracy, kind="probs")


# -- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn", [accuracy, confusion_matrix, binary_counts, per_class_counts, precision, recall, f1]
)
def test_label_metrics_reject_length_mismatch_and_empty(fn):
    with pytest.raises(DataError, match="same length, got 3 and 2"):
        fn([0, 1, 1], [0, 1])
    with pytest.raises(DataError, match="y_true is empty"):
        fn([], [])


@pytest.mark.parametrize("fn", [mse, mae, rmse, r2])
def test_regression_metrics_reject_bad_input(fn):
    with pytest.raises(DataError, match="same length, got 3 and 4"):
        fn([1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(DataError, match="y_pred is empty"):
        fn([1.0], np.zeros((0, 1)))
    with pytest.raises(DataError, match="same number of outputs, got 2 and 3"):
        fn(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(DataError, match="y_true must be finite, got nan at row 1, output 0"):
        fn([1.0, np.nan], [1.0, 2.0])


def test_r2_needs_two_samples():
    with pytest.raises(DataError, match="at least 2 samples, got 1"):
        r2([1.0], [1.0])


def test_roc_auc_bad_input():
    with pytest.raises(DataError, match="needs both classes in y_true, got only class 1"):
        roc_auc([1, 1, 1], [0.2, 0.5, 0.9])
    with pytest.raises(DataError, match="binary tasks, y_true has 3 classes"):
        roc_auc([0, 1, 2], [0.2, 0.5, 0.9])
    with pytest.raises(DataError, match="same length, got 2 and 3"):
        roc_auc([0, 1], [0.2, 0.5, 0.9])
    with pytest.raises(DataError, match="scores is empty"):
        roc_auc([0, 1], [])
    with pytest.raises(DataError, match=r"scores must be 1-D.*got shape \(2, 2\)"):
        roc_auc([0, 1], [[0.8, 0.2], [0.3, 0.7]])
    with pytest.raises(DataError, match="scores must be finite, got inf at index 1"):
        roc_auc([0, 1], [0.2, np.inf])
    with pytest.raises(DataError, match="positive=2 is not one of the labels \\[0, 1\\]"):
        roc_auc([0, 1], [0.2, 0.5], positive=2)


def test_unknown_average():
    with pytest.raises(DataError, match="unknown average 'mean'; expected one of 'auto'"):
        precision([0, 1], [0, 1], average="mean")


def test_binary_average_with_many_classes_or_a_missing_positive():
    with pytest.raises(DataError, match="at most two classes, got 3: \\[0, 1, 2\\]"):
        recall([0, 1, 2], [0, 1, 1], average="binary")
    with pytest.raises(DataError, match="positive=1 is not one of the labels \\[3, 4\\]"):
        f1([3, 4], [4, 3], average="binary")


def test_label_type_and_shape_mistakes():
    with pytest.raises(
        DataError, match=r"y_pred must hold class labels, got non-integer value 0\.7"
    ):
        accuracy([0, 1], [0.0, 0.7])
    with pytest.raises(DataError, match="y_true must hold class labels, got non-integer value inf"):
        accuracy([0.0, np.inf], [0, 1])
    with pytest.raises(DataError, match="1-D array of class labels, got shape \\(2, 3\\)"):
        accuracy([0, 1], np.eye(2, 3))
    with pytest.raises(DataError, match="mix label types"):
        accuracy([0, 1], ["0", "1"])
    with pytest.raises(DataError, match="positive must be of the same type"):
        binary_counts(["a", "b"], ["a", "a"], positive=1)
    with pytest.raises(DataError, match="labels must not repeat a label"):
        confusion_matrix([0, 1], [0, 1], labels=[1, 1])
    with pytest.raises(DataError, match="labels must be of the same type"):
        confusion_matrix([0, 1], [0, 1], labels=["0", "1"])


def test_errors_are_value_errors():
    # so `except ValueError` in user code keeps working
    with pytest.raises(ValueError):
        accuracy([0], [0, 1])
