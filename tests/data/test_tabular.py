"""Tests for glassnet/data/tabular.py, table_encoder.py, column_checks.py and task.py."""

import json

import numpy as np
import pandas as pd
import pytest

from glassnet.data.table_encoder import TableEncoder
from glassnet.data.tabular import load_table
from glassnet.data.task import infer_task
from glassnet.errors import ConfigError, DataError

SHOP = "age,city,income,bought\n25,Oslo,3.5,no\n61,Rome,4.0,yes\n40,Oslo,2.5,no\n33,Paris,5.0,yes\n"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_csv_with_categorical_and_string_target(tmp_path):
    table = load_table(write(tmp_path, "shop.csv", SHOP), target="bought")
    assert table.feature_names == ["age", "city=Oslo", "city=Paris", "city=Rome", "income"]
    assert table.x.dtype == np.float32 and table.x.shape == (4, 5)
    np.testing.assert_array_equal(table.x[1], [61, 0, 0, 1, 4.0])
    assert table.y.tolist() == [0, 1, 0, 1] and table.y.dtype == np.int64
    assert table.task == "classification" and table.class_names == ["no", "yes"]
    assert table.target == "bought"


def test_bom_is_removed_from_the_first_column_name(tmp_path):
    path = write(tmp_path, "bom.csv", SHOP, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = load_table(path, target="bought")
    assert table.feature_names[0] == "age"


def test_parquet_regression(tmp_path):
    frame = pd.DataFrame({"size": [50.0, 80.0, 120.0], "kind": ["flat", "house", "flat"]})
    frame["price"] = [100.5, 200.0, 260.25]
    path = tmp_path / "homes.parquet"
    frame.to_parquet(path)
    table = load_table(path, target="price")
    assert table.task == "regression" and table.class_names is None
    np.testing.assert_allclose(table.y, [100.5, 200.0, 260.25])
    assert table.feature_names == ["size", "kind=flat", "kind=house"]


def test_features_only_and_bools(tmp_path):
    table = load_table(write(tmp_path, "f.csv", "a,flag\n1,True\n2,False\n"))
    assert table.y is None and table.task is None
    np.testing.assert_array_equal(table.x, [[1, 1], [2, 0]])


def test_encoder_transforms_a_new_file_identically_and_survives_json(tmp_path):
    train = load_table(write(tmp_path, "train.csv", SHOP), target="bought")
    new = write(tmp_path, "new.csv", "age,city,income\n50,Rome,1.0\n20,Berlin,2.0\n")
    table = load_table(new, encoder=train.encoder)
    assert table.y is None and table.feature_names == train.feature_names
    # Berlin was never seen: documented as an all-zero one-hot row.
    np.testing.assert_array_equal(table.x, [[50, 0, 0, 1, 1.0], [20, 0, 0, 0, 2.0]])
    rebuilt = TableEncoder.from_state(json.loads(json.dumps(train.get_state())))
    x, y = rebuilt.transform(pd.read_csv(tmp_path / "train.csv"))
    np.testing.assert_array_equal(x, train.x)
    np.testing.assert_array_equal(y, train.y)
    with pytest.raises(DataError, match=r"'city'.*Berlin.*row\(s\) 2"):
        rebuilt.transform(pd.read_csv(new), on_unseen="error")
    with pytest.raises(DataError, match=r"missing column\(s\) \['income'\]"):
        rebuilt.transform(pd.DataFrame({"age": [1], "city": ["Oslo"]}))


def test_missing_values_refused_with_file_column_rows_and_hint(tmp_path):
    path = write(tmp_path, "holes.csv", "a,b,y\n1,,0\n2,3,1\n,4,0\n5,,1\n")
    with pytest.raises(DataError) as info:
        load_table(path, target="y")
    message = str(info.value)
    assert "holes.csv" in message and "impute=" in message
    assert "column 'a' at row(s) 3" in message and "column 'b' at row(s) 1, 4" in message


@pytest.mark.parametrize(
    ("impute", "expected_a"), [("mean", 3.0), ("median", 2.0), ("most_frequent", 1.0)]
)
def test_impute(tmp_path, impute, expected_a):
    # a: 1, 2, 6 (ties in most_frequent go to the smallest value); c: u, v, u.
    path = write(tmp_path, "holes.csv", "a,c,y\n1,u,0\n2,,1\n,v,0\n6,u,1\n")
    table = load_table(path, target="y", impute=impute)
    assert table.x[2, 0] == pytest.approx(expected_a)
    np.testing.assert_array_equal(table.x[1, 1:], [1, 0])  # categorical: most frequent "u"
    with pytest.raises(ConfigError, match="impute"):
        load_table(path, target="y", impute="zero")


def test_missing_target_is_never_imputed(tmp_path):
    path = write(tmp_path, "t.csv", "a,y\n1,0\n2,\n3,1\n")
    with pytest.raises(DataError, match=r"t.csv'.*target column 'y'.*row\(s\) 2"):
        load_table(path, target="y", impute="mean")


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\n\n", "no columns"),
        ("header.csv", b"a,b\n", "no data rows"),
        ("one.csv", b"a,b\n1,2\n", "only one data row"),
        ("dup.csv", b"a,a,y\n1,2,0\n3,4,1\n", r"duplicate column name\(s\) \['a'\]"),
        ("ragged.csv", b"a,b\n1,2\n3,4,5,6\n", "could not be parsed as CSV"),
        ("semi.csv", b"a;b\n1;2\n3;4\n", "sep=';'"),
        ("data.json", b"{}", "unsupported file type"),
        ("inf.csv", b"a,y\n1,0\ninf,1\n", r"column 'a'.*infinite or huge.*row\(s\) 2"),
        ("huge.csv", b"a,y\n1,0\n2e30,1\n", r"column 'a'.*huge"),
        ("typo.csv", b"a,y\n1,0\n2,1\nabc,0\n", r"column 'a'.*'abc'.*row\(s\) 3"),
    ],
)
def test_bad_files_raise_data_error_naming_the_file(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=match) as info:
        load_table(path, target="y" if b"y\n" in content else None)
    assert name in str(info.value)


