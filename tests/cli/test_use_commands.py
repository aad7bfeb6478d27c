"""Tests for glassnet/cli/use_commands.py: ``glassnet evaluate`` and ``glassnet predict``."""

from __future__ import annotations

import errno
import pickle

import numpy as np
import pandas as pd
import pytest

from tests.cli.conftest import (
    ANIMALS,
    animals_frame,
    assert_user_error,
    prices_frame,
    snapshot,
    write_csv,
)

# -- a CSV round trip: train (conftest), evaluate, predict ---------------------------------


def test_evaluate_a_classifier_on_a_csv(glassnet, animals_model):
    model, data = animals_model
    result = glassnet("evaluate", model, data)
    assert result.code == 0, result.text
    # The file it was trained on: only the rows held out at training are scored.
    assert result.out.startswith(
        f"evaluating {model} on the 38 test rows of 'animals.csv' held out at training"
    )
    accuracy = float(result.out.split("accuracy")[1].split()[0])
    assert accuracy >= 0.9
    assert "confusion matrix" in result.out and "per class, one vs rest" in result.out
    for name in ANIMALS:
        assert name in result.out


def test_evaluate_on_new_rows_encoded_like_the_training_file(glassnet, animals_model, tmp_path):
    model, _ = animals_model
    # Other rows, and the columns in another order: read by name, encoded as in training.
    fresh = animals_frame(60, seed=7)[["animal", "height", "color", "weight"]]
    result = glassnet("evaluate", model, write_csv(fresh, tmp_path / "fresh.csv"))
    assert result.code == 0, result.text
    assert float(result.out.split("accuracy")[1].split()[0]) >= 0.85


@pytest.mark.parametrize("with_target", [True, False])
def test_predict_writes_one_row_per_sample_with_names_and_probabilities(
    glassnet, animals_model, tmp_path, with_target
):
    model, _ = animals_model
    frame = animals_frame(40, seed=3)
    if not with_target:
        frame = frame.drop(columns="animal")
    data = write_csv(frame, tmp_path / "new.csv")
    out = tmp_path / "predictions.csv"
    result = glassnet("predict", model, data, "--out", out)
    assert result.code == 0, result.text
    assert f"wrote 40 predictions to {out}" in result.out
    predictions = pd.read_csv(out)
    assert list(predictions.columns) == ["prediction", *(f"p({name})" for name in ANIMALS)]
    assert len(predictions) == 40
    assert set(predictions["prediction"]) <= set(ANIMALS)
    probabilities = predictions[[f"p({name})" for name in ANIMALS]].to_numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert (probabilities >= 0).all()
    best = np.asarray(ANIMALS)[probabilities.argmax(axis=1)]
    assert (predictions["prediction"].to_numpy() == best).all()
    truth = animals_frame(40, seed=3)["animal"].to_numpy()
    assert (predictions["prediction"].to_numpy() == truth).mean() >= 0.85


def test_regression_round_trip(glassnet, prices_model, tmp_path):
    model, data = prices_model
    evaluated = glassnet("evaluate", model, data)
    assert evaluated.code == 0, evaluated.text
    assert float(evaluated.out.split("r2")[1].split()[0]) >= 0.9
    assert "confusion" not in evaluated.out
    new = prices_frame(25, seed=5)
    out = tmp_path / "prices_predicted.csv"
    data = write_csv(new.drop(columns="price"), tmp_path / "houses.csv")
    result = glassnet("predict", model, data, "--out", out)
    assert result.code == 0, result.text
    predictions = pd.read_csv(out)
    assert list(predictions.columns) == ["prediction"] and len(predictions) == 25
    # In the target's own units (the target scaling is undone), close to the truth.
    error = np.abs(predictions["prediction"].to_numpy() - new["price"].to_numpy())
    assert np.median(error) < 0.1 * new["price"].std()


def test_evaluate_and_predict_a_bundled_model(glassnet, tmp_path):
    assert glassnet("train", "iris", "--epochs", "2", "--quiet", "--out", tmp_path).code == 0
    model = tmp_path / "model.safetensors"
    evaluated = glassnet("evaluate", model, "iris")
    assert evaluated.code == 0, evaluated.text
    assert "the 38 test rows of 'iris' held out at training" in evaluated.out
    assert "confusion matrix" in evaluated.out
    predicted = glassnet("predict", model, "iris", "--out", tmp_path / "p.csv")
    assert predicted.code == 0, predicted.text
    names = pd.read_csv(tmp_path / "p.csv")["prediction"]
    assert len(names) == 38 and set(names) <= {"setosa", "versicolor", "virginica"}


def test_a_bundled_model_refuses_other_data(glassnet, tmp_path, animals_model):
    assert glassnet("train", "iris", "--epochs", "2", "--quiet", "--out", tmp_path).code == 0
    model = tmp_path / "model.safetensors"
    assert_user_error(glassnet("evaluate", model, "wine"), "'iris'", "'wine'")
    _, csv_file = animals_model
    assert_user_error(glassnet("evaluate", model, csv_file), "animals.csv", "'iris'")


# -- bad data for a trained model ----------------------------------------------------------


def test_evaluate_needs_the_target_column(glassnet, animals_model, tmp_path):
    model, _ = animals_model
    data = write_csv(animals_frame(20).drop(columns="animal"), tmp_path / "unlabelled.csv")
    assert_user_error(glassnet("evaluate", model, data), "unlabelled.csv", "'animal'")


