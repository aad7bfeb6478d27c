"""Tests for glassnet.io save_model / load_model: round trips, resuming, and refusing bad files."""

from __future__ import annotations

import itertools
import json
import pickle

import numpy as np
import pytest
from safetensors.numpy import load as load_arrays
from safetensors.numpy import save as save_arrays

import glassnet as gn
from glassnet.errors import ConfigError, DataError
from glassnet.optim import OPTIMIZERS
from tests.train._models import assert_same_state, blobs, classifier, regression


def rich_model() -> gn.Sequential:
    """Every kind of state: kernels, biases, normalisation parameters and running statistics."""
    gn.seed(0)
    return gn.Sequential(
        [
            gn.Dense(8, kernel_initializer="he_normal", kernel_regularizer="l2"),
            gn.BatchNorm(momentum=0.2),
            gn.ReLU(),
            gn.Dropout(0.25),
            gn.LayerNorm(),
            gn.Dense(3, activation="tanh"),
            gn.Dense(3),
        ],
        name="rich",
    )


def trained(model: gn.Module, path=None, epochs: int = 3):
    x, y = blobs(n=30)
    model.compile("adam", "categorical_crossentropy", ["accuracy", "f1"], lr=0.01)
    model.fit(x, y, epochs=epochs, batch_size=8, validation_split=0.2, verbose=0)
    if path is not None:
        model.save(path)
    return model


def header_of(path) -> tuple[dict, dict]:
    raw = path.read_bytes()
    length = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + length])
    return header, json.loads(header["__metadata__"]["glassnet"])


def rewrite(source, target, arrays=None, document=None, raw_metadata=None):
    """Write ``target`` as ``source`` with replaced arrays and/or description (a tampered file)."""
    original = load_arrays(source.read_bytes())
    _, original_document = header_of(source)
    metadata = raw_metadata or {"glassnet": json.dumps(document or original_document)}
    target.write_bytes(save_arrays(arrays or original, metadata=metadata))
    return target


# -- round trips ---------------------------------------------------------------------------


def test_a_saved_model_reloads_and_predicts_bit_identically(tmp_path):
    path = tmp_path / "model.safetensors"
    model = trained(rich_model(), path)
    restored = gn.load(path)
    x, _ = blobs(n=30, seed=5)
    assert np.array_equal(restored.predict(x), model.predict(x))
    assert_same_state(restored.state_dict(), model.state_dict())
    assert "1.running_mean" in restored.state_dict()
    assert restored.get_config() == model.get_config()
    assert restored.name == "rich"
    assert restored.training  # ready to train on


def test_the_training_setup_and_history_come_back(tmp_path):
    path = tmp_path / "model.safetensors"
    model = trained(rich_model(), path)
    restored = gn.load_model(path)
    config = restored.training_config
    assert isinstance(config.optimizer, gn.Adam)
    assert config.optimizer.lr == 0.01
    assert config.optimizer.iterations == model.training_config.optimizer.iterations == 9
    assert isinstance(config.loss, gn.CategoricalCrossEntropy)
    assert [metric.name for metric in config.metrics] == ["accuracy", "f1"]
    assert restored.history.history == model.history.history
    assert (restored.history.epochs, restored.history.iterations) == (3, 9)
    x, y = blobs(n=30)
    assert restored.evaluate(x, y) == model.evaluate(x, y)


def test_preprocessing_round_trips(tmp_path):
    path = tmp_path / "model.safetensors"
    model = trained(rich_model())
    model.preprocessing = {"classes": ["a", "b", "c"], "scaler": {"mean": [0.5], "std": [2.0]}}
    model.save(path)
    restored = gn.load(path)
    assert restored.preprocessing == model.preprocessing
    x, _ = blobs(n=10)
    assert restored.predict_classes(x).tolist() == model.predict_classes(x).tolist()


def test_an_uncompiled_float64_single_layer_round_trips(tmp_path):
    path = tmp_path / "neuron.safetensors"
    with gn.default_dtype("float64"):
        neuron = gn.Dense(1, activation="sigmoid", name="buy")
        neuron(np.zeros((1, 2)))
    neuron.save(path)
    restored = gn.load(path)
    assert isinstance(restored, gn.Dense)
    assert restored.kernel.dtype == np.float64
    assert getattr(restored, "training_config", None) is None
    x = np.random.default_rng(0).normal(size=(5, 2))
    assert np.array_equal(restored.predict(x), neuron.predict(x))


