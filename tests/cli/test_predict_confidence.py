"""Tests for ``glassnet predict --confidence`` (glassnet/cli/use_commands.py, glassnet/cli/confidence.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import glassnet as gn
from glassnet import data
from glassnet.cli import confidence, main
from glassnet.data import scaler_from_state
from tests.cli.conftest import animals_frame, assert_user_error, prices_frame, snapshot, write_csv


@pytest.fixture(scope="module")
def diabetes_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("diabetes")
    argv = ["train", "diabetes", "--epochs", "40", "--quiet", "--out", str(folder / "run")]
    assert main(argv) == 0
    return folder / "run" / "model.safetensors"


@pytest.fixture(scope="module")
def digits_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("digits")
    argv = ["train", "digits", "--epochs", "8", "--quiet", "--out", str(folder / "run")]
    assert main(argv) == 0
    return folder / "run" / "model.safetensors"


def test_regression_intervals_next_to_each_prediction(glassnet, diabetes_model, tmp_path):
    out = tmp_path / "predictions.csv"
    result = glassnet("predict", diabetes_model, "diabetes", "--out", out, "--confidence", "0.9")
    assert result.code == 0, result.text
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["prediction", "lower", "upper"]
    assert len(frame) == 111  # the fixed test split
    assert (frame["lower"] < frame["prediction"]).all() and (
        frame["prediction"] < frame["upper"]
    ).all()
    widths = (frame["upper"] - frame["lower"]).round(3)
    assert widths.nunique() == 1  # split conformal: one quantile of the residuals for all
    # The calibration samples: the training split's last tenth, which training held out.
    assert "calibrated on 34 samples of the training run's validation split" in result.out
    _, _, _, y_test = data.load("diabetes").split()
    inside = ((frame["lower"] <= y_test) & (y_test <= frame["upper"])).mean()
    assert f"coverage on diabetes: {inside:.1%}" in result.out
    assert "(nominal 90%)" in result.out


def test_higher_confidence_widens_the_intervals(glassnet, diabetes_model, tmp_path):
    widths = []
    for level in ("0.5", "0.8", "0.95"):
        out = tmp_path / f"p{level}.csv"
        assert (
            glassnet(
                "predict", diabetes_model, "diabetes", "--out", out, "--confidence", level
            ).code
            == 0
        )
        frame = pd.read_csv(out)
        widths.append(float((frame["upper"] - frame["lower"]).mean()))
    assert widths[0] < widths[1] < widths[2]


def test_classification_sets_next_to_each_prediction(glassnet, digits_model, tmp_path):
    out = tmp_path / "digits.csv"
    result = glassnet("predict", digits_model, "digits", "--out", out, "--confidence", "0.95")
    assert result.code == 0, result.text
    frame = pd.read_csv(out, dtype={"set": str}, keep_default_na=False)
    assert list(frame.columns[:3]) == ["prediction", "set", "p(0)"]
    sets = [text.split("|") if text else [] for text in frame["set"]]
    assert all(set(members) <= {str(d) for d in range(10)} for members in sets)
    # A set holds every class at least as probable as the least probable member.
    probabilities = frame[[f"p({d})" for d in range(10)]].to_numpy()
    for row, members in zip(probabilities, sets, strict=True):
        if members:
            floor = min(row[int(m)] for m in members)
            assert sorted(members, key=int) == [str(d) for d in range(10) if row[d] >= floor]
    _, _, _, y_test = data.load("digits").split()
    covered = np.mean([str(label) in members for label, members in zip(y_test, sets, strict=True)])
    assert f"coverage on digits: {covered:.1%}" in result.out
    assert "calibrated on 135 samples" in result.out


def test_a_model_trained_on_a_file_calibrates_on_calibration_data(glassnet, prices_model, tmp_path):
    model, _ = prices_model
    fresh = write_csv(prices_frame(80, seed=5), tmp_path / "calibration.csv")
    new = write_csv(prices_frame(30, seed=6).drop(columns="price"), tmp_path / "new.csv")
    out = tmp_path / "out.csv"
    args = ("predict", model, new, "--out", out, "--confidence", "0.8")
    assert_user_error(glassnet(*args), "--calibration DATA")
    result = glassnet(*args, "--calibration", fresh)
    assert result.code == 0, result.text
    assert f"calibrated on 80 samples of '{fresh}'" in result.out
    assert "coverage" not in result.out  # the new rows have no price to compare with
    assert list(pd.read_csv(out).columns) == ["prediction", "lower", "upper"]


def test_a_classifier_on_a_file_gives_sets_by_class_name(glassnet, animals_model, tmp_path):
    model, _ = animals_model
    calibration = write_csv(animals_frame(60, seed=7), tmp_path / "cal.csv")
    new = write_csv(animals_frame(40, seed=8), tmp_path / "new.csv")
    out = tmp_path / "out.csv"
    result = glassnet(
        "predict", model, new, "--out", out, "--confidence", "0.9", "--calibration", calibration
    )
    assert result.code == 0, result.text
    frame = pd.read_csv(out, keep_default_na=False)
    assert all(set(text.split("|")) <= {"bird", "cat", "dog"} for text in frame["set"] if text)
    assert "coverage on" in result.out  # the new rows carry the animal column


@pytest.mark.parametrize("level", ["0", "1", "1.5", "-0.2", "nan"])
def test_a_confidence_outside_0_1_is_a_usage_error(glassnet, diabetes_model, tmp_path, level):
    out = write_csv(pd.DataFrame({"a": [1]}), tmp_path / "keep.csv")
    before = snapshot(out)
    result = glassnet("predict", diabetes_model, "diabetes", "--out", out, "--confidence", level)
    assert_user_error(result, "strictly between 0 and 1")
    assert snapshot(out) == before


def test_text_for_the_confidence_is_refused_by_the_parser(diabetes_model, tmp_path):
    with pytest.raises(SystemExit) as stopped:
        main(
            [
                "predict",
                str(diabetes_model),
                "diabetes",
                "--out",
                str(tmp_path / "x.csv"),
                "--confidence",
                "high",
            ]
        )
    assert stopped.value.code == 2


def test_calibration_mistakes_are_usage_errors(glassnet, diabetes_model, prices_model, tmp_path):
    out = tmp_path / "out.csv"
    result = glassnet("predict", diabetes_model, "diabetes", "--out", out, "--calibration", "x.csv")
    assert_user_error(result, "--calibration is for --confidence")
    result = glassnet(
        "predict",
        diabetes_model,
        "diabetes",
        "--out",
        out,
        "--confidence",
        "0.9",
        "--calibration",
        "diabetes",
    )
    assert_user_error(result, "bundled data set 'diabetes'", "validation split")
    # 34 calibration samples cannot give 99 %: at least 99 are needed.
    result = glassnet("predict", diabetes_model, "diabetes", "--out", out, "--confidence", "0.99")
    assert_user_error(
        result, "34 calibration samples are too few", f"at least {math.ceil(0.99 / 0.01)}"
    )
    model, _ = prices_model
    unlabelled = write_csv(prices_frame(40, seed=3).drop(columns="price"), tmp_path / "u.csv")
    result = glassnet(
        "predict",
        model,
        unlabelled,
        "--out",
        out,
        "--confidence",
        "0.5",
        "--calibration",
        unlabelled,
    )
    assert_user_error(result, "'price'")
    assert not out.exists()


def test_the_calibration_split_is_the_one_training_held_out_for_validation(diabetes_model):
    """The validation loss training logged is the loss on the recorded validation rows,
    and those rows are what --confidence calibrates on."""
    pipeline = gn.load(diabetes_model)
    rows = pipeline.record.parts["validation"]
    dataset = data.load("diabetes")
    x = pipeline.read_arrays(dataset.x[rows])
    scaled = scaler_from_state(pipeline.preprocessing["target_scaler"]).transform(
        dataset.y[rows].reshape(-1, 1)
    )
    loss = float(np.mean((pipeline.network.predict(x) - scaled) ** 2))
    history = pd.read_csv(diabetes_model.parent / "history.csv")
    assert loss == pytest.approx(history["val_loss"].iloc[-1], rel=1e-4)
    calibration = confidence.calibration(pipeline, None, str(diabetes_model))
    assert len(calibration.scores) == len(rows) == 34
    residuals = np.abs(pipeline.values(x).reshape(-1) - dataset.y[rows])
    np.testing.assert_allclose(np.sort(calibration.scores), np.sort(residuals), rtol=1e-5)
