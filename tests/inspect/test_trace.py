"""gn.inspect.trace: the articles' worked forward pass, and numbers equal to the engine's."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, ShapeError
from tests.helpers import set_values


def articles_network() -> gn.Sequential:
    """The articles' hidden layer: a1 = 1·1 + 0.5·0.5 + 2 (and a2 giving -0.3), then ReLU."""
    hidden = gn.Dense(2, activation="relu", input_dim=2)
    set_values(hidden.kernel, [[1.0, -0.5], [0.5, 0.4]])
    set_values(hidden.bias, [2.0, 0.0])
    return gn.Sequential([hidden])


def test_articles_neuron_is_written_out_with_its_relu_output():
    result = gn.inspect.trace(articles_network(), [1.0, 0.5], file=None)
    text = str(result)
    assert "neuron 1: 1·1 + 0.5·0.5 + 2 = 3.25 → relu → 3.25" in text
    assert "neuron 2: 1·(-0.5) + 0.5·0.4 + 0 = -0.3 → relu → 0" in text
    assert result.output.tolist() == pytest.approx([3.25, 0.0])


def test_prints_to_stdout_by_default_and_nothing_with_file_none(capsys):
    gn.inspect.trace(articles_network(), [1.0, 0.5])
    assert "3.25 → relu → 3.25" in capsys.readouterr().out
    gn.inspect.trace(articles_network(), [1.0, 0.5], file=None)
    assert capsys.readouterr().out == ""


def mlp(seed: int = 0) -> gn.Sequential:
    gn.seed(seed)
    return gn.Sequential(
        [
            gn.Dense(5, activation="tanh"),
            gn.Dense(4),
            gn.ReLU(),
            gn.Dense(3, activation="softmax"),
        ]
    )


def test_traced_numbers_are_the_engines():
    model = mlp()
    x = np.array([0.3, -1.2, 0.8])
    model(gn.Tensor(x[None]))
    result = gn.inspect.trace(model, x, file=None)
    np.testing.assert_array_equal(result.output, model.predict(x[None])[0])
    current = x.astype(np.float32)
    dense_layers = [layer for layer in result.layers if layer.kind == "dense"]
    assert len(dense_layers) == 3
    for layer in result.layers:
        np.testing.assert_array_equal(layer.input, current)
        if layer.kind == "dense":
            module = model[layer.index - 1]
            np.testing.assert_allclose(
                layer.pre_activation,
                current @ module.kernel.numpy() + module.bias.numpy(),
                rtol=1e-6,
                atol=1e-6,
            )
            for neuron in layer.neurons:
                assert neuron.total == layer.pre_activation[neuron.index]
                assert neuron.output == layer.output[neuron.index]
                np.testing.assert_array_equal(
                    neuron.weights, module.kernel.numpy()[:, neuron.index]
                )
        current = layer.output
    assert "softmax over the 3 sums" in str(result)


def test_wide_layers_are_shortened():
    gn.seed(1)
    model = gn.Sequential([gn.Dense(20, activation="sigmoid")])
    result = gn.inspect.trace(model, np.linspace(0, 1, 12), max_neurons=3, file=None)
    text = str(result)
    assert len(result.layers[0].neurons) == 3
    assert "… and 17 more neurons" in text
    assert "[12 products]" in text  # 12 inputs: first products, …, last one
    assert text.count("→ sigmoid →") == 3
    assert "(12 values)" in text.splitlines()[0]


def test_other_layers_get_a_summary_line_and_do_not_fail():
    gn.seed(2)
    model = gn.Sequential(
        [
            gn.Conv2D(2, 3, activation="relu"),
            gn.MaxPool2D(2),
            gn.Flatten(),
            gn.Dropout(0.5),
            gn.Dense(4),
            gn.BatchNorm(),
            gn.Dense(2),
        ]
    )
    x = np.random.default_rng(0).normal(size=(1, 1, 6, 6))
    model.eval()
    model(gn.Tensor(x))  # builds the weights (BatchNorm needs eval mode for one sample)
    model.train()
    result = gn.inspect.trace(model, x[0], file=None)
    kinds = [layer.kind for layer in result.layers]
    assert kinds == ["summary", "summary", "summary", "summary", "dense", "summary", "dense"]
    assert "Conv2D 'conv2d" in str(result) and "output shape (2, 4, 4)" in str(result)
    model.eval()
    np.testing.assert_allclose(result.output, model.predict(x)[0], rtol=1e-6)
    # The trace ran in eval mode and gave every module its own mode back.
    model.train()
    gn.inspect.trace(model, x[0], file=None)
    assert all(module.training for module in model.modules())


def test_to_dict_is_json_and_matches_the_text():
    result = gn.inspect.trace(articles_network(), [1.0, 0.5], file=None)
    data = json.loads(json.dumps(result.to_dict()))
    neuron = data["layers"][0]["neurons"][0]
    assert neuron == {
        "index": 0,
        "inputs": [1.0, 0.5],
        "weights": [1.0, 0.5],
        "bias": 2.0,
        "sum": 3.25,
        "output": 3.25,
    }
    assert data["text"] == str(result)
    assert data["output"] == [3.25, 0.0]


def test_separate_activation_layers_show_each_value():
    model = gn.Sequential([gn.Dense(3, input_dim=2), gn.LeakyReLU(0.1)])
    set_values(model[0].kernel, [[1.0, -1.0, 2.0], [0.0, 0.0, 0.0]])
    result = gn.inspect.trace(model, [2.0, 1.0], file=None)
    assert "-2 → leaky_relu → -0.2" in str(result)
    assert result.layers[1].kind == "activation"


def test_a_single_layer_can_be_traced():
    layer = gn.Dense(1, use_bias=False, input_dim=1)
    set_values(layer.kernel, 5.0)
    assert "neuron 1: 2·5 = 10" in str(gn.inspect.trace(layer, [2.0], file=None))


def test_refuses_batches_and_bad_settings():
    with pytest.raises(ShapeError, match="one sample, got a batch of 2"):
        gn.inspect.trace(articles_network(), [[1.0, 0.5], [0.0, 1.0]], file=None)
    with pytest.raises(ShapeError, match="expects inputs with 2 features"):
        gn.inspect.trace(articles_network(), [1.0, 0.5, 3.0], file=None)
    with pytest.raises(ConfigError, match="max_neurons"):
        gn.inspect.trace(articles_network(), [1.0, 0.5], max_neurons=-1, file=None)


def test_sequential_subclasses_are_opened_only_with_the_plain_forward():
    gn.seed(6)
    autoencoder = gn.dense_autoencoder(4, 2, (3,))
    x = np.array([0.5, -1.0, 0.25, 2.0])
    result = gn.inspect.trace(autoencoder, x, file=None)
    assert [layer.kind for layer in result.layers] == ["dense"] * 4
    np.testing.assert_array_equal(result.output, autoencoder.predict(x[None])[0])

    class Doubled(gn.Sequential):
        def forward(self, x):
            return super().forward(x) * 2.0

    doubled = Doubled([gn.Dense(2, input_dim=4)])
    result = gn.inspect.trace(doubled, x, file=None)
    assert [layer.kind for layer in result.layers] == ["summary"]
    np.testing.assert_allclose(result.output, doubled.predict(x[None])[0])