def test_save_overwrites_an_older_model(tmp_path):
    path = tmp_path / "model.safetensors"
    trained(rich_model(), path, epochs=1)
    model = trained(rich_model(), path, epochs=2)
    assert gn.load(path).history.epochs == 2
    assert_same_state(gn.load(path).state_dict(), model.state_dict())
    assert [p.name for p in tmp_path.iterdir()] == ["model.safetensors"]


# -- resuming ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OPTIMIZERS.names())
def test_three_epochs_saved_and_two_more_equal_five_uninterrupted(tmp_path, name):
    x, y = blobs(n=30)
    options = {"momentum": 0.9} if name == "sgd" else {}
    uninterrupted = classifier(optimizer=name, **options)
    uninterrupted.fit(x, y, epochs=5, batch_size=8, shuffle=False, verbose=0)

    first = classifier(optimizer=name, **options)
    first.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    first.save(tmp_path / "model.safetensors")
    resumed = gn.load(tmp_path / "model.safetensors")
    history = resumed.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)

    assert_same_state(resumed.state_dict(), uninterrupted.state_dict())
    assert history.history == uninterrupted.history.history
    assert (history.epochs, history.iterations) == (5, 5 * 4)
    optimizer = resumed.training_config.optimizer
    assert optimizer.iterations == uninterrupted.training_config.optimizer.iterations == 20


def test_resuming_without_the_optimizer_state_would_differ(tmp_path):
    """The check above has teeth: fresh Adam moments after loading give other weights."""
    x, y = blobs(n=30)
    uninterrupted = classifier()
    uninterrupted.fit(x, y, epochs=5, batch_size=8, shuffle=False, verbose=0)
    first = classifier()
    first.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    first.save(tmp_path / "model.safetensors")
    resumed = gn.load(tmp_path / "model.safetensors")
    resumed.compile("adam", "categorical_crossentropy", ["accuracy"], lr=0.05)  # forgets moments
    resumed.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    after = resumed.state_dict()["0.kernel"]
    assert not np.array_equal(after, uninterrupted.state_dict()["0.kernel"])


def test_a_model_whose_schedule_ended_at_rate_zero_reloads(tmp_path):
    x, y = blobs(n=12)
    model = classifier()
    schedule = gn.LearningRateScheduler("cosine", t_max=2)
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[schedule])
    assert model.training_config.optimizer.lr == 0.0
    model.save(tmp_path / "model.safetensors")
    restored = gn.load(tmp_path / "model.safetensors")
    assert restored.training_config.optimizer.lr == 0.0
    assert restored.training_config.optimizer.iterations == 6


# -- the file format -----------------------------------------------------------------------


def test_the_file_is_plain_safetensors_with_a_json_description(tmp_path):
    path = tmp_path / "model.safetensors"
    model = trained(rich_model(), path)
    raw = path.read_bytes()
    assert not raw.startswith((b"\x80", b"PK"))  # neither a pickle nor a zip (torch.save)
    header, document = header_of(path)
    length = int.from_bytes(raw[:8], "little")
    # every byte after the JSON header belongs to exactly one numeric tensor, in order
    spans = sorted(entry["data_offsets"] for key, entry in header.items() if key != "__metadata__")
    assert spans[0][0] == 0
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert spans[-1][1] == len(raw) - 8 - length
    dtypes = {entry["dtype"] for key, entry in header.items() if key != "__metadata__"}
    assert dtypes == {"F32"}
    assert set(header["__metadata__"]) == {"glassnet"}
    weights = {k.removeprefix("weights/") for k in header if k.startswith("weights/")}
    assert weights == set(model.state_dict())
    assert any(k.startswith("optimizer/") and k.endswith(".exp_avg") for k in header)
    assert document["format"] == "glassnet"
    assert document["version"] == 1
    assert document["input_shape"] == [3]
    assert document["architecture"]["class"] == "sequential"
    assert b"pickle" not in raw
    assert b"__reduce__" not in raw


# -- refusing what cannot be saved ---------------------------------------------------------


