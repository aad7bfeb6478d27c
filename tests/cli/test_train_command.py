"""Tests for glassnet/cli/train_command.py: ``glassnet train``."""

from __future__ import annotations

import csv
import json

import pytest

import glassnet as gn
from glassnet.nn.activations import ACTIVATIONS
from glassnet.optim import OPTIMIZERS
from tests.cli.conftest import animals_frame, assert_user_error, snapshot, write_csv


def read_metrics(folder) -> dict:
    return json.loads((folder / "metrics.json").read_text())


# -- the numbers the issue promises, on each bundled set's fixed test split --------------


@pytest.mark.parametrize(
    ("name", "metric", "at_least"),
    [
        ("digits", "accuracy", 0.97),
        ("iris", "accuracy", 0.93),
        ("breast_cancer", "accuracy", 0.96),
        ("diabetes", "r2", 0.40),
    ],
)
def test_default_training_reaches_the_promised_test_metric(
    glassnet, tmp_path, name, metric, at_least
):
    result = glassnet("train", name, "--out", tmp_path / name)
    assert result.code == 0, result.text
    metrics = read_metrics(tmp_path / name)
    assert metrics["test"][metric] >= at_least
    assert f"  {metric:<10} {metrics['test'][metric]:.4f}" in result.out
    assert "test split:" in result.out and "never seen in training" in result.out
    for file in ("model.safetensors", "history.csv", "metrics.json"):
        assert (tmp_path / name / file).is_file()
    if metric == "accuracy":
        for other in ("precision", "recall", "f1"):
            assert f"  {other:<10} " in result.out
        assert "confusion matrix (rows: true class, columns: predicted class)" in result.out
    else:
        assert "confusion matrix" not in result.out
        for other in ("mse", "rmse", "mae"):
            assert f"  {other:<10} " in result.out


def test_binary_report_has_the_tp_fp_fn_tn_line(glassnet, tmp_path):
    result = glassnet("train", "breast_cancer", "--out", tmp_path, "--epochs", "3", "--quiet")
    assert result.code == 0, result.text
    assert "positive class 'benign': TP " in result.out
    for count in ("FP ", "FN ", "TN "):
        assert count in result.out


def test_multiclass_report_has_tp_fp_fn_tn_per_class(glassnet, tmp_path):
    result = glassnet("train", "iris", "--out", tmp_path, "--epochs", "3", "--quiet")
    assert result.code == 0, result.text
    assert "per class, one vs rest:" in result.out
    header, *rows = result.out.split("per class, one vs rest:")[1].splitlines()[1:5]
    assert header.split() == ["TP", "FP", "FN", "TN"]
    counts = rows
    for name, line in zip(("setosa", "versicolor", "virginica"), counts, strict=True):
        assert line.split()[0] == name and len(line.split()) == 5  # name, TP, FP, FN, TN
        assert sum(int(n) for n in line.split()[1:]) == 38  # every test sample counted once


