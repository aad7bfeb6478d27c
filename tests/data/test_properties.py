"""Property-based tests: a malformed table ends in a sane load or a DataError naming the file.

Hypothesis writes CSV files from random bytes and from random mixes of numbers, text,
empty cells, missing-value markers, huge values, quotes, newlines, byte-order marks,
duplicate and missing columns and ragged rows, and Parquet files with nested, date,
decimal and null columns. Every case must end in one of two documented outcomes
(docs/robustness.md):

* a successful load whose result is sane: ``x`` finite float32 of shape
  (rows, features), ``y`` one finite value or class id per row;
* a ``GlassnetError`` (DataError, or ConfigError for a bad argument) whose message
  names the file.

Any other exception fails the test. The named cases below pin the message of each
kind of damage.
"""

from __future__ import annotations

import datetime
import decimal
import io
import itertools

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glassnet.data import (
    ClassEncoder,
    TableEncoder,
    load_table,
    scaler_from_state,
    train_test_split,
)
from glassnet.errors import ConfigError, DataError, GlassnetError, ShapeError

# derandomize: the same examples on every run, so the suite cannot fail by luck; raise
# max_examples (and drop derandomize) locally to search further.
FAST = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_names = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("tables")


def write(folder, data: bytes | str, suffix: str = ".csv"):
    path = folder / f"t{next(_names)}{suffix}"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def assert_sane(table, target, task) -> None:
    """What a successful load promises."""
    assert isinstance(table.x, np.ndarray) and table.x.dtype == np.float32
    assert table.x.ndim == 2 and table.x.shape[0] >= 2
    assert table.x.shape[1] == len(table.feature_names)
    assert np.isfinite(table.x).all()
    if target is None:
        assert table.y is None
        return
    assert table.y is not None and len(table.y) == len(table.x)
    if task is not None:
        assert table.task == task
    if table.task == "classification":
        assert table.y.dtype == np.int64
        assert table.y.min() >= 0 and table.y.max() < len(table.class_names)
    else:
        assert table.y.dtype.kind == "f" and np.isfinite(table.y).all()


def load_or_refuse(path, target=None, task=None, **options):
    """The table if it loads (checked sane), None if refused with a message naming ``path``."""
    try:
        table = load_table(path, target=target, task=task, **options)
    except GlassnetError as exc:
        assert isinstance(exc, (DataError, ConfigError, ShapeError)), type(exc)
        assert path.name in str(exc), str(exc)
        return None
    assert_sane(table, target, task)
    return table


def refused(path, *mentions, **options) -> str:
    """Loading ``path`` raises a DataError naming it and every one of ``mentions``."""
    with pytest.raises(DataError) as caught:
        load_table(path, **options)
    message = str(caught.value)
    assert str(path) in message
    for mention in mentions:
        assert mention in message, message
    return message


# -- generated CSV files ------------------------------------------------------------------

NUMBERS = st.one_of(st.integers(-1000, 1000).map(str), st.floats(-1e6, 1e6).map(repr))
ODD_CELLS = st.sampled_from(
    [
        "",
        "NaN",
        "NA",
        "null",
        "?",
        "-",
        "inf",
        "-inf",
        "Infinity",
        "1e308",
        "-1e308",
        "1e309",
        "1e31",
        "1e-400",
        "True",
        "False",
        '"a,b"',
        '"line 1\nline 2"',
        '"say ""hi"""',
        " 7 ",
        "0x1F",
        "1,5",
        "cat",
    ]
)
COLUMN_KINDS = {
    "numbers": NUMBERS,
    "text": st.sampled_from(["red", "green", "blue"]),
    "mixed": st.one_of(NUMBERS, st.sampled_from(["red", "n/a"])),
    "bools": st.sampled_from(["True", "False"]),
}


@st.composite
def csv_cases(draw):
    """(text, target, task, impute, na_values): a CSV with some damage, and load options."""
    width = draw(st.integers(1, 4))
    names = ["a", "b", "y", "é", "x y", '"q,h"', "1"]
    header = draw(st.lists(st.sampled_from(names), min_size=width, max_size=width, unique=True))
    if draw(st.integers(0, 9)) == 0:
        header.append(header[0])  # a duplicate header
    kinds = [draw(st.sampled_from(sorted(COLUMN_KINDS))) for _ in header]
    rows = []
    for _ in range(draw(st.integers(0, 7))):
        row = [
            draw(ODD_CELLS) if draw(st.integers(0, 7)) == 0 else draw(COLUMN_KINDS[kind])
            for kind in kinds
        ]
        if draw(st.integers(0, 9)) == 0:  # a ragged row, shorter or longer
            row = row[: draw(st.integers(0, len(row)))] + ["1"] * draw(st.integers(0, 2))
        rows.append(row)
    text = ",".join(header) + "\n" + "".join(",".join(row) + "\n" for row in rows)
    if draw(st.booleans()):
        text = "\ufeff" + text  # a byte-order mark, as Excel writes
    target = draw(st.one_of(st.none(), st.sampled_from([*header, "missing"])))
    task = draw(st.sampled_from([None, "classification", "regression"]))
    impute = draw(st.sampled_from([None, "mean", "median", "most_frequent"]))
    na_values = draw(st.sampled_from([(), ("?",), ("-", "n/a")]))
    return text, target, task, impute, na_values


