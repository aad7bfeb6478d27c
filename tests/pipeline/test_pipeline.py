"""Tests for glassnet/pipeline/pipeline.py: the saved pipeline a user loads and predicts with.

Each test reproduces a bullet of the trust problem the pipeline answers: a score on
training rows, a reloaded model skipping its scaling, a silent unseen category, an
image folder matched by position, a calibration file that overlaps training.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import glassnet as gn
from tests.cli.conftest import assert_user_error, snapshot
from tests.cli.test_image_folders import write_halves
from tests.pipeline.conftest import penguins, write


def metric(text: str, name: str) -> float:
    return float(text.split(f"  {name} ")[1].split()[0])


def heading(text: str) -> str:
    """The line that introduces the scores (schema warnings may come before it)."""
    return next(line for line in text.splitlines() if line.startswith("evaluating "))


def test_evaluate_on_the_training_file_scores_the_held_out_test_rows(glassnet, mass_run):
    run, data = mass_run
    printed = json.loads((run / "metrics.json").read_text())["test"]
    result = glassnet("evaluate", run / "model.safetensors", data)
    assert result.code == 0, result.text
    first = heading(result.out)
    # The same line says which rows are scored.
    assert "the 60 test rows of 'penguins.csv' held out at training" in first
    for name in ("rmse", "r2"):
        assert metric(result.out, name) == pytest.approx(printed[name], abs=1e-4)


def test_evaluate_on_other_data_says_new_data_and_counts_training_rows(
    glassnet, mass_run, tmp_path
):
    run, data = mass_run
    copied = write(pd.read_csv(data).head(50), tmp_path / "some.csv")
    result = glassnet("evaluate", run / "model.safetensors", copied)
    assert result.code == 0, result.text
    first = heading(result.out)
    pipeline = gn.load(run / "model.safetensors")
    trained = set(pipeline.record.parts["train"].tolist())
    overlap = sum(row in trained for row in range(50))
    assert f"new data, 50 rows, {overlap} of them identical to rows the model trained on" in first
    fresh = write(penguins(30, seed=9), tmp_path / "fresh.csv")
    again = glassnet("evaluate", run / "model.safetensors", fresh)
    assert heading(again.out).endswith("on new data, 30 rows:")


def test_report_scores_the_same_held_out_rows(glassnet, species_run, tmp_path):
    run, data = species_run
    printed = json.loads((run / "metrics.json").read_text())["test"]
    result = glassnet("report", run / "model.safetensors", data, "--out", tmp_path / "r.html")
    assert result.code == 0, result.text
    assert "scored on the 60 test rows of 'penguins.csv' held out at training" in result.out
    page = (tmp_path / "r.html").read_text()
    assert f"<td>accuracy</td><td>{printed['accuracy']:.4f}</td>" in page


def test_load_predict_on_a_frame_equals_glassnet_predict(glassnet, mass_run, tmp_path):
    run, _ = mass_run
    new = penguins(25, seed=3).drop(columns=["mass", "species"])
    path = write(new, tmp_path / "new.csv")
    assert (
        glassnet("predict", run / "model.safetensors", path, "--out", tmp_path / "p.csv").code == 0
    )
    written = pd.read_csv(tmp_path / "p.csv")["prediction"].to_numpy()
    pipeline = gn.load(run / "model.safetensors")
    assert isinstance(pipeline, gn.Pipeline)
    from_frame = pipeline.predict(new)
    np.testing.assert_allclose(from_frame, written, rtol=1e-6)
    # In grams, not in z-scores: the target's own units.
    assert 2000 < from_frame.mean() < 5000
    np.testing.assert_allclose(pipeline.predict(path), from_frame, rtol=1e-6)
    rows = new.to_numpy(dtype=object).tolist()  # raw rows in the training file's column order
    np.testing.assert_allclose(pipeline.predict(rows), from_frame, rtol=1e-6)
    assert pipeline.network is not pipeline and isinstance(pipeline.network, gn.Module)


def test_a_classifier_pipeline_returns_class_names_and_probabilities(
    glassnet, species_run, tmp_path
):
    run, _ = species_run
    new = penguins(20, seed=4).drop(columns=["mass", "species"])
    path = write(new, tmp_path / "new.csv")
    assert (
        glassnet("predict", run / "model.safetensors", path, "--out", tmp_path / "p.csv").code == 0
    )
    written = pd.read_csv(tmp_path / "p.csv")
    pipeline = gn.load(run / "model.safetensors")
    labels = pipeline.predict(new)
    assert list(labels) == list(written["prediction"])
    probabilities = pipeline.predict_proba(new)
    assert probabilities.shape == (20, 3)
    columns = [f"p({name})" for name in pipeline.classes]
    np.testing.assert_allclose(probabilities, written[columns].to_numpy(), rtol=1e-5, atol=1e-7)


def test_an_unseen_category_is_reported_with_its_count(glassnet, species_run, tmp_path):
    run, _ = species_run
    new = penguins(20, seed=5).drop(columns=["mass", "species"])
    new.loc[[0, 3, 7], "island"] = "Atlantis"
    path = write(new, tmp_path / "new.csv")
    result = glassnet("predict", run / "model.safetensors", path, "--out", tmp_path / "p.csv")
    assert result.code == 0, result.text
    assert (
        "column 'island' has 3 rows with a category never seen in training ('Atlantis')"
        in result.out
    )
    pipeline = gn.load(run / "model.safetensors")
    with pytest.warns(gn.SchemaWarning, match="3 rows with a category never seen"):
        pipeline.predict(new)
    with pytest.raises(gn.DataError, match="--strict"):
        pipeline.predict(new, strict=True)


def test_values_far_outside_the_training_range_are_reported(glassnet, mass_run, tmp_path):
    run, _ = mass_run
    new = penguins(10, seed=6).drop(columns=["mass"])
    new.loc[[1, 2], "flipper"] = 900
    path = write(new, tmp_path / "new.csv")
    result = glassnet("predict", run / "model.safetensors", path, "--out", tmp_path / "p.csv")
    assert result.code == 0, result.text
    assert "column 'flipper' has 2 rows outside the training range" in result.out


def test_extra_and_reordered_columns_are_matched_by_name_with_a_warning(
    glassnet, mass_run, tmp_path
):
    run, _ = mass_run
    new = penguins(10, seed=7).drop(columns=["mass", "species"])
    reordered = new[["flipper", "island", "bill"]].assign(note="x")
    path = write(reordered, tmp_path / "new.csv")
    result = glassnet("predict", run / "model.safetensors", path, "--out", tmp_path / "p.csv")
    assert result.code == 0, result.text
    assert "column(s) 'note' were not in the training data; ignored" in result.out
    assert "another order than in training; matched by name" in result.out
    pipeline = gn.load(run / "model.safetensors")
    with pytest.warns(gn.SchemaWarning):
        np.testing.assert_allclose(pipeline.predict(reordered), pipeline.predict(new), rtol=1e-6)


def test_user_mistakes_end_with_one_message_and_leave_files_alone(glassnet, mass_run, tmp_path):
    run, data = mass_run
    model = run / "model.safetensors"
    out = write(pd.DataFrame({"keep": [1]}), tmp_path / "out.csv")
    before = snapshot(model, out, data)
    missing = write(penguins(10, seed=8).drop(columns=["bill", "mass"]), tmp_path / "m.csv")
    assert_user_error(glassnet("predict", model, missing, "--out", out), "'bill'")
    unseen = penguins(10, seed=8).drop(columns=["mass"])
    unseen.loc[0, "island"] = "Atlantis"
    strict = write(unseen, tmp_path / "s.csv")
    assert_user_error(glassnet("predict", model, strict, "--out", out, "--strict"), "Atlantis")
    overlapping = write(pd.read_csv(data).head(40), tmp_path / "cal.csv")
    args = ("predict", model, strict, "--out", out, "--confidence", "0.9")
    assert_user_error(glassnet(*args, "--calibration", overlapping), "identical to rows")
    assert_user_error(glassnet(*args, "--calibration", data), "the file the model was trained on")
    changed = glassnet("evaluate", model, data, "--impute", "mean")
    assert_user_error(changed, "--impute", "median")
    assert snapshot(model, out, data) == before


def test_confidence_needs_no_file_after_a_calibration_split(glassnet, mass_run, tmp_path):
    run, data = mass_run
    new = write(penguins(40, seed=10), tmp_path / "new.csv")
    result = glassnet(
        "predict",
        run / "model.safetensors",
        new,
        "--out",
        tmp_path / "p.csv",
        "--confidence",
        "0.9",
    )
    assert result.code == 0, result.text
    assert "calibrated on 18 rows of 'penguins.csv' kept aside at training" in result.out
    frame = pd.read_csv(tmp_path / "p.csv")
    assert list(frame.columns) == ["prediction", "lower", "upper"]
    # On the training file: the split column says which rows were learned, and the
    # coverage is measured on the held-out test rows only.
    own = glassnet(
        "predict",
        run / "model.safetensors",
        data,
        "--out",
        tmp_path / "q.csv",
        "--confidence",
        "0.9",
    )
    assert own.code == 0, own.text
    assert "coverage on the 60 test rows of 'penguins.csv' held out at training" in own.out
    parts = pd.read_csv(tmp_path / "q.csv")["split"].value_counts().to_dict()
    assert parts == {"train": 145, "test": 60, "validation": 17, "calibration": 18}


def test_an_image_model_matches_class_folders_by_name(glassnet, tmp_path):
    images = tmp_path / "halves"
    write_halves(images)
    out = tmp_path / "run"
    assert glassnet("train", images, "--out", out, "--quiet", "--epochs", "30").code == 0
    # A folder holding only the "top" class: by position it would be class 0 ("bottom").
    only_top = tmp_path / "only_top"
    write_halves(only_top, seed=3)
    for picture in (only_top / "bottom").iterdir():
        picture.unlink()
    (only_top / "bottom").rmdir()
    result = glassnet("evaluate", out / "model.safetensors", only_top)
    assert result.code == 0, result.text
    assert "accuracy   1.0000" in result.out
    matrix = result.out.split("confusion matrix")[1]
    assert "top" in matrix and "   12" in matrix  # all 12 in the 'top' row and column
    stranger = tmp_path / "stranger"
    write_halves(stranger, seed=4)
    (stranger / "bottom").rename(stranger / "left")
    assert_user_error(glassnet("evaluate", out / "model.safetensors", stranger), "left")


def test_the_cli_round_trip_as_a_subprocess(tmp_path):
    data = write(penguins(), tmp_path / "penguins.csv")
    new = penguins(8, seed=11).drop(columns=["mass", "species"])
    write(new, tmp_path / "new.csv")

    def glassnet(*argv):
        return subprocess.run(
            [sys.executable, "-m", "glassnet", *map(str, argv)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )

    trained = glassnet(
        "train", data, "--target", "mass", "--drop", "species", "--impute", "median",
        "--epochs", "5", "--quiet", "--out", "run",
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    predicted = glassnet("predict", "run/model.safetensors", "new.csv", "--out", "p.csv")
    assert predicted.returncode == 0, predicted.stderr
    written = pd.read_csv(tmp_path / "p.csv")["prediction"].to_numpy()
    np.testing.assert_allclose(
        gn.load(tmp_path / "run/model.safetensors").predict(new), written, rtol=1e-6
    )
    missing = glassnet(
        "predict", "run/model.safetensors", data, "--out", "p.csv", "--target", "bill"
    )
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_the_library_never_imports_the_command_line():
    from pathlib import Path

    root = Path(gn.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if path.parent.name != "cli" and "cli" not in path.relative_to(root).parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "glassnet.cli" in line or "from glassnet import cli" in line
    ]
    assert offenders == []
