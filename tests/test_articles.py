"""The articles' worked numbers, reproduced with glassnet's own engine.

(a) one-weight gradient descent (article 004), (b) the worked neuron 1·1 + 0.5·0.5 + 2 = 3.25
(article 003), (c) the sigmoid network trained for 10,000 steps (article 000), and (d) XOR,
which a hidden layer learns and a single neuron cannot (linear separability, article 002).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import glassnet as gn
from tests.helpers import set_values


def test_one_weight_gradient_descent_gives_gradient_8_and_new_weight_4_2():
    with gn.default_dtype("float64"):
        w = gn.Tensor(5.0, requires_grad=True)
        x, target = 2.0, 6.0
        loss = 0.5 * (w * x - target) ** 2
    assert loss.item() == 8.0  # ½·(10 − 6)²
    loss.backward()
    assert w.grad == 8.0  # (wx − target)·x = 4·2
    w.data -= 0.1 * w.grad
    assert w.item() == pytest.approx(4.2, abs=1e-15)
    # The new weight is closer to the optimum w = 3.
    assert abs(w.item() - 3.0) < abs(5.0 - 3.0)


def test_the_worked_relu_neuron_gives_3_25_and_cuts_negative_sums_to_0():
    neuron = gn.Dense(1, activation="relu", input_dim=2)
    set_values(neuron.kernel, [[1.0], [0.5]])  # rows: the inputs the connections come from
    set_values(neuron.bias, 2.0)
    out = neuron(gn.Tensor([[1.0, 0.5]]))
    assert out.shape == (1, 1)
    assert out.item() == 3.25  # 1·1 + 0.5·0.5 + 2
    set_values(neuron.bias, -2.0)
    assert neuron(gn.Tensor([[1.0, 0.5]])).item() == 0.0  # 1.25 − 2 < 0, cut by the ReLU
    assert neuron(gn.Tensor([[-3.0, 0.5]])).item() == 0.0


ARTICLE_INPUTS = [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]
ARTICLE_TARGETS = [0, 0, 1, 1]


def test_the_sigmoid_network_of_article_000_after_10000_steps():
    gn.seed(1)
    with gn.default_dtype("float64"):
        layer = gn.Dense(1, activation="sigmoid", kernel_initializer=gn.initializers.Uniform(-1, 1))
        x = gn.Tensor(ARTICLE_INPUTS)
    y = np.array(ARTICLE_TARGETS, dtype=np.float64)
    loss_fn = gn.MSE(reduction="sum")
    lr = 1.0
    for _ in range(10_000):
        layer.zero_grad()
        loss = loss_fn(layer(x), y)
        loss.backward()
        for p in layer.parameters():
            p.data -= lr * p.grad
    prediction = layer(x).numpy().ravel()
    assert np.all(prediction[2:] > 0.99), prediction
    assert np.all(prediction[:2] < 0.01), prediction
    # It learned the rule of the data: the output copies the first input.
    assert abs(layer.kernel.numpy()[0, 0]) > 5 * abs(layer.kernel.numpy()[1, 0])


XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([[0.0], [1.0], [1.0], [0.0]])


def _train_by_hand(model, steps=1000, lr=1.0):
    loss_fn = gn.BinaryCrossEntropy()
    x = gn.Tensor(XOR_INPUTS)
    for _ in range(steps):
        model.zero_grad()
        loss = loss_fn(model(x), XOR_TARGETS)
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
    with gn.no_grad():
        probabilities = model(x).numpy()
        final_loss = loss_fn(model(x), XOR_TARGETS).item()
    accuracy = float(np.mean((probabilities > 0.5) == (XOR_TARGETS > 0.5)))
    return accuracy, final_loss


def test_xor_is_learned_with_one_hidden_layer():
    gn.seed(0)
    with gn.default_dtype("float64"):
        model = gn.Sequential([gn.Dense(4, activation="tanh"), gn.Dense(1, activation="sigmoid")])
    accuracy, loss = _train_by_hand(model)
    assert accuracy == 1.0
    assert loss < 0.05


def test_xor_defeats_a_single_neuron():
    gn.seed(0)
    with gn.default_dtype("float64"):
        neuron = gn.Dense(1, activation="sigmoid")
    accuracy, loss = _train_by_hand(neuron)
    assert accuracy <= 0.75  # no line separates XOR's classes
    assert loss >= math.log(2) - 1e-6  # it cannot beat guessing 0.5 everywhere
