"""Tests for glassnet/compare/estimators.py: the scikit-learn estimators (``gn.sklearn``)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_iris, make_classification
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import glassnet as gn
from glassnet.compare.estimators import NeuralNetClassifier, NeuralNetRegressor


def _small_cnn_like(n_features: int, n_outputs: int) -> gn.Module:
    """A custom architecture given as a callable: two hidden layers and tanh."""
    return gn.Sequential([gn.Dense(12, activation="tanh"), gn.Dense(8), gn.Dense(n_outputs)])


def _float32_matmul_depends_on_row_order() -> bool:
    """Whether this BLAS computes a row of ``x @ w`` differently at another position in ``x``.

    Some OpenBLAS kernels (for example with ``OPENBLAS_CORETYPE=Haswell`` on an AVX-512
    processor) treat the last rows of a block with a different instruction sequence,
    so a float32 product moves by an ulp when the samples are permuted. The shapes
    are those of ``check_methods_sample_order_invariance`` (20 samples, 3 features)
    through the custom network below.
    """
    rng = np.random.default_rng(0)
    for rows, inner, cols in ((20, 3, 12), (20, 12, 8), (20, 8, 3)):
        x = rng.standard_normal((rows, inner), dtype=np.float32)
        w = rng.standard_normal((inner, cols), dtype=np.float32)
        order = rng.permutation(rows)
        if not np.array_equal((x @ w)[order], x[order] @ w):
            return True
    return False


def _expected_failures(estimator) -> dict[str, str]:
    if not _float32_matmul_depends_on_row_order():
        return {}
    return {
        "check_methods_sample_order_invariance": (
            "this BLAS's float32 GEMM gives a sample different last bits at another row "
            "position; the check allows a relative error of 1e-7"
        )
    }


# scikit-learn's own conformance suite. Few epochs keep it at a few seconds; every
# check runs. None is expected to fail, except sample-order invariance where the BLAS
# itself is not (see above). The one that reports "skipped" is
# check_array_api_input: scikit-learn skips it itself unless SCIPY_ARRAY_API=1 is
# set, and glassnet's estimators take NumPy arrays (and what converts to them) only.
CONFORMANCE = [
    NeuralNetClassifier(hidden_layers=(16,), learning_rate=0.01, epochs=20, random_state=0),
    NeuralNetRegressor(hidden_layers=(16,), learning_rate=0.01, epochs=20, random_state=0),
    NeuralNetClassifier(
        module=_small_cnn_like, dropout=0.1, learning_rate=0.01, epochs=20, random_state=1
    ),
]


@parametrize_with_checks(CONFORMANCE, expected_failed_checks=_expected_failures)
def test_scikit_learn_conformance(estimator, check):
    check(estimator)


def test_gn_sklearn_names_the_estimators():
    assert gn.sklearn.NeuralNetClassifier is NeuralNetClassifier
    assert gn.sklearn.NeuralNetRegressor is NeuralNetRegressor
    with pytest.raises(AttributeError, match="NeuralNetThing"):
        gn.sklearn.NeuralNetThing  # noqa: B018


# -- labels, features, probabilities ----------------------------------------------------


@pytest.mark.parametrize(
    "labels",
    [np.array(["setosa", "versicolor", "virginica"]), np.array([-7, 3, 40])],
    ids=["strings", "sparse-integers"],
)
def test_any_class_labels_come_back_as_given(labels):
    x, y = load_iris(return_X_y=True)
    y = labels[y]
    clf = NeuralNetClassifier((16,), learning_rate=0.02, epochs=40, random_state=0)
    clf.fit(StandardScaler().fit_transform(x), y)
    assert list(clf.classes_) == sorted(labels.tolist())
    predicted = clf.predict(StandardScaler().fit_transform(x))
    assert set(predicted) <= set(labels.tolist())
    assert np.mean(predicted == y) > 0.9
    proba = clf.predict_proba(StandardScaler().fit_transform(x))
    assert proba.shape == (150, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    # The order of the columns is the order of classes_.
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], predicted)


def test_a_dataframe_gives_feature_names_and_they_are_checked():
    frame = pd.DataFrame(load_iris().data, columns=["sl", "sw", "pl", "pw"])
    clf = NeuralNetClassifier((8,), epochs=3, random_state=0).fit(frame, load_iris().target)
    assert clf.n_features_in_ == 4
    assert list(clf.feature_names_in_) == ["sl", "sw", "pl", "pw"]
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(frame[["sw", "sl", "pl", "pw"]])


def test_the_regressor_predicts_in_the_targets_units_and_for_several_targets():
    x, y = load_diabetes(return_X_y=True)
    reg = make_pipeline(
        StandardScaler(), NeuralNetRegressor((32,), learning_rate=0.01, epochs=60, random_state=0)
    )
    reg.fit(x, y)
    assert 100 < reg.predict(x).mean() < 200  # diabetes targets lie in 25..346
    assert reg.score(x, y) > 0.4
    two = np.column_stack([y, -2 * y])
    multi = NeuralNetRegressor((16,), learning_rate=0.01, epochs=30, random_state=0)
    predicted = multi.fit(StandardScaler().fit_transform(x), two).predict(
        StandardScaler().fit_transform(x)
    )
    assert predicted.shape == (len(x), 2)
    assert np.corrcoef(predicted[:, 0], predicted[:, 1])[0, 1] < -0.9


# -- sklearn semantics: parameters, clones, reproducibility -----------------------------


def test_get_params_set_params_and_clone():
    clf = NeuralNetClassifier(hidden_layers=(32, 16), dropout=0.2, epochs=7)
    params = clf.get_params()
    assert params["hidden_layers"] == (32, 16) and params["epochs"] == 7
    assert params["optimizer"] == "adam" and params["learning_rate"] == 1e-3
    clf.set_params(epochs=3, activation="tanh")
    assert clf.epochs == 3 and clf.activation == "tanh"
    twin = clone(clf)
    assert twin.get_params() == clf.get_params() and twin is not clf


def test_the_same_random_state_gives_the_same_model_and_another_a_different_one():
    x, y = make_classification(200, 6, random_state=0)

    def probabilities(seed):
        clf = NeuralNetClassifier((16,), dropout=0.2, epochs=5, random_state=seed)
        return clf.fit(x, y).predict_proba(x)

    np.testing.assert_array_equal(probabilities(3), probabilities(3))
    assert not np.allclose(probabilities(3), probabilities(4))


def test_random_state_does_not_disturb_the_global_glassnet_seed():
    gn.seed(5)
    expected = gn.Dense(3)(gn.Tensor(np.ones((1, 2)))).numpy()
    gn.seed(5)
    NeuralNetClassifier((4,), epochs=1, random_state=0).fit(np.ones((4, 2)), [0, 1, 0, 1])
    np.testing.assert_array_equal(gn.Dense(3)(gn.Tensor(np.ones((1, 2)))).numpy(), expected)


def test_clones_share_no_state_and_a_given_module_is_rebuilt_not_trained():
    x, y = make_classification(120, 5, random_state=1)
    template = gn.Sequential([gn.Dense(8, activation="relu"), gn.Dense(2)])
    clf = NeuralNetClassifier(module=template, epochs=5, random_state=0)
    first = clone(clf).fit(x, y)
    second = clone(clf).fit(x[:60], y[:60])
    assert first.network_ is not second.network_
    assert first.network_.parameters()[0] is not second.network_.parameters()[0]
    assert not template.built and not hasattr(clf, "network_")
    # Refitting starts from a fresh network: fitting twice gives the same model.
    again = clone(clf).fit(x, y)
    np.testing.assert_array_equal(again.predict_proba(x), first.predict_proba(x))


@pytest.mark.parametrize("device", ["cpu", "standin"], indirect=True)
def test_a_module_moved_to_a_device_trains_there_and_predicts_like_the_cpu(device):
    x, y = make_classification(80, 5, random_state=2)

    def fitted(where):
        template = gn.Sequential([gn.Dense(6, activation="relu"), gn.Dense(2)]).to(where)
        return NeuralNetClassifier(module=template, epochs=3, random_state=0).fit(x, y)

    on_device, on_cpu = fitted(device), fitted("cpu")
    assert on_device.network_.device == device
    np.testing.assert_allclose(on_device.predict_proba(x), on_cpu.predict_proba(x), rtol=1e-5)


def test_a_module_with_the_wrong_number_of_outputs_is_refused():
    x, y = load_iris(return_X_y=True)
    clf = NeuralNetClassifier(module=gn.Sequential([gn.Dense(2)]), epochs=1)
    with pytest.raises(
        gn.ShapeError, match=r"outputs of shape \(2,\) per sample; this task needs \(3,\)"
    ):
        clf.fit(x, y)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"epochs": 0}, "epochs must be an integer >= 1"),
        ({"dropout": 1.0}, r"dropout must be a number in \[0, 1\)"),
        ({"hidden_layers": (8, 0)}, "hidden_layers must be a tuple of positive integers"),
        ({"learning_rate": -1.0}, "learning_rate must be a number >= 0"),
        ({"module": "mlp"}, "module must be None"),
        ({"optimizer": "adamm"}, "adamm"),
    ],
)
def test_bad_settings_are_named_when_fitting(setting, message):
    clf = NeuralNetClassifier(**setting)
    with pytest.raises(gn.ConfigError, match=message):
        clf.fit(np.ones((4, 2)), [0, 1, 0, 1])


def test_a_fitted_estimator_pickles_and_predicts_the_same():
    x, y = load_iris(return_X_y=True)
    clf = NeuralNetClassifier((8,), epochs=5, random_state=0).fit(x, y)
    copy = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(copy.predict_proba(x), clf.predict_proba(x))
    assert hasattr(clf.network_, "training_config")  # the original keeps its optimizer


# -- in scikit-learn's tools --------------------------------------------------------------


def test_pipeline_cross_val_score_and_grid_search():
    x, y = load_iris(return_X_y=True)
    pipeline = make_pipeline(
        StandardScaler(),
        NeuralNetClassifier((16,), learning_rate=0.02, epochs=30, random_state=0),
    )
    folds = KFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(pipeline, x, y, cv=folds)
    assert scores.shape == (3,) and scores.mean() > 0.85
    search = GridSearchCV(
        pipeline, {"neuralnetclassifier__hidden_layers": [(2,), (16,)]}, cv=folds
    ).fit(x, y)
    assert search.best_params_ == {"neuralnetclassifier__hidden_layers": (16,)}
    assert search.best_estimator_.score(x, y) > 0.9
    assert len(search.cv_results_["mean_test_score"]) == 2
