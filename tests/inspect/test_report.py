"""The report from Python: ``build_report`` and ``write_report``."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, DataError
from glassnet.inspect.report import build_report, read_comparison, read_history_csv, write_report


@pytest.fixture(scope="module")
def classifier():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(90, 3))
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    gn.seed(1)
    model = gn.Sequential([gn.Dense(5, activation="relu"), gn.Dense(2)]).compile(
        "adam", "categorical_crossentropy", ["accuracy"], lr=0.05
    )
    history = model.fit(x, y, epochs=6, validation_split=0.2, verbose=0)
    return model, history, x, y


def test_every_section_with_names_and_a_history(classifier, tmp_path):
    model, history, x, y = classifier
    path = write_report(
        tmp_path / "r.html",
        model,
        x,
        y,
        history=history,
        feature_names=["size", "age", "noise"],
        class_names=["no", "yes"],
    )
    page = path.read_text(encoding="utf-8")
    assert page.count("<section") == 6  # no comparison given
    assert page.count("data:image/png;base64,") == 3
    assert "<td>accuracy</td>" in page
    assert "<td>yes</td>" in page  # TP/FP/FN/TN rows are named by class
    assert "size" in page and "noise" in page


def test_chosen_sections_only(classifier):
    model, _, x, y = classifier
    page = build_report(model, x, y, sections=["metrics"], metrics={"accuracy": 0.5})
    assert page.count("<section") == 1
    assert "<td>accuracy</td><td>0.5000</td>" in page


def test_names_are_escaped(classifier):
    model, _, x, y = classifier
    page = build_report(model, x, y, sections=["metrics"], class_names=["<i>a</i>", "b&c"])
    assert "&lt;i&gt;a&lt;/i&gt;" in page and "b&amp;c" in page and "<i>a</i>" not in page


def test_mistakes_are_refused(classifier, tmp_path):
    model, _, x, y = classifier
    with pytest.raises(ConfigError, match="unknown report sections"):
        build_report(model, x, y, sections=["pictures"])
    with pytest.raises(DataError, match="samples"):
        build_report(model, x, y[:-1])
    with pytest.raises(ConfigError, match=r"\.html"):
        write_report(tmp_path / "r.pdf", model, x, y)


def test_run_folder_files(tmp_path):
    assert read_history_csv(tmp_path) is None and read_comparison(tmp_path) is None
    (tmp_path / "history.csv").write_text("epoch,loss,val_loss\n1,0.5,0.6\n2,0.4,0.5\n")
    assert read_history_csv(tmp_path) == {"loss": [0.5, 0.4], "val_loss": [0.6, 0.5]}
    (tmp_path / "comparison.json").write_text("{not json")
    with pytest.raises(DataError, match=r"comparison\.json"):
        read_comparison(tmp_path)


def test_a_two_input_model_gets_its_decision_boundary(classifier):
    model, _, x, y = classifier
    three = build_report(model, x, y, sections=["network"])
    assert "Where it draws the line" not in three
    gn.seed(2)
    two = gn.Sequential([gn.Dense(4, activation="tanh"), gn.Dense(2)]).compile(
        "adam", "categorical_crossentropy"
    )
    two.fit(x[:, :2], y, epochs=2, verbose=0)
    page = build_report(two, x[:, :2], y, sections=["network"], feature_names=["a", "b"])
    assert "<h2>Where it draws the line</h2>" in page
    assert page.count("data:image/png;base64,") == 2
