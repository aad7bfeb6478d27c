"""gn.inspect.trace_step: the articles' gradient-descent step, and the engine's own numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, ShapeError
from glassnet.inspect.trace_step import QuadraticLoss
from tests.helpers import host, random_array, set_values


def single_weight(w: float = 5.0) -> gn.Sequential:
    layer = gn.Dense(1, use_bias=False, input_dim=1)
    set_values(layer.kernel, w)
    return gn.Sequential([layer])


def test_articles_single_weight_step_gives_gradient_8_and_w_4_2():
    model = single_weight()
    step = gn.inspect.trace_step(model, [2.0], [6.0], loss="quadratic", lr=0.1, file=None)
    text = str(step)
    assert "w[1,1] = 5: ∂L/∂w = x1 · δ = 2 · 4 = 8 → 5 - 0.1·8 = 4.2" in text
    assert "error y - t = [4]" in text
    assert step.parameters["0.kernel"]["gradient"].item() == pytest.approx(8.0)
    # The step was really taken, by the numbers printed.
    assert model[0].kernel.data.item() == pytest.approx(4.2)
    assert step.parameters["0.kernel"]["after"].item() == model[0].kernel.data.item()
    assert step.loss_before == pytest.approx(8.0)  # ½·(10 - 6)²
    assert step.loss_after == pytest.approx(0.5 * (4.2 * 2 - 6) ** 2, rel=1e-6)


def test_mse_doubles_the_articles_gradient():
    """mean((y - t)²) has derivative 2(y - t): gradient 16 where the ½ version gives 8."""
    model = single_weight()
    step = gn.inspect.trace_step(model, [2.0], [6.0], loss="mse", lr=0.1, file=None)
    assert "= 16 → 5 - 0.1·16 = 3.4" in str(step)
    assert model[0].kernel.data.item() == pytest.approx(3.4)


def test_quadratic_loss_matches_its_gradient():
    prediction = gn.Tensor(random_array((3, 2), seed=1), requires_grad=True, dtype=np.float64)
    target = random_array((3, 2), seed=2)
    report = gn.gradcheck(lambda p: QuadraticLoss()(p, target), prediction)
    assert report.ok
    value = QuadraticLoss()(prediction, target).item()
    assert value == pytest.approx(0.5 * ((prediction.numpy() - target) ** 2).sum(axis=1).mean())


def test_articles_neuron_appears_in_the_step():
    hidden = gn.Dense(1, activation="relu", input_dim=2)
    set_values(hidden.kernel, [[1.0], [0.5]])
    set_values(hidden.bias, [2.0])
    step = gn.inspect.trace_step(gn.Sequential([hidden]), [1.0, 0.5], [3.0], lr=0.1, file=None)
    text = str(step)
    assert "1·1 + 0.5·0.5 + 2 = 3.25 → relu → 3.25" in text
    # mse: ∂L/∂y = 2·(3.25 - 3) = 0.5; relu'(3.25) = 1; ∂L/∂w1 = x1·δ = 1·0.5.
    assert "δ = ∂L/∂out · f'(z) = 0.5 · 1 = 0.5" in text
    assert "w[1,1] = 1: ∂L/∂w = x1 · δ = 1 · 0.5 = 0.5 → 1 - 0.1·0.5 = 0.95" in text
    assert "b = 2: ∂L/∂b = δ = 0.5 → 2 - 0.1·0.5 = 1.95" in text


def mlp(seed: int) -> gn.Sequential:
    gn.seed(seed)
    return gn.Sequential(
        [
            gn.Dense(5, activation="tanh", input_dim=3),
            gn.Dense(4, activation="relu", input_dim=5),
            gn.Sigmoid(),
            gn.Dense(3, input_dim=4),
        ]
    )


@pytest.mark.parametrize("loss", ["mse", "categorical_crossentropy", "quadratic"])
def test_gradients_and_updates_are_the_engines(loss):
    x = np.array([0.4, -0.7, 1.1])
    target = 2 if loss == "categorical_crossentropy" else np.array([0.5, -1.0, 0.2])
    model, twin = mlp(3), mlp(3)
    step = gn.inspect.trace_step(model, x, target, loss=loss, lr=0.05, file=None)
    # The same step the ordinary way: forward, loss, backward, SGD.
    loss_fn = QuadraticLoss() if loss == "quadratic" else gn.nn.losses.get_loss(loss)
    output = twin(gn.Tensor(x[None]))
    loss_fn(
        output, np.reshape(target, (1, -1)) if loss != "categorical_crossentropy" else [2]
    ).backward()
    for path, parameter in twin.named_parameters():
        parts = step.parameters[path]
        np.testing.assert_allclose(parts["gradient"], host(parameter.grad), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(
            parts["after"], host(parameter) - 0.05 * host(parameter.grad), rtol=1e-6
        )
        np.testing.assert_array_equal(parts["after"], host(dict(model.named_parameters())[path]))
    # The chain-rule factors multiply to the gradients: ∂L/∂W = xᵀ·δ, ∂L/∂b = δ.
    dense_steps = [s for s in step.layers if s.delta is not None]
    assert [s.index for s in dense_steps] == [4, 2, 1]
    for layer_step in dense_steps:
        layer_input = (
            x if layer_step.index == 1 else step.forward.layers[layer_step.index - 2].output
        )
        kernel = layer_step.parameters["kernel"]["gradient"]
        np.testing.assert_allclose(
            np.outer(layer_input, layer_step.delta), kernel, rtol=1e-5, atol=1e-7
        )
        np.testing.assert_allclose(
            layer_step.parameters["bias"]["gradient"], layer_step.delta, rtol=1e-6
        )
        if layer_step.slope is not None:
            np.testing.assert_allclose(
                layer_step.output_grad * layer_step.slope, layer_step.delta, rtol=1e-5, atol=1e-7
            )
    assert step.loss_after < step.loss_before


def test_weight_penalties_are_shown_and_included():
    gn.seed(4)
    model = gn.Sequential([gn.Dense(2, kernel_regularizer=gn.L2(0.1), input_dim=2)])
    kernel_before = model[0].kernel.numpy().copy()
    step = gn.inspect.trace_step(model, [1.0, 2.0], [0.0, 1.0], lr=0.1, file=None)
    delta = step.layers[0].delta
    expected = np.outer([1.0, 2.0], delta) + 2 * 0.1 * kernel_before
    np.testing.assert_allclose(step.parameters["0.kernel"]["gradient"], expected, rtol=1e-5)
    assert "weight penalty" in str(step) and "+ penalty" in str(step)


def test_other_layers_are_summed_up():
    gn.seed(5)
    model = gn.Sequential([gn.Conv2D(2, 3), gn.Flatten(), gn.Dense(2)])
    x = random_array((1, 1, 5, 5), seed=3)  # a batch of one: the model is not built yet
    step = gn.inspect.trace_step(model, x, [1.0, 0.0], file=None)
    text = str(step)
    assert "Conv2D 'conv2d" in text and "largest change" in text
    assert step.parameters["0.kernel"]["gradient"].shape == model[0].kernel.shape


def test_to_dict_is_json_and_printing_follows_file(capsys):
    step = gn.inspect.trace_step(single_weight(), [2.0], [6.0], loss="quadratic")
    assert "= 4.2" in capsys.readouterr().out
    data = json.loads(json.dumps(step.to_dict()))
    assert data["parameters"]["0.kernel"] == {
        "before": [[5.0]],
        "gradient": [[8.0]],
        "after": [[4.199999809265137]],
    }
    assert data["layers"][0]["delta"] == [4.0]
    assert data["text"] == str(step)


def test_refuses_bad_settings_before_changing_anything():
    model = single_weight()
    with pytest.raises(ConfigError, match=r"unknown loss 'bogus'.*quadratic"):
        gn.inspect.trace_step(model, [2.0], [6.0], loss="bogus", file=None)
    with pytest.raises(ConfigError, match="learning rate"):
        gn.inspect.trace_step(model, [2.0], [6.0], lr=-1.0, file=None)
    with pytest.raises(ShapeError, match="one sample"):
        gn.inspect.trace_step(model, [[2.0], [3.0]], [6.0, 7.0], file=None)
    assert model[0].kernel.data.item() == 5.0
