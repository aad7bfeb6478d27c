"""Tests for glassnet/pipeline/schema.py: the rules new data is checked by."""

from __future__ import annotations

import pandas as pd
import pytest

from glassnet.errors import DataError
from glassnet.pipeline.schema import RANGE_MARGIN, TableSchema, raise_if_strict

TRAIN = pd.DataFrame({"x": [0.0, 5.0, 10.0], "c": ["a", "b", "a"], "id": [1, 2, 3], "y": [0, 1, 0]})
COLUMNS = [
    {"name": "x", "kind": "numeric", "fill": None},
    {"name": "c", "kind": "categorical", "categories": ["a", "b"], "fill": None},
]


@pytest.fixture
def schema():
    return TableSchema.from_training(TRAIN, target="y", columns=COLUMNS, dropped=["id"])


def test_the_schema_records_columns_categories_and_ranges(schema):
    assert schema.file_columns == ["x", "c", "id", "y"]
    assert schema.feature_names == ["x", "c"]
    assert schema.features[0] == {"name": "x", "kind": "numeric", "low": 0.0, "high": 10.0}
    assert schema.features[1]["categories"] == ["a", "b"]
    assert TableSchema.from_dict(schema.to_dict(), "m") == schema


def test_data_like_the_training_data_raises_nothing(schema):
    # The target and the dropped column are expected; values within the margin pass.
    inside = pd.DataFrame({"x": [-RANGE_MARGIN * 10, 10.5], "c": ["b", None], "id": [7, 8]})
    assert schema.check(inside, "new.csv") == []


def test_a_missing_column_is_an_error_naming_it(schema):
    with pytest.raises(DataError, match=r"'new.csv' has no column.*'c'"):
        schema.check(pd.DataFrame({"x": [1.0]}), "new.csv")


def test_each_rule_gives_one_warning_with_its_count(schema):
    frame = pd.DataFrame({"c": ["z", "z", "a"], "x": [1.0, 12.0, -3.0], "extra": [0, 0, 0]})
    findings = schema.check(frame, "new.csv")
    assert len(findings) == 4
    assert "'extra' were not in the training data; ignored" in findings[0]
    assert "another order than in training; matched by name" in findings[1]
    assert "column 'x' has 2 rows outside the training range [0, 10]" in findings[2]
    assert "column 'c' has 2 rows with a category never seen in training ('z')" in findings[3]


def test_strict_turns_the_warnings_into_one_error(schema):
    findings = schema.check(pd.DataFrame({"x": [99.0], "c": ["a"]}), "new.csv")
    raise_if_strict(findings, strict=False)
    with pytest.raises(DataError, match=r"--strict: 'new\.csv': column 'x' has 1 row outside"):
        raise_if_strict(findings, strict=True)


@pytest.mark.parametrize(
    "state",
    [None, {}, {"file_columns": "x", "target": None, "features": []},
     {"file_columns": [], "target": None, "features": [{"name": "x", "kind": "numeric", "low": "0"}]},
     {"file_columns": [], "target": None, "features": [{"name": "c", "kind": "categorical"}]}],
)  # fmt: skip
def test_a_malformed_saved_schema_is_a_data_error(state):
    with pytest.raises(DataError, match="input schema is malformed"):
        TableSchema.from_dict(state, "'model.safetensors'")
