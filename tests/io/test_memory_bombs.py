"""Model files and sizes that would allocate gigabytes are refused before allocating.

A crafted model file of a few hundred bytes can describe layers whose sizes each pass
the per-number check of ``file_checks.check_sizes`` (a wide input, two 65536-unit
layers) but together need gigabytes of weights. Every weight of a model is stored in
its file, so the loader refuses, before its first large allocation, an architecture
that needs more weights than the file stores (or more than GLASSNET_MAX_PARAMETERS).
"""

from __future__ import annotations

import copy
import json
import tracemalloc

import numpy as np
import pytest
from safetensors.numpy import load as load_arrays
from safetensors.numpy import save as save_arrays

import glassnet as gn
from glassnet.backend import memory
from glassnet.cli.train_options import hidden_sizes
from glassnet.errors import ConfigError, DataError
from glassnet.io import file_checks


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "model.safetensors"
    gn.seed(0)
    model = gn.Sequential([gn.Dense(4, activation="relu"), gn.Dense(3)])
    model.compile("adam", "categorical_crossentropy", lr=0.01)
    x = np.random.default_rng(0).normal(size=(12, 3)).astype(np.float32)
    model.fit(x, np.arange(12) % 3, epochs=1, batch_size=4, verbose=0)
    model.save(path)
    return path


def crafted(saved, tmp_path, change):
    """A copy of ``saved`` without its optimizer state, its description changed by ``change``."""
    raw = saved.read_bytes()
    length = int.from_bytes(raw[:8], "little")
    document = json.loads(json.loads(raw[8 : 8 + length])["__metadata__"]["glassnet"])
    document = copy.deepcopy(document)
    del document["training"]
    change(document)
    arrays = {k: v for k, v in load_arrays(raw).items() if k.startswith("weights/")}
    path = tmp_path / "crafted.safetensors"
    path.write_bytes(save_arrays(arrays, metadata={"glassnet": json.dumps(document)}))
    return path


def layers(document):
    return document["architecture"]["config"]["layers"]


def wide_input(document):  # 2**26 inputs x 4 units: 1 GiB of kernel (the 364-byte file's kind)
    document["input_shape"] = [2**26]


def wide_layers(document):  # 65536 x 65536: 16 GiB, each size passing check_sizes
    layers(document)[0]["config"]["units"] = 2**16
    layers(document)[1]["config"]["units"] = 2**16


@pytest.mark.parametrize("change", [wide_input, wide_layers], ids=["wide-input", "wide-layers"])
def test_an_architecture_needing_more_weights_than_the_file_stores_is_refused(
    saved, tmp_path, change
):
    path = crafted(saved, tmp_path, change)
    assert path.stat().st_size < 2000
    tracemalloc.start()
    try:
        with pytest.raises(DataError) as caught:
            gn.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert str(path) in message
    assert "the file stores only 31 weight values (124 bytes as float32)" in message
    assert "refused before allocating" in message
    # Nothing near the weights' size was allocated: at most the one dummy sample
    # (2**26 float32 = 256 MiB for the wide input, as MAX_SAMPLE_VALUES allows).
    assert peak < 4 * 2**26 + 2**24, peak


def test_the_message_names_the_size_the_architecture_would_take(saved, tmp_path):
    path = crafted(saved, tmp_path, wide_layers)
    with pytest.raises(DataError, match=r"at least 196608 weights \(768.0 KiB as float32\)"):
        gn.load(path)


def test_glassnet_max_parameters_caps_what_any_file_may_describe(saved, tmp_path, monkeypatch):
    path = crafted(saved, tmp_path, lambda document: None)
    assert gn.load(path).count_params() == 31
    monkeypatch.setenv("GLASSNET_MAX_PARAMETERS", "20")
    with pytest.raises(DataError, match="glassnet loads at most 20 weights"):
        gn.load(path)
    monkeypatch.setenv("GLASSNET_MAX_PARAMETERS", "many")
    with pytest.raises(ConfigError, match="GLASSNET_MAX_PARAMETERS must be a positive"):
        gn.load(path)


def test_the_default_cap_is_a_few_hundred_million(monkeypatch):
    monkeypatch.delenv("GLASSNET_MAX_PARAMETERS", raising=False)
    assert file_checks.max_parameters() == 300_000_000


# -- sizes the machine cannot hold ----------------------------------------------------------


def test_a_weight_larger_than_the_available_memory_is_refused_naming_its_bytes():
    with pytest.raises(ConfigError) as caught:
        memory.check_allocation((10**6, 10**7), "float32", "Dense 'huge' kernel")
    message = str(caught.value)
    assert "Dense 'huge' kernel of shape (1000000, 10000000)" in message
    assert "would take 36.4 TiB" in message and "of memory is available" in message


def test_a_dense_layer_too_large_for_the_machine_is_refused_before_allocating():
    layer = gn.Dense(10**7, input_dim=None)
    with pytest.raises(ConfigError, match=r"Dense '.*' kernel of shape \(1000000, 10000000\)"):
        layer(np.zeros((1, 10**6), dtype=np.float32))
    assert layer.kernel is None


def test_small_allocations_and_budgets(monkeypatch):
    assert memory.check_allocation((3, 4), np.float64, "x") == 96
    with memory.parameter_budget(12):
        memory.check_allocation((3, 4), "float32", "x")
        with pytest.raises(memory.BudgetExceeded, match="total to 13, above the budget of 12"):
            memory.check_allocation((1,), "float32", "y")
    memory.check_allocation((1000,), "float32", "no budget outside the block")
    assert memory.format_bytes(1023) == "1023 bytes"
    assert memory.format_bytes(3 * 2**30) == "3.0 GiB"


def test_available_memory_is_known_on_linux():
    available = memory.available_bytes()
    assert available is None or available > 0


@pytest.mark.parametrize("text", ["10000000000", "64,10000000000", "200000,200000"])
def test_hidden_sizes_the_machine_cannot_hold_are_refused_naming_the_bytes(text):
    with pytest.raises(ConfigError) as caught:
        hidden_sizes(text)
    message = str(caught.value)
    assert "would take" in message and "GiB" in message and f"--layers '{text}'" in message


def test_ordinary_hidden_sizes_pass():
    assert hidden_sizes("256,128,10") == [256, 128, 10]
