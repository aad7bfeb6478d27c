"""Tests for ``glassnet train series.csv --model lstm --window N --target COL``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import glassnet as gn
from glassnet.pipeline import series


@pytest.fixture
def series_csv(tmp_path):
    """A noisy periodic series (period 8) with a date, a year counter and a helper column."""
    rng = np.random.default_rng(0)
    steps = np.arange(160)
    value = 10 + 5 * np.sin(2 * np.pi * steps / 8) + rng.normal(0, 0.2, len(steps))
    frame = pd.DataFrame(
        {
            "date": [f"2020-01-{i % 28 + 1:02d}" for i in steps],
            "year": 1900 + steps,
            "helper": np.cos(2 * np.pi * steps / 8),
            "value": value,
        }
    )
    path = tmp_path / "series.csv"
    frame.to_csv(path, index=False)
    return path


def fast(*extra):
    return ["--epochs", "40", "--lr", "0.01", "--quiet", "--units", "12", *extra]


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_forecast_beats_the_naive_forecast_and_saves_the_run(glassnet, series_csv, tmp_path, kind):
    out = tmp_path / "run"
    result = glassnet(
        "train", series_csv, "--model", kind, "--window", "8", "--target", "value",
        "--out", out, *fast(),
    )  # fmt: skip
    assert result.code == 0, result.text
    metrics = json.loads((out / "metrics.json").read_text())
    test = metrics["test"]
    # A period-8 wave: the last value is a poor guess, the window knows the phase.
    assert test["rmse"] < 0.6 * test["naive_rmse"]
    assert metrics["features"] == ["value", "helper"]  # the year counter is the time axis
    assert "date" in result.out and "year (time index)" in result.out
    assert "beats the naive forecast" in result.out
    assert (out / "model.safetensors").exists() and (out / "history.csv").exists()
    # 160 steps → 152 windows; the tail quarter (38) is the test
    assert metrics["test_windows"] == 38


def test_naive_rmse_is_the_last_value_forecast(glassnet, tmp_path):
    values = np.arange(30.0) ** 1.5
    path = tmp_path / "s.csv"
    pd.DataFrame({"v": values}).to_csv(path, index=False)
    out = tmp_path / "run"
    result = glassnet(
        "train", path, "--model", "rnn", "--window", "4", "--out", out, *fast("--epochs", "2")
    )
    assert result.code == 0, result.text
    metrics = json.loads((out / "metrics.json").read_text())
    # 26 windows, the test is the last ceil(26 / 4) = 7: targets values[23:], last values[22:29]
    expected = np.sqrt(np.mean((values[23:] - values[22:29]) ** 2))
    assert metrics["test"]["naive_rmse"] == pytest.approx(expected)
    assert metrics["target"] == "v"  # the last column by default


def test_the_test_windows_are_the_tail_after_the_training_windows():
    values = np.arange(100.0)[:, None]
    n_train, n_test, x, y = series.split_windows(values, 10, 0.25)
    assert (n_train, n_test) == (67, 23)  # 90 windows, ceil(22.5) for the test
    # the last training target is row n_train + window - 1 = 76, the scalers' last row;
    # the first test target is the row after it
    assert y[n_train - 1, 0] == 76 and x[n_train, -1, 0] == 76 and y[n_train, 0] == 77


def test_a_saved_forecaster_evaluates_and_predicts_through_its_pipeline(
    glassnet, series_csv, tmp_path
):
    out = tmp_path / "run"
    trained = glassnet(
        "train", series_csv, "--model", "lstm", "--window", "8", "--target", "value",
        "--out", out, *fast("--epochs", "3"),
    )  # fmt: skip
    assert trained.code == 0, trained.text
    model = out / "model.safetensors"
    test_rmse = json.loads((out / "metrics.json").read_text())["test"]["rmse"]
    # On the training series: its test tail only, the very RMSE train printed.
    evaluated = glassnet("evaluate", model, series_csv)
    assert evaluated.code == 0, evaluated.text
    assert "the 38 test windows of 'series.csv' held out at training" in evaluated.out
    assert float(evaluated.out.split("rmse")[1].split()[0]) == pytest.approx(test_rmse, abs=1e-4)
    # Another file with the columns in another order is new data, matched by name.
    frame = pd.read_csv(series_csv)
    shuffled = write_frame(
        frame[["value", "helper", "date", "year"]].tail(40), tmp_path / "new.csv"
    )
    again = glassnet("evaluate", model, shuffled)
    assert again.code == 0 and "new data, 32 windows of 8 rows" in again.out
    predicted = glassnet("predict", model, shuffled, "--out", tmp_path / "p.csv")
    assert predicted.code == 0, predicted.text
    forecasts = pd.read_csv(tmp_path / "p.csv")
    assert list(forecasts.columns) == ["row", "prediction"] and len(forecasts) == 33
    # In Python the same numbers, in the target's units.
    python = gn.load(model).predict(frame[["value", "helper", "date", "year"]].tail(40))
    np.testing.assert_allclose(python, forecasts["prediction"], rtol=1e-5)
    refused = glassnet(
        "predict", model, shuffled, "--out", tmp_path / "q.csv", "--confidence", "0.9"
    )
    assert refused.code == 2 and "not available for forecasts" in refused.err


def write_frame(frame: pd.DataFrame, path):
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--window", "8"], "--window is for recurrent models"),
        (["--model", "lstm"], "give their length"),
        (["--model", "lstm", "--window", "160"], "not shorter than the series"),
        (["--model", "lstm", "--window", "0"], "positive"),
        (["--model", "lstm", "--window", "8", "--target", "date"], "must be numeric"),
        (["--model", "lstm", "--window", "8", "--target", "nope"], "no column 'nope'"),
        (["--model", "gru", "--window", "158"], "too few"),
        (["--model", "gru", "--window", "8", "--units", "0"], "--units"),
        (["--model", "gru", "--window", "8", "--resume"], "--resume"),
    ],
)
def test_user_mistakes_end_with_a_message_and_exit_2(
    glassnet, series_csv, tmp_path, options, message
):
    result = glassnet("train", series_csv, *options, "--out", tmp_path / "run", "--quiet")
    assert result.code == 2
    assert message in result.err
    assert not (tmp_path / "run").exists()


def test_missing_values_are_refused_with_their_place(glassnet, tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text("v\n1\n2\nNA\n4\n5\n6\n7\n8\n")
    result = glassnet("train", path, "--model", "lstm", "--window", "2", "--out", tmp_path / "r")
    assert result.code == 2 and "missing" in result.err and "row 3" in result.err


def test_a_bundled_name_is_not_a_series(glassnet, tmp_path):
    result = glassnet("train", "iris", "--model", "lstm", "--window", "3", "--out", tmp_path / "r")
    assert result.code == 2 and "time series" in result.err
