"""``glassnet trace MODEL --input ...``: the worked forward pass and one traced step."""

from __future__ import annotations

import json

import numpy as np

import glassnet as gn
from tests.cli.conftest import assert_user_error, snapshot
from tests.helpers import set_values


def save_single_weight(folder):
    layer = gn.Dense(1, use_bias=False, input_dim=1, name="w")
    set_values(layer.kernel, 5.0)
    model = gn.Sequential([layer], name="single_weight")
    model(gn.Tensor([[2.0]]))
    path = folder / "model.safetensors"
    gn.save_model(model, path)
    return path


def save_articles_neuron(folder):
    # Fixed names: the file's size does not depend on which tests ran before.
    hidden = gn.Dense(1, activation="relu", input_dim=2, name="hidden_neuron_a1")
    set_values(hidden.kernel, [[1.0], [0.5]])
    set_values(hidden.bias, [2.0])
    model = gn.Sequential([hidden], name="articles_network")
    model(gn.Tensor([[1.0, 0.5]]))
    path = folder / "neuron.safetensors"
    gn.save_model(model, path)
    return path


def test_traces_the_articles_neuron(glassnet, tmp_path):
    result = glassnet("trace", save_articles_neuron(tmp_path), "--input", "1,0.5")
    assert result.code == 0, result.text
    assert "neuron 1: 1·1 + 0.5·0.5 + 2 = 3.25 → relu → 3.25" in result.out
    assert "output: [3.25]" in result.out


def test_traces_one_step_without_changing_the_file(glassnet, tmp_path):
    path = save_single_weight(tmp_path)
    before = snapshot(path)
    result = glassnet(
        "trace", tmp_path, "--input", "2", "--target", "6", "--lr", "0.1", "--loss", "quadratic"
    )
    assert result.code == 0, result.text
    assert "∂L/∂w = x1 · δ = 2 · 4 = 8 → 5 - 0.1·8 = 4.2" in result.out
    assert "was not changed" in result.out
    assert snapshot(path) == before
    assert gn.load(path)[0].kernel.data.item() == 5.0


def test_json_output_and_neuron_limit(glassnet, tmp_path):
    gn.seed(0)
    model = gn.Sequential(
        [gn.Dense(9, activation="tanh", input_dim=3, name="a"), gn.Dense(2, name="b")], name="wide"
    )
    model(gn.Tensor(np.zeros((1, 3))))
    gn.save_model(model, tmp_path / "wide.safetensors")
    out = tmp_path / "trace.json"
    result = glassnet(
        "trace", tmp_path / "wide.safetensors", "--input", "0.1, 0.2, 0.3",
        "--max-neurons", "2", "--json", out,
    )  # fmt: skip
    assert result.code == 0, result.text
    assert "… and 7 more neurons" in result.out
    data = json.loads(out.read_text())
    expected = model.predict(np.array([[0.1, 0.2, 0.3]]))[0]
    np.testing.assert_allclose(data["output"], expected, rtol=1e-6)
    assert len(data["layers"][0]["neurons"]) == 2


def test_bad_input_names_the_expected_width(glassnet, tmp_path):
    path = save_articles_neuron(tmp_path)
    assert_user_error(glassnet("trace", path, "--input", "1"), "1 value", "2 comma-separated")
    assert_user_error(glassnet("trace", path, "--input", "1,abc"), "'abc'", "input width")
    assert_user_error(glassnet("trace", path, "--input", "1,2,3"), "3 value", "expected 2")
    assert_user_error(
        glassnet("trace", path, "--input", "1,2", "--target", "1", "--loss", "nope"),
        "unknown loss 'nope'",
    )
    assert_user_error(
        glassnet("trace", path, "--input", "1,2", "--target", "1", "--lr", "-1"), "learning rate"
    )
    assert_user_error(
        glassnet("trace", tmp_path / "missing.safetensors", "--input", "1"), "missing"
    )
    assert_user_error(glassnet("trace", path, "--input", "1,2", "--lr", "0.5"), "give --target")


def test_a_trained_classifier_scales_inputs_and_accepts_a_class_name(glassnet, animals_model):
    model_path, _ = animals_model
    model = gn.load(model_path)
    width = model.input_shape[1]
    values = ",".join(["1"] * width)
    result = glassnet("trace", model_path, "--input", values)
    assert result.code == 0, result.text
    assert "scaled as in training" in result.out
    stepped = glassnet("trace", model_path, "--input", values, "--target", "cat")
    assert stepped.code == 0, stepped.text
    assert "cross-entropy" in stepped.out and "loss after the step" in stepped.out
    wrong = glassnet("trace", model_path, "--input", values, "--target", "fish")
    assert_user_error(wrong, "'fish'", "bird")
    # A pipeline reads raw values in the training file's column order.
    assert_user_error(glassnet("trace", model_path, "--input", "1"), "weight, color, height")
    raw = glassnet("trace", model_path, "--input", "5.5,grey,50")
    assert raw.code == 0, raw.text
    assert "encoded and scaled as in training" in raw.out
