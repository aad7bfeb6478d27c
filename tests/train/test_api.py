"""Tests for glassnet.train.api: compile, evaluate, predict, predict_proba, predict_classes."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, DataError
from glassnet.train.api import TrainingConfig
from tests.train._models import blobs, classifier, regression


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def built(model: gn.Module, features: int = 3) -> gn.Module:
    gn.seed(0)
    model(np.zeros((1, features), dtype=np.float32))
    return model


# -- compile -------------------------------------------------------------------------------


def test_compile_resolves_names_and_returns_the_model():
    model = gn.Sequential([gn.Dense(2)])
    assert model.compile("rmsprop", "mse", "mae", lr=0.003) is model
    config = model.training_config
    assert isinstance(config, TrainingConfig)
    assert isinstance(config.optimizer, gn.RMSprop)
    assert config.optimizer.lr == 0.003
    assert isinstance(config.loss, gn.MSE)
    assert [metric.name for metric in config.metrics] == ["mae"]


def test_compile_refuses_options_for_an_optimizer_object():
    model = gn.Sequential([gn.Dense(2)])
    with pytest.raises(ConfigError, match=r"optimizer options \['lr'\]"):
        model.compile(gn.SGD(model, lr=0.1), "mse", lr=0.5)


def test_compile_refuses_unknown_names():
    model = gn.Sequential([gn.Dense(2)])
    with pytest.raises(ConfigError, match="unknown optimizer 'adamm'"):
        model.compile("adamm", "mse")
    with pytest.raises(ConfigError, match="unknown loss"):
        model.compile("adam", "msee")


# -- evaluate ------------------------------------------------------------------------------


def test_evaluate_gives_the_loss_and_metrics_by_hand():
    x, y = regression(n=30)
    model = built(gn.Sequential([gn.Dense(1)]).compile("sgd", "mse", ["mae"]))
    outputs = model.predict(x).astype(np.float64)
    result = model.evaluate(x, y)
    assert set(result) == {"loss", "mae"}
    assert result["loss"] == pytest.approx(np.mean((outputs - y) ** 2), rel=1e-5)
    assert result["mae"] == pytest.approx(np.mean(np.abs(outputs - y)), rel=1e-5)


def test_evaluate_accuracy_matches_argmax_of_the_outputs():
    x, y = blobs(n=40)
    model = built(classifier())
    expected = np.mean(model.predict(x).argmax(axis=1) == y)
    assert model.evaluate(x, y)["accuracy"] == pytest.approx(expected)


def test_evaluate_does_not_train_and_leaves_the_mode_as_it_was():
    x, y = blobs(n=20)
    model = built(gn.Sequential([gn.Dense(8), gn.Dropout(0.5), gn.Dense(3)]))
    model.compile("sgd", "categorical_crossentropy")
    before = model.state_dict()
    first, second = model.evaluate(x, y), model.evaluate(x, y)
    assert first == second  # dropout is off: eval mode
    assert model.training
    for key, value in model.state_dict().items():
        assert np.array_equal(value, before[key])
    assert all(p.grad is None for p in model.parameters())


def test_evaluate_needs_a_compiled_model():
    x, y = blobs(n=4)
    with pytest.raises(ConfigError, match="not compiled"):
        built(gn.Sequential([gn.Dense(3)])).evaluate(x, y)


def test_a_label_metric_with_a_regression_loss_is_refused():
    x, y = regression(n=10)
    model = built(gn.Sequential([gn.Dense(1)]).compile("sgd", "mse", ["accuracy"]))
    with pytest.raises(ConfigError, match="needs class predictions"):
        model.evaluate(x, y)


# -- predict -------------------------------------------------------------------------------


def test_predict_is_the_eval_mode_forward_pass_in_batches():
    x, _ = blobs(n=23)
    model = built(gn.Sequential([gn.Dense(8, activation="relu"), gn.Dropout(0.5), gn.Dense(3)]))
    model.eval()
    direct = model(gn.Tensor(x)).numpy()
    model.train()
    whole = model.predict(x)
    batched = model.predict(x, batch_size=5)
    assert whole.shape == batched.shape == (23, 3)
    np.testing.assert_allclose(whole, direct, rtol=1e-6)
    np.testing.assert_allclose(batched, direct, rtol=1e-6)
    assert model.training


def test_predict_works_without_compile():
    x, _ = blobs(n=3)
    assert built(gn.Sequential([gn.Dense(2)])).predict(x).shape == (3, 2)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5])
def test_predict_refuses_a_bad_batch_size(batch_size):
    x, _ = blobs(n=3)
    with pytest.raises(ConfigError, match="batch_size must be a positive integer"):
        built(gn.Sequential([gn.Dense(2)])).predict(x, batch_size=batch_size)


def test_predict_checks_its_input():
    x, _ = blobs(n=3)
    x[1, 1] = np.inf
    with pytest.raises(DataError, match=r"infinite value at index \(1, 1\)"):
        built(gn.Sequential([gn.Dense(2)])).predict(x)


# -- predict_proba -------------------------------------------------------------------------


def test_predict_proba_is_the_softmax_of_logits_for_categorical_crossentropy():
    x, _ = blobs(n=12)
    model = built(classifier())
    probabilities = model.predict_proba(x)
    assert probabilities.shape == (12, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(probabilities, softmax(model.predict(x)), rtol=1e-5)


def test_predict_proba_is_the_sigmoid_of_logits_for_binary_crossentropy():
    x, _ = blobs(n=12)
    model = built(gn.Sequential([gn.Dense(1)]))
    model.compile("sgd", gn.BinaryCrossEntropy(from_logits=True))
    probabilities = model.predict_proba(x)
    np.testing.assert_allclose(probabilities, sigmoid(model.predict(x)), rtol=1e-5)
    assert ((probabilities > 0) & (probabilities < 1)).all()


def test_predict_proba_passes_probabilities_through():
    x, _ = blobs(n=12)
    model = built(gn.Sequential([gn.Dense(3), gn.Softmax()]))
    model.compile("sgd", gn.CategoricalCrossEntropy(from_logits=False))
    np.testing.assert_array_equal(model.predict_proba(x), model.predict(x))


def test_predict_proba_refuses_a_regression_model():
    x, _ = blobs(n=3)
    model = built(gn.Sequential([gn.Dense(1)]).compile("sgd", "mse"))
    with pytest.raises(ConfigError, match="classification loss"):
        model.predict_proba(x)


# -- predict_classes -----------------------------------------------------------------------


def test_predict_classes_is_the_argmax_of_the_outputs():
    x, _ = blobs(n=30)
    model = built(classifier())
    classes = model.predict_classes(x)
    np.testing.assert_array_equal(classes, model.predict(x).argmax(axis=1))
    assert len(set(classes.tolist())) > 1  # not a constant answer


def test_predict_classes_thresholds_binary_probabilities_at_one_half():
    x, _ = blobs(n=30)
    model = built(gn.Sequential([gn.Dense(1)]))
    model.compile("sgd", gn.BinaryCrossEntropy(from_logits=True))
    expected = (model.predict(x)[:, 0] >= 0).astype(np.int64)
    np.testing.assert_array_equal(model.predict_classes(x), expected)


@pytest.mark.parametrize("names", [["cat", "dog", "emu"], np.array(["cat", "dog", "emu"])])
def test_predict_classes_maps_to_the_model_class_names(names):
    x, y = blobs(n=30)
    model = classifier()
    model.fit(x, y, epochs=20, batch_size=10, verbose=0)
    model.preprocessing = {"classes": names}
    predicted = model.predict_classes(x)
    indices = model.predict(x).argmax(axis=1)
    assert predicted.tolist() == [["cat", "dog", "emu"][i] for i in indices]
    assert predicted.tolist() == [["cat", "dog", "emu"][i] for i in y]
