"""Crafted model files: every one is refused with a DataError naming it, and nothing runs.

A model file is untrusted input. These tests hand ``gn.load`` pickles with payloads,
PyTorch-style zip archives, safetensors headers that lie about sizes, descriptions
naming Python callables as layer classes, unknown settings, absurd shapes and dtypes,
damaged preprocessing, and paths that are not files. Each must raise ``DataError``
with the path in its message, while a guard records every import, every unpickling
and every call of ``os.system`` / ``eval`` / ``exec`` made during the load: only
glassnet's and NumPy's own modules may be imported, and nothing may be executed.
"""

from __future__ import annotations

import builtins
import contextlib
import copy
import json
import os
import pickle
import subprocess
import zipfile

import numpy as np
import pytest
from safetensors.numpy import load as load_arrays
from safetensors.numpy import save as save_arrays

import glassnet as gn
from glassnet.errors import DataError

TRUSTED_MODULES = ("glassnet", "numpy")


class Payload:
    """Unpickling this runs ``os.system`` (a shell command that creates ``marker``)."""

    def __init__(self, marker) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch '{self.marker}'",)


class ExecPayload:
    """Unpickling this runs ``exec`` on code that creates ``marker``."""

    def __init__(self, marker) -> None:
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({str(self.marker)!r}, 'w').close()",)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A trained, compiled model saved with a scaler and class names: every section present."""
    path = tmp_path_factory.mktemp("good") / "model.safetensors"
    gn.seed(0)
    model = gn.Sequential([gn.Dense(4, activation="relu"), gn.BatchNorm(), gn.Dense(3)])
    model.compile("adam", "categorical_crossentropy", ["accuracy"], lr=0.01)
    x = np.random.default_rng(0).normal(size=(12, 3)).astype(np.float32)
    model.fit(x, np.arange(12) % 3, epochs=1, batch_size=4, verbose=0)
    model.preprocessing = {
        "classes": ["a", "b", "c"],
        "scaler": gn.data.StandardScaler().fit(x).get_state(),
    }
    model.save(path)
    return path


@contextlib.contextmanager
def guarded():
    """Records imports outside glassnet/NumPy, unpickling, and os.system/eval/exec calls.

    Only around the load itself, so that the tests can still pickle their payloads.
    """
    events: list[str] = []
    real_import = builtins.__import__

    def recording_import(name, *args, **kwargs):
        if not name.startswith(TRUSTED_MODULES):
            events.append(f"import {name}")
        return real_import(name, *args, **kwargs)

    def forbidden(what):
        def call(*args, **kwargs):
            events.append(what)
            raise AssertionError(f"{what} was called while loading a model")

        return call

    targets = [
        (pickle, "loads"),
        (pickle, "load"),
        (pickle, "Unpickler"),
        (os, "system"),
        (subprocess, "Popen"),
        (builtins, "eval"),
        (builtins, "exec"),
    ]
    with pytest.MonkeyPatch.context() as patch:
        for module, name in targets:
            patch.setattr(module, name, forbidden(f"{module.__name__}.{name}"))
        patch.setattr(builtins, "__import__", recording_import)
        yield events


def assert_refused(path, *mentions) -> str:
    with guarded() as events, pytest.raises(DataError) as caught:
        gn.load(path)
    message = str(caught.value)
    assert str(path) in message, message
    for mention in mentions:
        assert mention in message, message
    assert events == [], events
    return message


def parts(path) -> tuple[dict, dict, dict[str, np.ndarray]]:
    """The safetensors header, the glassnet description and the arrays of a model file."""
    raw = path.read_bytes()
    length = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + length])
    return header, json.loads(header["__metadata__"]["glassnet"]), load_arrays(raw)


def write(tmp_path, document=None, arrays=None, metadata=None, *, like):
    """A copy of the file ``like`` with the description and/or arrays replaced."""
    _, original_document, original_arrays = parts(like)
    if metadata is None:
        metadata = {"glassnet": json.dumps(original_document if document is None else document)}
    path = tmp_path / "model.safetensors"
    path.write_bytes(save_arrays(original_arrays if arrays is None else arrays, metadata=metadata))
    return path


