"""``load_model``: rebuild a saved model, refusing anything that is not glassnet's own format.

Only layer classes registered in :data:`glassnet.nn.LAYERS` can be created, with the
JSON arguments the file gives; every array's shape is checked against the
architecture. Pickles, random bytes, truncated files and tampered shapes are
rejected with a ``DataError`` naming the file; nothing in a file is ever executed.

Example:
    >>> import glassnet as gn
    >>> model = gn.load("runs/digits/model.safetensors")  # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load

from glassnet.autograd.tensor import Tensor
from glassnet.backend import default_dtype
from glassnet.errors import DataError, GlassnetError
from glassnet.io.save import FORMAT_NAME, FORMAT_VERSION
from glassnet.nn.layers_registry import layer_from_config
from glassnet.nn.module import Module

_PICKLE_MAGIC = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")


def _read(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    if not path.exists():
        raise DataError(f"model file '{path}' does not exist")
    if path.is_dir():
        raise DataError(f"'{path}' is a folder; give the model file inside it (model.safetensors)")
    raw = path.read_bytes()
    if raw[:2] in _PICKLE_MAGIC or raw[:2] == b"PK":
        raise DataError(
            f"'{path}' looks like a pickle or a zip archive (e.g. a PyTorch .pt file); glassnet "
            "loads only its own safetensors format and never unpickles files"
        )
    try:
        arrays = load(raw)
    except (SafetensorError, ValueError, OSError) as exc:
        raise DataError(f"'{path}' is not a readable glassnet model file ({exc})") from None
    header_length = int.from_bytes(raw[:8], "little")
    try:
        header = json.loads(raw[8 : 8 + header_length])
        document = json.loads(header.get("__metadata__", {})[FORMAT_NAME])
    except (ValueError, KeyError, TypeError):
        raise DataError(
            f"'{path}' is a safetensors file but not a glassnet model (no '{FORMAT_NAME}' "
            "description in its header)"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise DataError(f"'{path}' does not describe a glassnet model")
    if document.get("version") != FORMAT_VERSION:
        raise DataError(
            f"'{path}' uses glassnet model format version {document.get('version')}; this "
            f"glassnet reads version {FORMAT_VERSION}"
        )
    return arrays, document


def load_model(path: str | Path) -> Module:
    """Rebuild the model saved at ``path``: architecture, weights, preprocessing, training state."""
    path = Path(path)
    arrays, document = _read(path)
    try:
        dtype = np.dtype(document.get("dtype", "float32"))
        input_shape = tuple(int(n) for n in document["input_shape"])
        architecture = document["architecture"]
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"'{path}': the model description is incomplete ({exc})") from None
    if dtype.name not in ("float32", "float64"):
        raise DataError(f"'{path}' declares dtype {dtype}; only float32 and float64 exist")
    with default_dtype(dtype):
        try:
            model = layer_from_config(architecture)
        except (TypeError, GlassnetError) as exc:
            raise DataError(f"'{path}': cannot rebuild the architecture: {exc}") from None
        model.eval()
        model(Tensor(np.zeros((1, *input_shape), dtype=dtype)))  # creates every weight
        model.train()
    weights = {k.removeprefix("weights/"): v for k, v in arrays.items() if k.startswith("weights/")}
    try:
        model.load_state_dict(weights)
    except GlassnetError as exc:
        raise DataError(f"'{path}': the weights do not fit the architecture: {exc}") from None
    preprocessing = document.get("preprocessing", {})
    if not isinstance(preprocessing, dict):
        raise DataError(
            f"'{path}': the saved preprocessing must be a JSON object, got {preprocessing!r:.80}"
        )
    model.preprocessing = preprocessing
    _restore_training(model, document, arrays, path)
    return model


def _restore_training(
    model: Module, document: dict, arrays: dict[str, np.ndarray], path: Path
) -> None:
    from glassnet.train.api import compile_model
    from glassnet.train.history import History

    training = document.get("training")
    if training:
        try:
            optimizer = training["optimizer"]
            # The saved rate is restored by load_state_dict below, which accepts 0 (where
            # a cosine schedule ends); the optimizer's constructor would refuse it.
            settings = {k: v for k, v in optimizer["hyperparameters"].items() if k != "lr"}
            compile_model(
                model, optimizer["type"].lower(), training["loss"], training["metrics"], **settings
            )
            slots = {
                k.removeprefix("optimizer/"): v
                for k, v in arrays.items()
                if k.startswith("optimizer/")
            }
            model.training_config.optimizer.load_state_dict(optimizer, slots)
        except (GlassnetError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataError(
                f"'{path}': the saved training state is invalid: {type(exc).__name__}: {exc}"
            ) from None
    if "history" in document:
        try:
            model.history = History.from_dict(document["history"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataError(
                f"'{path}': the saved training history is invalid: {type(exc).__name__}: {exc}"
            ) from None
