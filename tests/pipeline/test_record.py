"""Tests for glassnet/pipeline/record.py and fingerprint.py: which rows of which data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glassnet.errors import DataError
from glassnet.pipeline.fingerprint import file_fingerprint, row_hashes
from glassnet.pipeline.record import SplitRecord


def record(**parts):
    defaults = {"train": [0, 1, 2], "validation": [3], "calibration": [], "test": [4, 5]}
    defaults.update(parts)
    arrays = {key: np.asarray(value, dtype=np.int64) for key, value in defaults.items()}
    return SplitRecord("sha256:00", "data.csv", 6, arrays, np.array([7, 8], np.uint64))


def test_a_record_round_trips_through_its_document_and_tensors():
    saved = record()
    loaded = SplitRecord.from_file(saved.to_document(), saved.tensors(), "m")
    assert loaded.to_document() == saved.to_document()
    assert loaded.split_column().tolist() == ["train"] * 3 + ["validation"] + ["test"] * 2
    assert loaded.overlap(np.array([8, 9], np.uint64)) == 1


@pytest.mark.parametrize(
    ("parts", "message"),
    [({"test": [4, 9]}, "outside the 6 rows"), ({"test": [2, 5]}, "in two parts"),
     ({"test": [-1]}, "outside")],
)  # fmt: skip
def test_a_crafted_record_is_refused(parts, message):
    crafted = record(**parts)
    with pytest.raises(DataError, match=message):
        SplitRecord.from_file(crafted.to_document(), crafted.tensors(), "m")


def test_a_record_with_the_wrong_types_is_refused():
    saved = record()
    tensors = saved.tensors()
    tensors["pipeline/split/test"] = tensors["pipeline/split/test"].astype(np.float32)
    with pytest.raises(DataError, match="float32"):
        SplitRecord.from_file(saved.to_document(), tensors, "m")
    with pytest.raises(DataError, match="impossible number of rows"):
        SplitRecord.from_file({**saved.to_document(), "rows": 1e400}, saved.tensors(), "m")


def test_a_fingerprint_follows_the_content_not_the_path(tmp_path):
    one, two = tmp_path / "a.csv", tmp_path / "b.csv"
    one.write_text("x,y\n1,2\n")
    two.write_text("x,y\n1,2\n")
    assert file_fingerprint(one) == file_fingerprint(two)
    two.write_text("x,y\n1,3\n")
    assert file_fingerprint(one) != file_fingerprint(two)


def test_row_hashes_see_equal_values_whatever_their_dtype():
    ints = pd.DataFrame({"x": [1, 2], "c": ["u", "v"]})
    floats = pd.DataFrame({"c": ["v", "w"], "x": [2.0, np.nan]})
    assert row_hashes(ints, ["x", "c"])[1] == row_hashes(floats, ["x", "c"])[0]