def test_the_good_file_loads_under_the_guard(saved):
    with guarded() as events:
        model = gn.load(saved)
    assert model.preprocessing["classes"] == ["a", "b", "c"]
    assert events == []


# -- pickles and archives --------------------------------------------------------------------


@pytest.mark.parametrize("payload", [Payload, ExecPayload])
@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_pickle_with_a_payload_is_refused_and_never_runs(tmp_path, payload, protocol):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.safetensors"
    path.write_bytes(pickle.dumps(payload(marker), protocol=protocol))
    assert_refused(path)
    assert not marker.exists()


def test_a_pytorch_style_zip_with_a_pickle_inside_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.safetensors"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps(Payload(marker), protocol=2))
        archive.writestr("archive/version", "3\n")
    assert_refused(path, "pickle or a zip archive")
    assert not marker.exists()


def test_a_payload_hidden_in_the_metadata_is_only_text(saved, tmp_path):
    marker = tmp_path / "pwned"
    blob = pickle.dumps(Payload(marker), protocol=0).decode("latin-1")
    path = write(tmp_path, metadata={"glassnet": blob}, like=saved)
    assert_refused(path, "not a glassnet model")
    assert not marker.exists()


# -- safetensors headers that lie --------------------------------------------------------------


def with_header(raw_header: bytes, body: bytes = b"", length: int | None = None) -> bytes:
    size = len(raw_header) if length is None else length
    return size.to_bytes(8, "little") + raw_header + body


@pytest.mark.parametrize(
    "change",
    [
        {"data_offsets": [0, 10**9]},  # more bytes than the file holds
        {"data_offsets": [64, 0]},  # an end before the start
        {"shape": [-1, 4]},
        {"shape": [2**40, 2**40]},  # an element count that overflows
        {"dtype": "object"},
        {"dtype": "O"},
    ],
)
def test_a_tensor_entry_that_lies_is_refused(saved, tmp_path, change):
    header, _, _ = parts(saved)
    raw = saved.read_bytes()
    body = raw[8 + int.from_bytes(raw[:8], "little") :]
    name = next(key for key in header if key != "__metadata__")
    header[name] = {**header[name], **change}
    text = json.dumps(header).encode()
    path = tmp_path / "model.safetensors"
    path.write_bytes(with_header(text + b" " * (-len(text) % 8), body))
    assert_refused(path, "not a readable glassnet model file")


@pytest.mark.parametrize(
    "content",
    [
        with_header(b'{"__metadata__": {}}', length=10**12),  # header longer than the file
        with_header(b"{}", length=2**64 - 1),
        with_header(b"", length=0),
        b"\x07\x00\x00",  # shorter than the 8-byte length
        with_header(b"[1, 2, 3]"),
        with_header(b'{"__metadata__": {"glassnet": 5}}'),
        with_header(b"\xff\xfe not json"),
    ],
)
def test_a_damaged_header_is_refused(tmp_path, content):
    path = tmp_path / "model.safetensors"
    path.write_bytes(content)
    assert_refused(path)


# -- descriptions that name code or unknown things ------------------------------------------


def first_layer(document):
    return document["architecture"]["config"]["layers"][0]


@pytest.mark.parametrize(
    "name", ["os.system", "builtins.eval", "__import__", "glassnet.nn.Dense", "Dense ", ""]
)
@pytest.mark.parametrize("where", ["model", "layer"])
def test_a_layer_class_that_is_a_python_path_is_refused(saved, tmp_path, name, where):
    _, document, _ = parts(saved)
    spec = document["architecture"] if where == "model" else first_layer(document)
    spec["class"] = name
    path = write(tmp_path, document, like=saved)
    assert_refused(path, f"unknown layer class {name!r}")


