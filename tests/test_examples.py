"""Tests for the scripts in examples/: each runs as ``python examples/<name>.py`` would, and
reaches the result its docstring promises."""

from __future__ import annotations

import importlib.util
import re
import runpy
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load_example(name: str):
    """Import ``examples/<name>.py`` by path (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        f"glassnet_example_{name}", EXAMPLES / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_example(name: str, capsys) -> str:
    """Run ``examples/<name>.py`` as a script and return what it printed."""
    capsys.readouterr()
    runpy.run_path(str(EXAMPLES / f"{name}.py"), run_name="__main__")
    return capsys.readouterr().out


def test_every_example_is_tested():
    assert sorted(p.stem for p in EXAMPLES.glob("*.py")) == [
        "char_lm",
        "customer_age",
        "evolution_vs_gradient",
        "expression_trees",
        "forecast_sunspots",
        "sequence_classification",
        "seven_segment",
        "two_layer_sigmoid",
        "xor",
    ]


def test_two_layer_sigmoid_reaches_the_article_numbers(capsys):
    out = run_example("two_layer_sigmoid", capsys)
    rows = re.findall(r"^\[([01 ]+)\]\s+([01])\s+([0-9.]+)$", out, flags=re.MULTILINE)
    assert [(inputs, target) for inputs, target, _ in rows] == [
        ("0 0 1", "0"),
        ("0 1 1", "0"),
        ("1 0 1", "1"),
        ("1 1 1", "1"),
    ]
    for _, target, prediction in rows:
        if target == "1":
            assert float(prediction) > 0.99
        else:
            assert float(prediction) < 0.01


def test_two_layer_sigmoid_returns_the_predictions():
    predictions = load_example("two_layer_sigmoid").train(steps=10_000, seed=1)
    assert predictions.shape == (4, 1)
    assert (predictions[2:] > 0.99).all()
    assert (predictions[:2] < 0.01).all()


def test_xor_needs_a_hidden_layer(capsys):
    out = run_example("xor", capsys)
    one_neuron = re.search(r"^one neuron: .*accuracy ([0-9.]+)$", out, flags=re.MULTILINE)
    hidden = re.search(r"^hidden layer of 4: .*accuracy ([0-9.]+)$", out, flags=re.MULTILINE)
    assert one_neuron.group(1) == "0.50"
    assert hidden.group(1) == "1.00"


def test_xor_models_directly():
    xor = load_example("xor")
    data = gn.datasets.load("xor")
    labels = data.y.astype(np.float32)
    assert xor.train(None).evaluate(data.x, labels)["accuracy"] == 0.5
    hidden = xor.train(4)
    assert hidden.evaluate(data.x, labels)["accuracy"] == 1.0
    probabilities = hidden.predict_proba(data.x)[:, 0]
    np.testing.assert_array_equal(probabilities > 0.5, data.y.astype(bool))


def test_seven_segment_recognises_every_digit():
    model = load_example("seven_segment").train(seed=0, epochs=3000)
    digits = gn.datasets.load("seven_segment")
    assert np.mean(model.predict_classes(digits.x) == digits.y) == 1.0


def test_seven_segment_script_prints_full_accuracy(capsys):
    out = run_example("seven_segment", capsys)
    assert out.strip().endswith("accuracy: 100%")
    assert (
        len(re.findall(r"^segments .* digit (\d) → network says \1$", out, flags=re.MULTILINE))
        == 10
    )


def test_customer_age_learns_the_threshold_of_42():
    age = load_example("customer_age").learned_threshold()
    assert age == pytest.approx(42, abs=2)


def test_customer_age_script_prints_the_threshold(capsys):
    out = run_example("customer_age", capsys)
    age = float(re.search(r"from age ([0-9.]+) \(true: 42\)", out).group(1))
    assert abs(age - 42) <= 2


def test_evolution_vs_gradient_prints_the_comparison(capsys):
    out = run_example("evolution_vs_gradient", capsys)
    assert "evolution (raw ages)" in out and "gradient descent (z-scores)" in out
    assert "true threshold: age 42" in out