class TwoLayer(gn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = gn.Dense(4, activation="relu")
        self.out = gn.Dense(2)

    def forward(self, x):
        return self.out(self.hidden(x))


def test_a_custom_module_cannot_be_saved_and_is_told_what_to_do(tmp_path):
    model = TwoLayer()
    model(np.zeros((1, 3)))
    path = tmp_path / "model.safetensors"
    with pytest.raises(ConfigError) as caught:
        model.save(path)
    message = str(caught.value)
    assert "TwoLayer" in message
    assert "custom module" in message
    assert "state_dict()" in message
    assert not path.exists()


def test_a_custom_module_inside_a_sequential_is_named_with_its_position(tmp_path):
    model = gn.Sequential([gn.Dense(3), TwoLayer()])
    model(np.zeros((1, 3)))
    with pytest.raises(ConfigError, match=r"custom module TwoLayer '.*' \(at '1'\)"):
        model.save(tmp_path / "model.safetensors")


def test_a_model_that_never_saw_data_cannot_be_saved(tmp_path):
    with pytest.raises(ConfigError, match="has not seen data"):
        gn.Sequential([gn.Dense(2)]).save(tmp_path / "model.safetensors")


def test_a_save_failing_midway_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.safetensors"
    old = trained(rich_model(), path, epochs=1)
    before = path.read_bytes()

    def fail(source, target):
        raise OSError("disk full")

    monkeypatch.setattr("glassnet.io.atomic.os.replace", fail)
    newer = trained(rich_model(), epochs=2)
    with pytest.raises(OSError, match="disk full"):
        newer.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.safetensors"]  # no temporary left
    monkeypatch.undo()
    assert_same_state(gn.load(path).state_dict(), old.state_dict())


# -- refusing bad files --------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "good.safetensors"
    trained(rich_model(), path)
    return path


def assert_refused(path, *mentions):
    with pytest.raises(DataError) as caught:
        gn.load(path)
    message = str(caught.value)
    assert str(path) in message
    for mention in mentions:
        assert mention in message, message


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_pickle_is_refused_and_never_unpickled(tmp_path, monkeypatch, protocol):
    path = tmp_path / "model.pt"
    path.write_bytes(pickle.dumps({"weights": np.ones(3)}, protocol=protocol))
    monkeypatch.setattr(pickle, "loads", None)  # any attempt to unpickle would crash differently
    assert_refused(path)


def test_a_zip_archive_is_refused(tmp_path):
    path = tmp_path / "model.pt"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    assert_refused(path, "pickle or a zip")


def test_random_bytes_are_refused(tmp_path):
    path = tmp_path / "noise.safetensors"
    path.write_bytes(np.random.default_rng(0).bytes(4096))
    assert_refused(path, "not a readable glassnet model file")


@pytest.mark.parametrize("keep", [0, 5, 8, 100, 0.5, -1])
def test_a_truncated_file_is_refused(saved, tmp_path, keep):
    raw = saved.read_bytes()
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(raw[: int(len(raw) * keep) if isinstance(keep, float) else keep])
    assert_refused(cut)


def test_a_safetensors_file_without_glassnet_metadata_is_refused(tmp_path):
    path = tmp_path / "plain.safetensors"
    path.write_bytes(save_arrays({"weight": np.ones((2, 2), dtype=np.float32)}))
    assert_refused(path, "not a glassnet model")


def test_metadata_that_is_not_json_is_refused(saved, tmp_path):
    path = rewrite(saved, tmp_path / "bad.safetensors", raw_metadata={"glassnet": "{oops"})
    assert_refused(path, "not a glassnet model")


def test_tampered_weight_shapes_are_refused(saved, tmp_path):
    arrays = load_arrays(saved.read_bytes())
    arrays["weights/0.kernel"] = np.ones((3, 9), dtype=np.float32)
    path = rewrite(saved, tmp_path / "tampered.safetensors", arrays=arrays)
    assert_refused(path, "do not fit the architecture", "0.kernel", "(3, 9)", "(3, 8)")


def test_a_tampered_architecture_is_refused(saved, tmp_path):
    _, document = header_of(saved)
    document["architecture"]["config"]["layers"][0]["config"]["units"] = 16
    assert_refused(rewrite(saved, tmp_path / "t.safetensors", document=document), "0.kernel")


def test_missing_or_extra_weights_are_refused(saved, tmp_path):
    arrays = load_arrays(saved.read_bytes())
    del arrays["weights/1.running_var"]
    arrays["weights/9.kernel"] = np.ones(2, dtype=np.float32)
    path = rewrite(saved, tmp_path / "t.safetensors", arrays=arrays)
    assert_refused(path, "1.running_var", "9.kernel")


@pytest.mark.parametrize("where", ["top", "nested"])
def test_an_unknown_layer_class_is_refused(saved, tmp_path, where):
    _, document = header_of(saved)
    if where == "top":
        document["architecture"]["class"] = "os.system"
    else:
        document["architecture"]["config"]["layers"][2]["class"] = "os.system"
    path = rewrite(saved, tmp_path / "unknown.safetensors", document=document)
    assert_refused(path, "unknown layer class 'os.system'")


@pytest.mark.parametrize(
    ("change", "mention"),
    [
        (lambda d: d.update(version=99), "version 99"),
        (lambda d: d.update(format="other"), "does not describe a glassnet model"),
        (lambda d: d.update(dtype="float16"), "float16"),
        (lambda d: d.pop("input_shape"), "incomplete"),
        (lambda d: d["architecture"]["config"].update(layers=5), "cannot rebuild"),
        (lambda d: d["architecture"]["config"]["layers"][0]["config"].update(bogus=1), "bogus"),
        (lambda d: d["training"]["optimizer"].update(type="Evil"), "unknown optimizer 'evil'"),
        (lambda d: d["training"].update(loss="nope"), "training state is invalid"),
        (lambda d: d["training"]["optimizer"]["hyperparameters"].update(lr=-1), "learning rate"),
        (lambda d: d["training"]["optimizer"]["hyperparameters"].update(eps=-1), "eps"),
        (lambda d: d.update(training="yes"), "training state is invalid"),
        (lambda d: d.update(history={"epochs": 1}), "training history is invalid"),
        (lambda d: d.update(preprocessing=[1, 2]), "preprocessing"),
    ],
)
def test_a_malformed_description_is_a_data_error(saved, tmp_path, change, mention):
    _, document = header_of(saved)
    change(document)
    assert_refused(rewrite(saved, tmp_path / "bad.safetensors", document=document), mention)


def test_tampered_optimizer_state_is_refused(saved, tmp_path):
    arrays = load_arrays(saved.read_bytes())
    arrays["optimizer/0.exp_avg"] = np.ones((1, 1), dtype=np.float32)
    path = rewrite(saved, tmp_path / "t.safetensors", arrays=arrays)
    assert_refused(path, "training state is invalid", "0.exp_avg")


def test_a_folder_is_refused_with_a_hint(tmp_path):
    assert_refused(tmp_path, "is a folder")


def test_a_missing_file_is_refused(tmp_path):
    assert_refused(tmp_path / "nothing.safetensors", "does not exist")


def test_a_refused_file_is_left_alone(saved, tmp_path):
    arrays = load_arrays(saved.read_bytes())
    arrays["weights/0.kernel"] = np.ones((3, 9), dtype=np.float32)
    path = rewrite(saved, tmp_path / "tampered.safetensors", arrays=arrays)
    before = path.read_bytes()
    with pytest.raises(DataError):
        gn.load(path)
    assert path.read_bytes() == before


def test_regression_models_round_trip_too(tmp_path):
    x, y = regression(n=20)
    gn.seed(0)
    model = gn.Sequential([gn.Dense(4, activation="gelu"), gn.Dense(1)])
    model.compile("rmsprop", gn.Huber(delta=0.5), ["mae", "r2"], lr=0.01, clipnorm=1.0)
    model.fit(x, y, epochs=2, batch_size=5, verbose=0)
    model.save(tmp_path / "r.safetensors")
    restored = gn.load(tmp_path / "r.safetensors")
    assert restored.training_config.loss.get_config() == {
        "name": "huber",
        "delta": 0.5,
        "reduction": "mean",
    }
    assert restored.training_config.optimizer.clipnorm == 1.0
    assert restored.evaluate(x, y) == model.evaluate(x, y)
