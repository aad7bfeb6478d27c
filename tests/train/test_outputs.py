"""Tests for glassnet.train.outputs: reading outputs as probabilities, labels and scores."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.train.outputs import OutputReader, true_labels

LOGITS = np.array([[2.0, -1.0, 0.5], [-3.0, 0.0, 4.0], [0.1, 0.2, 0.0]])


def test_the_reader_follows_the_loss():
    assert OutputReader.for_loss(gn.CategoricalCrossEntropy()) == OutputReader("multiclass", True)
    assert OutputReader.for_loss(gn.BinaryCrossEntropy()) == OutputReader("binary", False)
    assert OutputReader.for_loss(gn.BinaryCrossEntropy(from_logits=True)).from_logits
    regression = OutputReader.for_loss(gn.Huber())
    assert regression.task == "regression"
    assert not regression.is_classifier


def test_multiclass_logits_become_softmax_probabilities():
    probabilities = OutputReader("multiclass", True).probabilities(LOGITS)
    expected = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(probabilities, expected, rtol=1e-12)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-12)


def test_softmax_of_huge_logits_stays_finite():
    probabilities = OutputReader("multiclass", True).probabilities(np.array([[1000.0, 0.0]]))
    np.testing.assert_allclose(probabilities, [[1.0, 0.0]], atol=1e-12)


def test_binary_logits_become_sigmoid_probabilities():
    z = np.array([[-2.0], [0.0], [3.0]])
    probabilities = OutputReader("binary", True).probabilities(z)
    np.testing.assert_allclose(probabilities, 1 / (1 + np.exp(-z)), rtol=1e-12)


def test_probabilities_pass_through_unchanged():
    p = np.array([[0.2, 0.8]])
    assert OutputReader("multiclass", False).probabilities(p) is p


def test_regression_outputs_have_no_probabilities():
    with pytest.raises(ConfigError, match="regression"):
        OutputReader("regression", False).probabilities(LOGITS)


def test_labels_are_argmax_or_threshold():
    np.testing.assert_array_equal(OutputReader("multiclass", True).labels(LOGITS), [0, 2, 1])
    binary = OutputReader("binary", False).labels(np.array([[0.49], [0.5], [0.9]]))
    np.testing.assert_array_equal(binary, [0, 1, 1])
    assert binary.dtype == np.int64


def test_scores_are_the_positive_class_probability():
    two = np.array([[0.0, 1.0], [2.0, 0.0]])
    scores = OutputReader("multiclass", True).scores(two)
    np.testing.assert_allclose(scores, [1 / (1 + np.exp(-1)), 1 / (1 + np.exp(2))], rtol=1e-12)
    np.testing.assert_allclose(OutputReader("binary", False).scores(np.array([[0.3]])), [0.3])
    with pytest.raises(ConfigError, match="two classes"):
        OutputReader("multiclass", True).scores(LOGITS)


def test_true_labels_from_integers_columns_and_one_hot():
    np.testing.assert_array_equal(true_labels(np.array([2, 0])), [2, 0])
    np.testing.assert_array_equal(true_labels(np.array([[1.0], [0.0]])), [1, 0])
    np.testing.assert_array_equal(true_labels(np.array([[0, 0, 1], [1, 0, 0]])), [2, 0])