@pytest.mark.parametrize("name", ["noise.csv", "noise.parquet"])
def test_random_bytes_are_refused(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(DataError, match=name):
        load_table(path)


def test_missing_file_directory_and_target(tmp_path):
    with pytest.raises(DataError, match=r"file not found.*nothere\.csv"):
        load_table(tmp_path / "nothere.csv")
    with pytest.raises(DataError, match="is a directory"):
        load_table(tmp_path)
    path = write(tmp_path, "shop.csv", SHOP)
    with pytest.raises(DataError, match=r"'price' not found.*'age', 'city', 'income', 'bought'"):
        load_table(path, target="price")


def test_text_target_refused_for_regression(tmp_path):
    path = write(tmp_path, "shop.csv", SHOP)
    with pytest.raises(DataError, match=r"shop.csv.*'bought' holds text.*regression"):
        load_table(path, target="bought", task="regression")
    with pytest.raises(ConfigError, match="task"):
        load_table(path, target="bought", task="clustering")


def test_options_na_values_categorical_drop_and_max_categories(tmp_path):
    path = write(tmp_path, "q.csv", "id,zip,a,y\nx1,10,1,0\nx2,20,?,1\nx3,10,3,0\n")
    table = load_table(path, target="y", na_values=["?"], impute="mean", drop=["id"])
    assert table.feature_names == ["zip", "a"] and table.x[1, 1] == 2.0
    table = load_table(
        path, target="y", na_values=["?"], impute="mean", categorical=["zip"], drop=["id"]
    )
    assert table.feature_names == ["zip=10", "zip=20", "a"]
    with pytest.raises(DataError, match=r"'id'.*3 distinct.*drop=\['id'\]"):
        load_table(path, target="y", na_values=["?"], impute="mean", max_categories=2)


def test_infer_task_rule():
    assert infer_task(["a", "b"]) == "classification"
    assert infer_task([True, False]) == "classification"
    assert infer_task([0, 1, 2, 1]) == "classification"
    assert infer_task(np.arange(100) * 7) == "regression"  # many distinct integers
    assert infer_task(np.repeat(np.arange(50), 3)) == "classification"  # ids 0..49
    assert infer_task([0.0, 1.0, 1.0]) == "regression"  # floats are quantities
    assert infer_task(np.eye(3)) == "classification"  # one-hot
    assert infer_task(pd.Series(["x", "y"], dtype="category")) == "classification"
    with pytest.raises(DataError, match="empty"):
        infer_task([])


def test_encoder_on_frames_code_columns_and_refit():
    train = pd.DataFrame({0: [10, 20, 10], "y": [1.5, 2.5, 3.5]})  # a non-string column name
    encoder = TableEncoder(target="y", categorical=["0"], impute="most_frequent").fit(train)
    assert encoder.feature_names == ["0=10", "0=20"] and encoder.task == "regression"
    # A gap turns the codes into floats (20.0); they must still match category "20".
    x, y = encoder.transform(pd.DataFrame({"0": [20, None]}))
    np.testing.assert_array_equal(x, [[0, 1], [1, 0]])  # the gap takes the mode "10"
    assert y is None
    encoder.fit(pd.DataFrame({"0": [1, 2], "y": ["a", "b"]}))  # refit infers the task again
    assert encoder.task == "classification" and encoder.class_names == ["a", "b"]


def test_encoder_state_and_use_before_fit_are_checked():
    with pytest.raises(DataError, match="before fit"):
        TableEncoder().transform(pd.DataFrame({"a": [1]}))
    with pytest.raises(DataError, match="TableEncoder state"):
        TableEncoder.from_state({"class": "ClassEncoder"})
    state = TableEncoder().fit(pd.DataFrame({"a": [1, 2]})).get_state()
    del state["columns"]
    with pytest.raises(DataError, match="columns"):
        TableEncoder.from_state(state)
