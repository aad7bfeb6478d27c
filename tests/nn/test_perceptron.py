"""Tests for glassnet/nn/perceptron.py: Rosenblatt's rule and its limit (XOR)."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.errors import ConfigError, DataError, ShapeError
from glassnet.nn.perceptron import Perceptron, PerceptronResult

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
XOR_Y = np.array([0, 1, 1, 0])


def separable_points(seed: int = 0, n: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """2-D points on either side of the line 2·x0 - x1 = 0.3, with a margin of 0.1."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(4 * n, 2))
    score = 2 * x[:, 0] - x[:, 1] - 0.3
    keep = np.abs(score) > 0.1
    return x[keep][:n], (score[keep][:n] > 0).astype(np.int64)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_separable_points_converge_with_all_correct(seed):
    x, y = separable_points(seed)
    perceptron = Perceptron(2)
    result = perceptron.fit(x, y, max_epochs=1000)
    assert isinstance(result, PerceptronResult)
    assert result.converged and result.linearly_separable
    assert 0 < result.updates < 10_000 and result.epochs < 1000
    assert result.errors == 0
    assert np.array_equal(perceptron.predict(x), y)
    assert "converged" in result.message


def test_xor_does_not_converge_and_asks_for_a_hidden_layer():
    perceptron = Perceptron(2)
    result = perceptron.fit(XOR_X, XOR_Y, max_epochs=50)
    assert not result.converged
    assert result.linearly_separable is None
    assert result.epochs == 50
    assert result.errors > 0
    assert "not linearly separable" in result.message
    assert "hidden layer is needed" in result.message


def test_weights_and_bias_are_exposed():
    perceptron = Perceptron(2)
    assert perceptron.weights.tolist() == [0.0, 0.0] and perceptron.bias == 0.0
    perceptron.fit(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]), [0, 0, 0, 1])  # AND
    w, b = perceptron.weights, perceptron.bias
    assert w.shape == (2,)
    # The decision line w·x + b = 0 puts (1, 1) alone on the positive side.
    assert w.sum() + b > 0 and max(w[0], w[1]) + b <= 0 and b <= 0


@pytest.mark.parametrize(
    ("make", "error", "quoted"),
    [
        (lambda: Perceptron(0), ConfigError, "got 0"),
        (lambda: Perceptron(2, lr=-1.0), ConfigError, "got -1.0"),
        (lambda: Perceptron(2).fit(XOR_X, XOR_Y, max_epochs=0), ConfigError, "got 0"),
        (lambda: Perceptron(3).fit(XOR_X, XOR_Y), ShapeError, "got shape (4, 2)"),
        (lambda: Perceptron(2).fit(XOR_X, [0, 1, 2, 0]), DataError, "targets 0 or 1"),
        (lambda: Perceptron(2).fit(XOR_X, [0, 1]), ShapeError, "y has 2"),
    ],
)
def test_bad_input_raises_a_glassnet_error(make, error, quoted):
    with pytest.raises(error) as raised:
        make()
    assert quoted in str(raised.value)