@FAST
@given(case=csv_cases())
def test_a_generated_csv_loads_sanely_or_is_refused_naming_the_file(folder, case):
    text, target, task, impute, na_values = case
    path = write(folder, text)
    load_or_refuse(path, target, task, impute=impute, na_values=na_values)


@FAST
@given(
    data=st.binary(max_size=300),
    suffix=st.sampled_from([".csv", ".tsv", ".txt", ".parquet"]),
    target=st.sampled_from([None, "a"]),
)
def test_random_bytes_load_sanely_or_are_refused_naming_the_file(folder, data, suffix, target):
    load_or_refuse(write(folder, data, suffix), target)


@FAST
@given(
    cells=st.lists(st.one_of(st.text(max_size=5), NUMBERS, ODD_CELLS), min_size=2, max_size=12),
    bom=st.booleans(),
)
def test_arbitrary_unicode_cells_load_sanely_or_are_refused(folder, cells, bom):
    rows = [",".join(cells[i : i + 2]) for i in range(0, len(cells), 2)]
    text = ("\ufeff" if bom else "") + "a,b\n" + "\n".join(rows) + "\n"
    load_or_refuse(write(folder, text), "b")


@FAST
@given(case=csv_cases())
def test_a_generated_file_encoded_like_a_training_file_is_sane_or_refused(folder, case):
    train = load_table(write(folder, "a,b,y\n1,red,0\n2,blue,1\n3,red,0\n"), target="y")
    text, *_ = case
    path = write(folder, text)
    try:
        table = load_table(path, encoder=train.encoder)
    except GlassnetError as exc:
        assert isinstance(exc, DataError) and path.name in str(exc), str(exc)
        return
    assert table.feature_names == train.feature_names
    assert table.x.dtype == np.float32 and np.isfinite(table.x).all()
    if table.y is not None:
        assert set(table.y.tolist()) <= {0, 1}


# -- generated Parquet files --------------------------------------------------------------


def parquet_column(kind: str, rows: int, draw) -> pa.Array:
    if kind == "ints":
        values = draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=rows, max_size=rows))
        return pa.array(values, pa.int64())
    if kind == "floats":
        values = draw(st.lists(st.floats(allow_nan=True), min_size=rows, max_size=rows))
        return pa.array(values, pa.float64())
    if kind == "text":
        labels = st.one_of(st.none(), st.sampled_from(["a", "b", "1", "2"]))
        return pa.array(draw(st.lists(labels, min_size=rows, max_size=rows)), pa.string())
    if kind == "bools":
        values = st.one_of(st.none(), st.booleans())
        return pa.array(draw(st.lists(values, min_size=rows, max_size=rows)), pa.bool_())
    if kind == "lists":
        return pa.array([[i, i] for i in range(rows)])
    if kind == "records":
        return pa.array([{"k": i % 2} for i in range(rows)])
    if kind == "dates":
        return pa.array([datetime.date(2020, 1, 1 + i) for i in range(rows)])
    if kind == "times":
        return pa.array([datetime.time(1, i) for i in range(rows)])
    if kind == "decimals":
        return pa.array([decimal.Decimal(f"{i}.5") for i in range(rows)])
    if kind == "categories":
        return pa.array([["u", "v"][i % 2] for i in range(rows)]).dictionary_encode()
    if kind == "bytes":
        return pa.array([bytes([i % 3]) for i in range(rows)])
    return pa.array([None] * rows, pa.null())


@st.composite
def parquet_cases(draw):
    rows = draw(st.integers(0, 6))
    kinds = ["ints", "floats", "text", "bools", "lists", "records", "dates", "times"]
    kinds += ["decimals", "categories", "bytes", "nulls"]
    chosen = draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=3))
    names = [f"c{i}" for i in range(len(chosen))]
    if len(names) > 1 and draw(st.booleans()):
        names[1] = names[0]
    table = pa.Table.from_arrays([parquet_column(k, rows, draw) for k in chosen], names=names)
    target = draw(st.one_of(st.none(), st.sampled_from(names)))
    task = draw(st.sampled_from([None, "classification", "regression"]))
    return table, target, task