def test_evaluate_refuses_a_label_never_seen_in_training(glassnet, animals_model, tmp_path):
    model, _ = animals_model
    frame = animals_frame(20)
    frame.loc[3, "animal"] = "fish"
    data = write_csv(frame, tmp_path / "with_fish.csv")
    assert_user_error(glassnet("evaluate", model, data), "with_fish.csv", "'animal'", "'fish'")


def test_a_file_without_the_training_columns_is_refused(glassnet, animals_model, prices_model):
    model, _ = animals_model
    _, prices_csv = prices_model
    result = glassnet("evaluate", model, prices_csv)
    assert_user_error(result, "prices.csv", "'weight'", "'height'")


@pytest.mark.parametrize("command", ["evaluate", "predict"])
def test_data_that_does_not_exist_is_named(glassnet, animals_model, tmp_path, command):
    model, _ = animals_model
    out = () if command == "evaluate" else ("--out", tmp_path / "p.csv")
    result = glassnet(command, model, tmp_path / "nowhere.csv", *out)
    assert_user_error(result, "nowhere.csv", "not found")
    assert not (tmp_path / "p.csv").exists()


# -- model files that are not glassnet models ----------------------------------------------


def pickle_file(path, model):
    path.write_bytes(pickle.dumps({"weights": [1.0, 2.0]}))


def random_bytes(path, model):
    path.write_bytes(np.random.default_rng(0).bytes(2000))


def truncated_model(path, model):
    whole = model.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])


def empty_file(path, model):
    path.write_bytes(b"")


BROKEN_MODELS = [pickle_file, random_bytes, truncated_model, empty_file]


@pytest.mark.parametrize("make", BROKEN_MODELS)
@pytest.mark.parametrize("command", ["evaluate", "predict", "summary"])
def test_a_file_that_is_not_a_glassnet_model_is_refused(
    glassnet, animals_model, tmp_path, make, command
):
    model, data = animals_model
    broken = tmp_path / "model.safetensors"
    make(broken, model)
    out = tmp_path / "predictions.csv"
    out.write_text("prediction\nkept\n")
    before = snapshot(broken, out)
    argv = {"evaluate": [data], "predict": [data, "--out", out], "summary": []}[command]
    result = glassnet(command, broken, *argv)
    assert_user_error(result, str(broken))
    assert snapshot(broken, out) == before


def test_a_pickle_is_never_unpickled(glassnet, tmp_path, animals_model):
    class Bomb:
        def __reduce__(self):
            return (exec, ("raise SystemExit('unpickled')",))

    path = tmp_path / "model.pt"
    path.write_bytes(pickle.dumps(Bomb()))
    result = glassnet("summary", path)
    assert_user_error(result, "model.pt", "pickle")


def test_a_model_that_does_not_exist_is_named(glassnet, tmp_path, animals_model):
    _, data = animals_model
    assert_user_error(glassnet("evaluate", tmp_path / "gone.safetensors", data), "gone.safetensors")


# -- predict never overwrites what it reads ------------------------------------------------


def test_predict_refuses_to_write_over_its_input(glassnet, animals_model, tmp_path):
    model, _ = animals_model
    data = write_csv(animals_frame(20), tmp_path / "input.csv")
    before = snapshot(data)
    result = glassnet("predict", model, data, "--out", data)
    assert_user_error(result, "input.csv", "input file")
    assert snapshot(data) == before
    # The same file under another spelling of its path.
    result = glassnet("predict", model, data, "--out", tmp_path / "." / "input.csv")
    assert_user_error(result, "input file")
    assert snapshot(data) == before


def test_predict_refuses_to_write_over_the_model(glassnet, animals_model, tmp_path):
    model, data = animals_model
    before = snapshot(model)
    assert_user_error(glassnet("predict", model, data, "--out", model), "model file")
    assert snapshot(model) == before


def test_predict_out_that_is_a_folder(glassnet, animals_model, tmp_path):
    model, data = animals_model
    assert_user_error(glassnet("predict", model, data, "--out", tmp_path), "folder")


def test_a_failed_predict_keeps_the_previous_predictions(glassnet, animals_model, tmp_path):
    model, _ = animals_model
    frame = animals_frame(20)
    frame.loc[2, "color"] = None
    data = write_csv(frame, tmp_path / "gap.csv")
    out = tmp_path / "predictions.csv"
    out.write_text("prediction\nearlier\n")
    before = snapshot(out)
    assert_user_error(glassnet("predict", model, data, "--out", out), "gap.csv", "'color'")
    assert snapshot(out) == before


def test_predict_requires_out(glassnet, animals_model, capsys):
    model, data = animals_model
    with pytest.raises(SystemExit) as stopped:
        glassnet("predict", model, data)
    assert stopped.value.code == 2
    assert "--out" in capsys.readouterr().err


def test_a_file_system_error_is_a_message_not_a_traceback(
    glassnet, animals_model, tmp_path, monkeypatch
):
    def disk_full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("glassnet.cli.use_commands.write_atomic", disk_full)
    model, data = animals_model
    result = glassnet("predict", model, data, "--out", tmp_path / "p.csv")
    assert_user_error(result, "p.csv", "No space left on device")
