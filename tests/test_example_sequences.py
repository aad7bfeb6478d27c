"""Tests for the sequence examples: forecasting sunspots, the character language model,
and classifying masked waves. Fast settings by default; the full scripts under -m slow."""

from __future__ import annotations

import re

import pytest

from tests.test_examples import load_example, run_example


def test_lstm_forecast_beats_the_naive_forecast_on_the_sunspot_tail():
    result = load_example("forecast_sunspots").forecast(units=16, epochs=12, seed=0)
    assert result["test_years"] == 60
    # the naive forecast on the last 60 years is fixed by the data: about 32.9
    assert result["naive_rmse"] == pytest.approx(32.898, abs=0.01)
    assert result["lstm_rmse"] < 0.75 * result["naive_rmse"]


def test_forecast_windows_keep_the_tail_out_of_training():
    module = load_example("forecast_sunspots")
    values = module.load_sunspots()["SUNACTIVITY"].to_numpy()
    x_train, y_train, x_test, y_test = module.chronological_windows(values, 12, 60)
    assert y_test[:, 0].tolist() == values[-60:].tolist()
    assert y_train[-1, 0] == values[-61] and len(x_train) + len(x_test) == len(values) - 12


def test_char_lm_falls_well_below_the_unigram_baseline():
    result = load_example("char_lm").train(
        epochs=3, hidden=48, max_chars=12000, batch_size=8, lr=0.02, verbose=False
    )
    assert result["unigram_loss"] > 3.0  # dozens of characters, far from uniform
    assert result["val_loss"] < result["unigram_loss"] - 0.4


def test_char_lm_text_is_numpys_license():
    text = load_example("char_lm").license_text()
    assert len(text) > 20000 and "Copyright" in text and "NumPy" in text


def test_masked_gru_classifies_waves_and_ignores_padding():
    result = load_example("sequence_classification").run(
        n_train=400, n_test=150, units=16, epochs=6
    )
    assert result["padding_effect"] < 1e-5
    assert result["accuracy"] >= 0.7  # chance is 1/3
    assert result["confusion"].sum() == 150


@pytest.mark.slow
def test_forecast_script_prints_both_rmses(capsys, monkeypatch):
    monkeypatch.setattr("sys.argv", ["forecast_sunspots.py"])
    out = run_example("forecast_sunspots", capsys)
    lstm = float(re.search(r"^LSTM forecast RMSE ([0-9.]+)$", out, re.M).group(1))
    naive = float(re.search(r"^naive \(last value\) RMSE ([0-9.]+)$", out, re.M).group(1))
    assert lstm < 0.7 * naive


@pytest.mark.slow
def test_char_lm_script_prints_losses_and_samples(capsys, monkeypatch):
    monkeypatch.setattr("sys.argv", ["char_lm.py"])
    out = run_example("char_lm", capsys)
    lstm = float(re.search(r"LSTM ([0-9.]+) nats/char", out).group(1))
    unigram = float(re.search(r"unigram baseline ([0-9.]+) nats/char", out).group(1))
    assert lstm < unigram - 1.0
    assert out.count("--- temperature") == 3


@pytest.mark.slow
def test_sequence_classification_script_reaches_high_accuracy(capsys, monkeypatch):
    monkeypatch.setattr("sys.argv", ["sequence_classification.py"])
    out = run_example("sequence_classification", capsys)
    assert float(re.search(r"test accuracy ([0-9.]+)", out).group(1)) >= 0.9