@FAST
@given(case=parquet_cases())
def test_a_generated_parquet_file_loads_sanely_or_is_refused(folder, case):
    table, target, task = case
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    load_or_refuse(write(folder, buffer.getvalue(), ".parquet"), target, task)


# -- each kind of damage, with its message --------------------------------------------------

SHOP = "age,city,bought\n25,Oslo,no\n61,Rome,yes\n40,Oslo,no\n"


def test_a_byte_order_mark_is_removed(tmp_path):
    table = load_table(write(tmp_path, "\ufeff" + SHOP), target="bought")
    assert table.feature_names[0] == "age"


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("a,b,a\n1,2,3\n4,5,6\n", ["duplicate column name(s) ['a']"]),
        ("\ufeffa,a\n1,2\n3,4\n", ["duplicate column name(s) ['a']"]),
        ("a,b\n", ["has a header but no data rows"]),
        ("a,b\n1,2\n", ["has only one data row"]),
        ("", ["is empty (0 bytes)"]),
        ("\n\n\n", ["has no columns"]),
        ("a,b\n1,2\n3,4,5\n6,7\n", ["could not be parsed as CSV", "line 3"]),
        ("a,b\n1,2\n3\n6,7\n", ["missing values in column 'b' at row(s) 2"]),
        ("a;b\n1;2\n3;4\n", ["sep=';'"]),
        ("a,b\n1,2\nNA,4\n5,6\n", ["missing values in column 'a' at row(s) 2"]),
        ("a,b\n1,2\n?,4\n5,6\n", ["column 'a' is mostly numbers but has '?' at row(s) 2"]),
        ("a,b\n1,2\n1e308,4\n", ["column 'a' has infinite or huge values", "row(s) 2"]),
        ("a,b\n1,2\n3,-1e309\n", ["column 'b' has infinite or huge values", "row(s) 2"]),
        ("a,b\n1,inf\n3,4\n", ["column 'b' has infinite or huge values", "row(s) 1"]),
    ],
)
def test_damaged_csv_is_refused_naming_file_column_and_row(tmp_path, text, mentions):
    refused(write(tmp_path, text), *mentions)


def test_text_that_is_not_utf8_is_refused(tmp_path):
    path = write(tmp_path, "name,x\nJosé,1\nZoë,2\n".encode("latin-1"))
    refused(path, "is not UTF-8 text")


def test_quotes_commas_and_newlines_inside_cells_are_read_as_one_value(tmp_path):
    text = 'note,y\n"a, b",1\n"line 1\nline 2",2\n"say ""hi""",3\n'
    table = load_table(write(tmp_path, text), target="y", task="regression")
    assert table.feature_names == ["note=a, b", "note=line 1\nline 2", 'note=say "hi"']
    np.testing.assert_array_equal(table.x, np.eye(3))
    assert table.y.tolist() == [1.0, 2.0, 3.0]


def test_missing_value_markers_are_refused_unless_named_and_imputed(tmp_path):
    path = write(tmp_path, "a,y\n1,0\n?,1\n3,0\n")
    refused(path, "na_values=['?']", target="y")
    table = load_table(path, target="y", na_values=["?"], impute="mean")
    assert table.x[:, 0].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("text", "options", "mentions"),
    [
        (SHOP, {"target": "price"}, ["target column 'price' not found", "'age'"]),
        (SHOP, {"target": "bought", "task": "regression"}, ["holds text", "'no'"]),
        ("a,y\n1,2\n2,inf\n", {"target": "y"}, ["column 'y' has infinite", "row(s) 2"]),
        ("a,y\n1,2\n2,1e308\n", {"target": "y", "task": "classification"}, ["'y'"]),
        ("a,y\n1,2\n2,\n3,1\n", {"target": "y"}, ["target column 'y' is missing at row(s) 2"]),
        ("y\n1\n2\n", {"target": "y"}, ["no feature columns left"]),
    ],
)
def test_a_bad_target_is_refused_naming_it(tmp_path, text, options, mentions):
    refused(write(tmp_path, text), *mentions, **options)


def test_paths_that_are_not_tables_are_refused(tmp_path):
    refused(tmp_path, "is a directory")
    refused(tmp_path / "absent.csv", "file not found")
    refused(write(tmp_path, "a,b\n1,2\n3,4\n", ".xlsx"), "unsupported file type '.xlsx'")


def parquet_file(tmp_path, columns: dict[str, pa.Array], names=None):
    table = pa.Table.from_arrays(list(columns.values()), names=names or list(columns))
    path = tmp_path / f"p{next(_names)}.parquet"
    pq.write_table(table, path)
    return path