def test_history_csv_has_one_row_per_epoch(glassnet, tmp_path):
    result = glassnet("train", "iris", "--out", tmp_path, "--epochs", "4", "--quiet")
    assert result.code == 0, result.text
    with open(tmp_path / "history.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["epoch"] for row in rows] == ["1", "2", "3", "4"]
    assert {"loss", "accuracy", "val_loss", "val_accuracy", "lr"} <= set(rows[0])
    assert read_metrics(tmp_path)["epochs"] == 4


def test_a_run_to_the_last_epoch_of_the_cosine_schedule_can_be_loaded(glassnet, tmp_path):
    # The cosine schedule reaches 0 after its last epoch; a saved rate of 0 made the
    # model unloadable. The optimizer keeps the (positive) rate of the last epoch.
    result = glassnet("train", "iris", "--out", tmp_path, "--epochs", "5", "--patience", "0")
    assert result.code == 0, result.text
    model = gn.load(tmp_path / "model.safetensors")
    assert model.history.epochs == 5
    assert 0 < model.training_config.optimizer.lr < 0.001
    assert glassnet("evaluate", tmp_path / "model.safetensors", "iris").code == 0


def test_a_set_too_small_to_split_is_learned_whole_and_says_so(glassnet, tmp_path):
    result = glassnet("train", "xor", "--out", tmp_path, "--quiet", "--lr", "0.05")
    assert result.code == 0, result.text
    assert "test split: none" in result.out and "training data" in result.out
    metrics = read_metrics(tmp_path)
    assert metrics["test"] is None and metrics["training"]["accuracy"] == 1.0
    evaluated = glassnet("evaluate", tmp_path / "model.safetensors", "xor")
    assert evaluated.code == 0, evaluated.text
    assert "the 4 rows of 'xor', every one of which the model trained on" in evaluated.out
    assert "accuracy   1.0000" in evaluated.out


def test_evaluate_reads_the_test_split_the_training_held_out(glassnet, tmp_path):
    argv = ("--test-size", "0.5", "--epochs", "2", "--quiet", "--out", tmp_path)
    assert glassnet("train", "iris", *argv).code == 0
    result = glassnet(
        "predict", tmp_path / "model.safetensors", "iris", "--out", tmp_path / "p.csv"
    )
    assert result.code == 0, result.text
    assert "wrote 75 predictions" in result.out


def test_quiet_leaves_out_the_model_summary(glassnet, tmp_path):
    loud = glassnet("train", "iris", "--out", tmp_path / "a", "--epochs", "2")
    quiet = glassnet("train", "iris", "--out", tmp_path / "b", "--epochs", "2", "--quiet")
    assert loud.code == quiet.code == 0
    assert "Total parameters" in loud.out and "Total parameters" not in quiet.out


# -- options a user can get wrong ----------------------------------------------------------


def test_unknown_activation_lists_the_valid_ones(glassnet, tmp_path):
    result = glassnet("train", "iris", "--activation", "relux", "--out", tmp_path)
    assert_user_error(result, "'relux'", *ACTIVATIONS.names())


def test_unknown_optimizer_lists_the_valid_ones(glassnet, tmp_path):
    result = glassnet("train", "iris", "--optimizer", "adamm", "--out", tmp_path)
    assert_user_error(result, "'adamm'", *OPTIMIZERS.names())


@pytest.mark.parametrize(
    ("option", "value", "mentions"),
    [
        ("--layers", "64,abc", ("--layers", "'64,abc'")),
        ("--layers", "64,0", ("--layers", "positive")),
        ("--epochs", "-1", ("--epochs", "-1")),
        ("--epochs", "0", ("--epochs", "at least 1")),
        ("--epochs", "many", ("--epochs", "'many'")),
        ("--patience", "-3", ("--patience", "-3")),
        ("--lr", "0", ("--lr", "positive")),
        ("--lr", "-0.1", ("--lr", "positive")),
        ("--lr", "nan", ("--lr", "positive")),
        ("--batch-size", "0", ("--batch-size", "positive")),
        ("--dropout", "1", ("--dropout",)),
        ("--test-size", "1.5", ("--test-size",)),
    ],
)
def test_a_bad_option_value_is_refused_before_training(glassnet, tmp_path, option, value, mentions):
    result = glassnet("train", "iris", option, value, "--out", tmp_path / "run")
    assert_user_error(result, *mentions)
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["--lr", "fast"],
        ["--batch-size", "big"],
        ["--task", "clustering"],
        ["--impute", "zero"],
        ["--schedule", "linear"],
    ],
)
def test_argparse_refuses_malformed_options_with_exit_code_2(glassnet, tmp_path, capsys, argv):
    with pytest.raises(SystemExit) as stopped:
        glassnet("train", "iris", *argv, "--out", tmp_path)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "usage: glassnet train" in err and argv[0] in err and "Traceback" not in err


# -- a failed run leaves the previous run's files alone ------------------------------------


@pytest.fixture
def previous_run(tmp_path):
    """An --out folder holding the files of an earlier run."""
    folder = tmp_path / "run"
    folder.mkdir()
    files = []
    for name in ("model.safetensors", "history.csv", "metrics.json"):
        (folder / name).write_bytes(f"earlier {name}".encode())
        files.append(folder / name)
    return folder, snapshot(*files)


@pytest.mark.parametrize(
    "argv",
    [
        ["iris", "--activation", "nope"],
        ["iris", "--layers", "64,abc"],
        ["missing.csv", "--target", "y"],
        ["mnist"],
    ],
)
def test_a_refused_run_leaves_the_out_folder_alone(glassnet, previous_run, argv):
    folder, before = previous_run
    assert glassnet("train", *argv, "--out", folder).code == 2
    assert snapshot(*before) == before


def test_a_diverging_run_says_so_and_keeps_the_earlier_history(glassnet, previous_run):
    folder, before = previous_run
    result = glassnet("train", "diabetes", "--optimizer", "sgd", "--lr", "1e6", "--out", folder)
    assert_user_error(result, "learning rate")
    assert snapshot(*before) == before


def test_out_that_is_a_file_is_refused_before_training(glassnet, tmp_path):
    existing = tmp_path / "notes.txt"
    existing.write_text("mine")
    before = snapshot(existing)
    assert_user_error(glassnet("train", "iris", "--out", existing), "'" + str(existing) + "'")
    assert_user_error(glassnet("train", "iris", "--out", existing / "run"), "inside the file")
    assert snapshot(existing) == before


def test_a_table_needs_a_target_column(glassnet, tmp_path):
    data = write_csv(animals_frame(20), tmp_path / "animals.csv")
    assert_user_error(glassnet("train", data, "--out", tmp_path / "run"), "--target", "animals.csv")


@pytest.mark.slow
def test_the_default_cnn_beats_the_default_mlp_on_the_digits_split(glassnet, tmp_path):
    """The README's two digits rows (about 20 s): ``pytest -m slow`` runs it."""
    scores = {}
    for model in ("mlp", "cnn"):
        out = tmp_path / model
        result = glassnet("train", "digits", "--model", model, "--quiet", "--out", out)
        assert result.code == 0, result.text
        scores[model] = json.loads((out / "metrics.json").read_text())["test"]["accuracy"]
    assert scores["cnn"] >= 0.98
    assert scores["cnn"] > scores["mlp"] >= 0.97
