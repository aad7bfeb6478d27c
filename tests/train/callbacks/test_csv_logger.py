"""Tests for CSVLogger: a header and one row per epoch, matching the history."""

from __future__ import annotations

import csv

import pytest

from glassnet.train.callbacks import CSVLogger
from tests.train._models import blobs, classifier


def read_rows(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_one_row_per_epoch_under_a_header(tmp_path):
    x, y = blobs(n=20)
    path = tmp_path / "logs" / "training.csv"  # the folder does not exist yet
    history = classifier().fit(
        x, y, epochs=4, batch_size=8, validation_split=0.25, verbose=0, callbacks=[CSVLogger(path)]
    )
    rows = read_rows(path)
    assert rows[0] == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr"]
    assert len(rows) == 1 + 4
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4"]
    for column, key in enumerate(rows[0][1:], start=1):
        written = [float(row[column]) for row in rows[1:]]
        assert written == pytest.approx(history[key], rel=1e-12)


def test_a_new_run_starts_a_new_file(tmp_path):
    x, y = blobs(n=8)
    path = tmp_path / "training.csv"
    path.write_text("old,content\n1,2\n")
    model = classifier()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[CSVLogger(path)])
    model.fit(x, y, epochs=3, verbose=0, callbacks=[CSVLogger(path)])
    rows = read_rows(path)
    assert rows[0][0] == "epoch"
    assert [row[0] for row in rows[1:]] == ["3", "4", "5"]  # the model's epochs 3 to 5


def test_append_adds_rows_without_a_second_header(tmp_path):
    x, y = blobs(n=8)
    path = tmp_path / "training.csv"
    model = classifier()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[CSVLogger(path)])
    model.fit(x, y, epochs=3, verbose=0, callbacks=[CSVLogger(path, append=True)])
    rows = read_rows(path)
    assert [row[0] for row in rows] == ["epoch", "1", "2", "3", "4", "5"]
    assert len({len(row) for row in rows}) == 1


def test_append_to_a_missing_file_writes_the_header(tmp_path):
    x, y = blobs(n=8)
    path = tmp_path / "training.csv"
    classifier().fit(x, y, epochs=1, verbose=0, callbacks=[CSVLogger(path, append=True)])
    assert read_rows(path)[0] == ["epoch", "loss", "accuracy", "lr"]
