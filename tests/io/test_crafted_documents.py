"""Crafted histories, names and paths: a DataError naming the file, never a traceback.

``"epochs": 1e400`` made every command (and ``gn.load``) fail with an OverflowError,
an empty history list made ``glassnet summary`` fail with an IndexError, names with
lone surrogates failed when printed or plotted, and a symbolic link loop made
``glassnet export`` fail with a RuntimeError.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from safetensors.numpy import load as load_arrays
from safetensors.numpy import save as save_arrays

import glassnet as gn
from glassnet.cli import main
from glassnet.errors import DataError
from glassnet.train.history import History


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "model.safetensors"
    gn.seed(0)
    model = gn.Sequential([gn.Dense(4, activation="relu", name="dense"), gn.Dense(3)])
    model.compile("adam", "categorical_crossentropy", ["accuracy"], lr=0.01)
    x = np.random.default_rng(0).normal(size=(12, 3)).astype(np.float32)
    model.fit(x, np.arange(12) % 3, epochs=2, batch_size=4, verbose=0)
    model.preprocessing = {"classes": ["a", "b", "c"]}
    model.save(path)
    return path


def description(path) -> str:
    raw = path.read_bytes()
    length = int.from_bytes(raw[:8], "little")
    return json.loads(raw[8 : 8 + length])["__metadata__"]["glassnet"]


def rewritten(saved, tmp_path, text: str):
    """``saved`` with its description replaced by the JSON ``text`` (written verbatim)."""
    path = tmp_path / "crafted.safetensors"
    arrays = load_arrays(saved.read_bytes())
    path.write_bytes(save_arrays(arrays, metadata={"glassnet": text}))
    return path


def changed(saved, tmp_path, change):
    document = json.loads(description(saved))
    change(document)
    return rewritten(saved, tmp_path, json.dumps(document))


def refused(path, *mentions):
    with pytest.raises(DataError) as caught:
        gn.load(path)
    message = str(caught.value)
    assert str(path) in message
    for mention in mentions:
        assert mention in message, message
    return message


def summary_refuses(path, capsys, *mentions):
    capsys.readouterr()
    assert main(["summary", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert str(path) in err
    for mention in mentions:
        assert mention in err, err


@pytest.mark.parametrize(
    ("old", "new", "mention"),
    [
        ('"epochs": 2', '"epochs": 1e400', "history.epochs must be a whole number"),
        ('"epochs": 2', '"epochs": 2.5', "history.epochs must be a whole number"),
        ('"epochs": 2', '"epochs": -1', "history.epochs must be a whole number"),
        ('"epochs": 2', '"epochs": true', "history.epochs must be a whole number"),
        (
            '"iterations": 6, "stopped',
            '"iterations": Infinity, "stopped',
            "history.iterations must be",
        ),
        ('"stopped_early_at": null', '"stopped_early_at": 9', "stopped_early_at must be"),
    ],
)
def test_history_counts_that_are_not_whole_numbers_in_range_are_refused(
    saved, tmp_path, capsys, old, new, mention
):
    text = description(saved)
    assert old in text
    path = rewritten(saved, tmp_path, text.replace(old, new))
    refused(path, "the saved training history is invalid", mention)
    summary_refuses(path, capsys, mention)


@pytest.mark.parametrize(
    ("logs", "mention"),
    [
        ({"loss": []}, "holds 0 values for 2 epochs"),
        ({"loss": [1.0, 2.0, 3.0]}, "holds 3 values for 2 epochs"),
        ({"loss": ["1"]}, "must be a list of numbers"),
        ({"loss": 1.0}, "must be a list of numbers"),
        ([1.0], "must be a JSON object of lists"),
    ],
)
def test_history_logs_of_the_wrong_length_or_type_are_refused(
    saved, tmp_path, capsys, logs, mention
):
    path = changed(saved, tmp_path, lambda d: d["history"].update(history=logs))
    refused(path, mention)
    summary_refuses(path, capsys, mention)


def test_a_history_that_is_not_an_object_or_has_unknown_entries_is_refused(saved, tmp_path):
    refused(changed(saved, tmp_path, lambda d: d.update(history=[1])), "must be a JSON object")
    path = changed(saved, tmp_path, lambda d: d["history"].update(extra=1))
    refused(path, "unknown entries ['extra']")


@pytest.mark.parametrize(
    ("old", "new", "mention"),
    [
        ('"a", "b", "c"', '"\\ud800", "b", "c"', "preprocessing.classes[0]"),
        ('"name": "dense"', '"name": "x\\udfff"', "architecture.config.layers[0].config.name"),
        ('"classes"', '"\\ud83d"', "the entry name"),
    ],
)
def test_names_with_lone_surrogates_are_refused_at_load_time(
    saved, tmp_path, capsys, old, new, mention
):
    text = description(saved)
    assert old in text
    path = rewritten(saved, tmp_path, text.replace(old, new, 1))
    refused(path, "lone surrogate", mention)
    summary_refuses(path, capsys, "lone surrogate")


def test_the_intact_file_still_loads_and_summarises(saved, capsys):
    model = gn.load(saved)
    assert model.history.epochs == 2 and len(model.history["loss"]) == 2
    assert main(["summary", str(saved)]) == 0
    assert "trained 2 epochs" in capsys.readouterr().out


def test_from_dict_round_trips_and_rejects_non_objects():
    history = History()
    history.record_epoch({"loss": 0.5}, iterations=3)
    history.stopped_early_at = 1
    again = History.from_dict(json.loads(json.dumps(history.to_dict())))
    assert again.to_dict() == history.to_dict()
    with pytest.raises(DataError, match="must be a JSON object"):
        History.from_dict(None)


# -- paths ---------------------------------------------------------------------------------


def test_a_symbolic_link_loop_is_refused_by_every_reader(tmp_path, capsys):
    loop = tmp_path / "model.safetensors"
    other = tmp_path / "other.safetensors"
    loop.symlink_to(other)
    other.symlink_to(loop)
    refused(loop, "symbolic link that loops")
    for command in ("summary", "export"):
        capsys.readouterr()
        assert main([command, str(loop)]) == 2
        err = capsys.readouterr().err
        assert "symbolic link that loops" in err and "Traceback" not in err, err


def test_a_dangling_symbolic_link_says_where_it_points(tmp_path):
    link = tmp_path / "model.safetensors"
    link.symlink_to(tmp_path / "gone.safetensors")
    refused(link, "is a symbolic link to", "gone.safetensors", "does not exist")