@pytest.mark.parametrize(
    ("setting", "value", "mention"),
    [
        ("activation", "os.system", "unknown activation 'os.system'"),
        ("activation", {"class": "builtins.eval"}, "an activation must be a name"),
        ("kernel_initializer", "builtins.eval", "unknown initializer 'builtins.eval'"),
        ("kernel_regularizer", {"name": "os.system"}, "os.system"),
        ("units", -1, "units must be a positive integer"),
        ("units", "4", "units must be a positive integer"),
        ("units", 10**12, "the file stores only"),
        ("units", 2.5, "units must be a positive integer"),
    ],
)
def test_a_layer_setting_naming_code_or_an_absurd_size_is_refused(
    saved, tmp_path, setting, value, mention
):
    _, document, _ = parts(saved)
    first_layer(document)["config"][setting] = value
    assert_refused(write(tmp_path, document, like=saved), mention)


@pytest.mark.parametrize(
    ("change", "mention"),
    [
        (lambda d: d.update(hook="os.system"), "unknown entries ['hook']"),
        (lambda d: d["architecture"].update(module="os"), "architecture.module"),
        (lambda d: d["architecture"]["config"].update(bogus=1), "architecture.config.bogus"),
        (lambda d: first_layer(d).update(extra=True), "architecture.config.layers[0].extra"),
        (lambda d: d["training"].update(callbacks=["os.system"]), "unknown entries ['callbacks']"),
    ],
)
def test_unknown_keys_anywhere_are_refused(saved, tmp_path, change, mention):
    _, document, _ = parts(saved)
    change(document)
    assert_refused(write(tmp_path, document, like=saved), mention)


def test_an_unknown_key_in_a_layer_config_is_refused(saved, tmp_path):
    _, document, _ = parts(saved)
    first_layer(document)["config"]["bogus"] = 1
    assert_refused(write(tmp_path, document, like=saved), "bogus")


# -- shapes, sizes and dtypes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("input_shape", "mention"),
    [
        ([-3], "positive whole numbers"),
        ([0], "positive whole numbers"),
        ([3.5], "positive whole numbers"),
        ([True], "positive whole numbers"),
        ("3", "positive whole numbers"),
        (None, "positive whole numbers"),
        ([10**12], "values per sample"),
        ([4096, 4096, 4096], "values per sample"),
    ],
)
def test_an_absurd_input_shape_is_refused(saved, tmp_path, input_shape, mention):
    _, document, _ = parts(saved)
    document["input_shape"] = input_shape
    assert_refused(write(tmp_path, document, like=saved), mention)


def test_an_infinite_input_shape_in_the_json_is_refused(saved, tmp_path):
    _, document, _ = parts(saved)
    text = json.dumps(document).replace('"input_shape": [3]', '"input_shape": [Infinity]')
    path = write(tmp_path, metadata={"glassnet": text}, like=saved)
    assert_refused(path, "positive whole numbers")


@pytest.mark.parametrize(
    "dtype", ["object", "O", "float16", "int64", "os.system", None, {"names": ["a"]}, ["<f4"]]
)
def test_a_declared_dtype_other_than_float32_or_float64_is_refused(saved, tmp_path, dtype):
    _, document, _ = parts(saved)
    document["dtype"] = dtype
    assert_refused(write(tmp_path, document, like=saved), "only float32 and float64")


@pytest.mark.parametrize(
    ("replace", "mention"),
    [
        (lambda a: a.astype(np.float16), "stored as float16 but the model is float32"),
        (lambda a: a.astype(np.float64), "stored as float64"),
        (lambda a: a.astype(np.int32), "stored as int32"),
        (lambda a: np.full_like(a, np.nan), "NaN or infinite"),
        (lambda a: np.full_like(a, np.inf), "NaN or infinite"),
        (lambda a: np.ones((5, 7), a.dtype), "(5, 7)"),
        (lambda a: a.reshape(-1), "do not fit the architecture"),
    ],
)
def test_weights_of_another_dtype_shape_or_with_nan_are_refused(saved, tmp_path, replace, mention):
    _, _, arrays = parts(saved)
    arrays["weights/0.kernel"] = replace(arrays["weights/0.kernel"])
    assert_refused(write(tmp_path, arrays=arrays, like=saved), "'0.kernel'", mention)


