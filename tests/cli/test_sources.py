"""Tests for glassnet/cli/sources.py: what DATA names, and data the CLI refuses clearly."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import data
from tests.cli.conftest import animals_frame, assert_user_error, prices_frame, write_csv


@pytest.fixture
def animals_csv(tmp_path):
    return write_csv(animals_frame(), tmp_path / "animals.csv")


def test_a_missing_target_column_is_named_with_the_columns_there_are(glassnet, animals_csv):
    result = glassnet("train", animals_csv, "--target", "species", "--out", animals_csv.parent)
    assert_user_error(result, "animals.csv", "'species'", "'weight'", "'animal'")


def test_a_text_target_cannot_be_regression(glassnet, animals_csv, tmp_path):
    argv = ("--target", "animal", "--task", "regression", "--out", tmp_path / "run")
    result = glassnet("train", animals_csv, *argv)
    assert_user_error(result, "animals.csv", "'animal'", "regression")


def test_missing_values_are_refused_then_imputed_on_request(glassnet, tmp_path):
    frame = animals_frame()
    frame.loc[[4, 9], "height"] = np.nan
    path = write_csv(frame, tmp_path / "gaps.csv")
    argv = ("--target", "animal", "--epochs", "2", "--quiet", "--out", tmp_path / "run")
    refused = glassnet("train", path, *argv)
    assert_user_error(refused, "gaps.csv", "'height'", "5, 10", "impute")
    assert not (tmp_path / "run").exists()
    imputed = glassnet("train", path, *argv, "--impute", "mean")
    assert imputed.code == 0, imputed.text
    assert (tmp_path / "run" / "model.safetensors").is_file()


def test_an_empty_file_is_refused(glassnet, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = glassnet("train", empty, "--target", "y", "--out", tmp_path / "run")
    assert_user_error(result, "empty.csv", "empty")


def test_a_header_without_rows_is_refused(glassnet, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("a,b,y\n")
    result = glassnet("train", path, "--target", "y", "--out", tmp_path / "run")
    assert_user_error(result, "header.csv", "no data rows")


def test_a_file_that_does_not_exist_is_named(glassnet, tmp_path):
    result = glassnet("train", tmp_path / "nowhere.csv", "--target", "y", "--out", tmp_path)
    assert_user_error(result, "nowhere.csv", "not found")


def test_an_unknown_bundled_name_lists_the_bundled_sets(glassnet, tmp_path):
    result = glassnet("train", "mnist", "--out", tmp_path / "run")
    assert_user_error(result, "'mnist'", *data.names())


def test_a_file_that_is_not_a_table_is_refused(glassnet, tmp_path):
    path = tmp_path / "photo.jpeg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not really")
    result = glassnet("train", path, "--target", "y", "--out", tmp_path / "run")
    assert_user_error(result, "photo.jpeg")


def test_binary_bytes_in_a_csv_are_refused(glassnet, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(np.random.default_rng(0).bytes(300))
    result = glassnet("train", path, "--target", "y", "--out", tmp_path / "run")
    assert_user_error(result, "binary.csv")


def test_a_regression_csv_trains_and_reports_r2(glassnet, tmp_path):
    path = write_csv(prices_frame(), tmp_path / "prices.csv")
    argv = ("--target", "price", "--epochs", "150", "--quiet", "--out", tmp_path / "run")
    result = glassnet("train", path, *argv)
    assert result.code == 0, result.text
    assert result.out.startswith(
        "\nregression: trained on 81 samples (9 for validation kept aside)"
    )
    assert "  r2 " in result.out and "confusion" not in result.out
