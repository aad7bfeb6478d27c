"""Tests for glassnet/cli/data_options.py: one set of data options for every command."""

from __future__ import annotations

import json

import pytest

from glassnet.cli import build_parser
from tests.cli.conftest import assert_user_error
from tests.pipeline.conftest import penguins, write

READERS = ("train", "compare", "tune", "cluster", "report", "evaluate", "predict")
FLAGS = ("--target", "--task", "--impute", "--na-values", "--drop", "--categorical", "--grayscale")


@pytest.mark.parametrize("command", READERS)
def test_every_command_that_reads_a_table_takes_the_same_data_options(command):
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    flags = {flag for action in commands[command]._actions for flag in action.option_strings}
    assert set(FLAGS) | {"--strict"} <= flags


def test_compare_and_tune_read_gaps_and_categories_like_train(glassnet, tmp_path):
    data = write(penguins(120), tmp_path / "penguins.csv")
    options = ("--target", "species", "--drop", "mass", "--impute", "median")
    refused = glassnet("compare", data, "--target", "species", "--out", tmp_path / "c")
    assert_user_error(refused, "--impute")  # the advice it gives is an option it takes
    compared = glassnet(
        "compare", data, *options, "--folds", "2", "--iterations", "20", "--quiet",
        "--out", tmp_path / "c",
    )  # fmt: skip
    assert compared.code == 0, compared.text
    assert json.loads((tmp_path / "c" / "comparison.json").read_text())["task"] == "classification"
    tuned = glassnet(
        "tune", data, *options, "--trials", "2", "--epochs", "2", "--out", tmp_path / "t"
    )
    assert tuned.code == 0, tuned.text
    best = tmp_path / "t" / "best.json"
    retrained = glassnet(
        "train", data, *options, "--config", best, "--quiet", "--out", tmp_path / "r"
    )
    assert retrained.code == 0, retrained.text
    assert "the same)" in retrained.out  # the retrain reaches the score the search reported