@pytest.mark.parametrize(
    ("column", "mentions"),
    [
        (pa.array([[1, 2], [3]]), ["column 'c' holds lists or records", "row(s) 1, 2"]),
        (pa.array([{"k": 1}, {"k": 2}]), ["column 'c' holds lists or records"]),
        (pa.array([datetime.date(2020, 1, 1)] * 2), ["column 'c' holds dates/times"]),
        (pa.array([datetime.time(1, 2)] * 2), ["column 'c' holds dates/times"]),
        (pa.array([None, None], pa.null()), ["column 'c' has no values at all"]),
    ],
)
def test_parquet_columns_without_one_value_per_cell_are_refused(tmp_path, column, mentions):
    path = parquet_file(tmp_path, {"a": pa.array([1.0, 2.0]), "c": column})
    refused(path, *mentions)


def test_a_nested_parquet_target_is_refused_naming_it(tmp_path):
    path = parquet_file(tmp_path, {"a": pa.array([1.0, 2.0]), "y": pa.array([[1], [2]])})
    refused(path, "column 'y' holds lists", target="y")


def test_parquet_decimals_are_numbers_and_duplicate_names_are_refused(tmp_path):
    decimals = pa.array([decimal.Decimal("1.5"), decimal.Decimal("2.25")])
    table = load_table(parquet_file(tmp_path, {"a": decimals, "b": pa.array([0, 1])}))
    np.testing.assert_array_equal(table.x, [[1.5, 0], [2.25, 1]])
    path = parquet_file(tmp_path, {"a": pa.array([1, 2]), "b": pa.array([3, 4])}, ["a", "a"])
    refused(path, "duplicate column name(s) ['a']")


def test_random_bytes_named_parquet_are_refused(tmp_path):
    refused(write(tmp_path, b"PAR1" + bytes(64), ".parquet"), "could not be read as Parquet")


# -- saved states and labels that were edited ---------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"columns": "abc"},
        {"columns": [{"name": "a", "kind": "categorical", "fill": None}]},
        {"columns": [{"name": "a", "kind": "numeric", "fill": "x"}]},
        {"columns": [{"name": 3, "kind": "numeric", "fill": None}]},
        {"task": "clustering"},
        {"impute": "zeros"},
        {"drop": "a"},
        {"max_categories": "many"},
        {"target_classes": [[1, 2], [3]]},
        {"target_classes": ["a", "a"]},
    ],
)
def test_an_edited_encoder_state_is_a_data_error(change):
    frame = pd.DataFrame({"a": [1.0, 2.0], "c": ["u", "v"], "y": ["no", "yes"]})
    state = TableEncoder(target="y").fit(frame).get_state()
    with pytest.raises(DataError, match="state"):
        TableEncoder.from_state({**state, **change})


@pytest.mark.parametrize(
    "state",
    [
        {"class": ["StandardScaler"]},
        {"class": "StandardScaler", "mean": [0.0, 1.0], "std": [1.0]},
        {"class": "StandardScaler", "mean": [0.0], "std": [0.0]},
        {"class": "StandardScaler", "mean": ["x"], "std": [1.0]},
        {"class": "StandardScaler", "mean": [[0.0]], "std": [[1.0]]},
        {"class": "StandardScaler", "mean": [float("nan")], "std": [1.0]},
        {"class": "MinMaxScaler", "feature_range": [1, 0], "data_min": None, "data_max": None},
        {"class": "MinMaxScaler", "feature_range": "ab", "data_min": None, "data_max": None},
        {"class": "MinMaxScaler", "feature_range": [0, 1], "data_min": [2.0], "data_max": [1.0]},
        {"class": "MinMaxScaler", "feature_range": [0, 1], "data_min": [0.0], "data_max": None},
    ],
)
def test_an_edited_scaler_state_is_a_data_error(state):
    with pytest.raises(DataError):
        scaler_from_state(state)


def test_labels_that_cannot_be_ordered_or_looked_up_are_data_errors():
    labels = np.empty(2, dtype=object)
    labels[:] = [[1, 2], [3, 4]]
    with pytest.raises(DataError, match=r"one value .* got \[1, 2\] at position\(s\) 0, 1"):
        ClassEncoder().fit(labels)
    labels[1] = np.arange(2)
    with pytest.raises(DataError, match="position"):
        ClassEncoder().fit(labels[1:])
    encoder = ClassEncoder().fit(["a", "b"])
    with pytest.raises(DataError, match=r"\[1, 2\]"):
        encoder.transform(labels)
    with pytest.raises(DataError, match="stratify=False"):
        train_test_split(np.zeros((4, 1)), np.array(["a", None, "b", "a"], dtype=object))