def test_an_architecture_that_disagrees_with_the_weights_is_refused(saved, tmp_path):
    _, document, _ = parts(saved)
    first_layer(document)["config"]["units"] = 5
    assert_refused(write(tmp_path, document, like=saved), "0.kernel", "(3, 5)")


def test_non_finite_optimizer_moments_are_refused(saved, tmp_path):
    _, _, arrays = parts(saved)
    key = next(k for k in arrays if k.startswith("optimizer/"))
    arrays[key] = np.full_like(arrays[key], np.nan)
    slot = key.removeprefix("optimizer/")
    assert_refused(write(tmp_path, arrays=arrays, like=saved), f"optimizer state '{slot}'", "NaN")


# -- descriptions that are not what they claim -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("{oops", "not a glassnet model"),
        ("", "not a glassnet model"),
        ("null", "does not describe a glassnet model"),
        ('["glassnet", 1]', "does not describe a glassnet model"),
        ('{"format": "glassnet", "version": "1"}', "version '1'"),
        ("[" * 100_000 + "]" * 100_000, "not a glassnet model"),
    ],
    ids=["broken", "empty", "null", "list", "version-text", "nested-100000"],
)
def test_a_description_that_is_not_a_glassnet_json_object_is_refused(
    saved, tmp_path, text, mention
):
    path = write(tmp_path, metadata={"glassnet": text}, like=saved)
    assert_refused(path, mention)


def test_absurdly_nested_architectures_are_refused(saved, tmp_path):
    _, document, _ = parts(saved)
    spec = first_layer(document)
    for _ in range(200):
        spec = {"class": "sequential", "config": {"name": None, "layers": [spec]}}
    document["architecture"] = spec
    assert_refused(write(tmp_path, document, like=saved), "nests deeper than")


@pytest.mark.parametrize(
    ("change", "mention"),
    [
        (lambda p: p.update(classes=["a", "b"]), "2 class names are saved for a model with 3"),
        (lambda p: p.update(classes="abc"), "class names must be a list"),
        (lambda p: p["scaler"].update(std=[0.0, 1.0, 1.0]), "std must be positive"),
        (lambda p: p["scaler"].update(mean=[1.0]), "'std' must have 1 entries"),
        (lambda p: p["scaler"].update({"class": "os.system"}), "unknown scaler class"),
        (
            lambda p: p.update(source={"kind": "table", "encoder": {"class": "TableEncoder"}}),
            "table encoder is invalid",
        ),
    ],
)
def test_damaged_preprocessing_is_refused(saved, tmp_path, change, mention):
    _, document, _ = parts(saved)
    change(document["preprocessing"])
    assert_refused(write(tmp_path, document, like=saved), mention)


# -- paths that are not model files -------------------------------------------------------------


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"")
    assert_refused(path, "is empty (0 bytes)")


def test_a_directory_is_refused(tmp_path):
    assert_refused(tmp_path, "is a folder")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    path = tmp_path / "model.safetensors"
    os.mkfifo(path)
    assert_refused(path, "not a regular file")


def test_random_bytes_are_refused(tmp_path):
    path = tmp_path / "model.safetensors"
    path.write_bytes(np.random.default_rng(1).bytes(2048))
    assert_refused(path)


def test_a_refused_file_is_left_byte_for_byte_as_it_was(saved, tmp_path):
    _, document, _ = parts(saved)
    broken = copy.deepcopy(document)
    broken["architecture"]["class"] = "os.system"
    path = write(tmp_path, broken, like=saved)
    before = path.read_bytes()
    assert_refused(path)
    assert path.read_bytes() == before
