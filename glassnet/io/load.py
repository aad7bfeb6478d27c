"""``load_model``: rebuild a saved model, refusing anything that is not glassnet's own format.

A model file is treated as untrusted input. Only layer classes registered in
:data:`glassnet.nn.LAYERS` can be created, with the JSON arguments the file gives;
the description is checked before anything is built (known entries only, sane
sizes, no absurd nesting — see :mod:`glassnet.io.file_checks`), every setting in it
must be one the rebuilt model really uses, and every array's shape, dtype and
values are checked against the architecture. Pickles, zip archives, random bytes,
truncated files and tampered descriptions are rejected with a ``DataError`` naming
the file; nothing in a file is ever imported or executed.

Example:
    >>> import glassnet as gn
    >>> model = gn.load("runs/digits/model.safetensors")  # doctest: +SKIP
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load

from glassnet.autograd.tensor import Tensor
from glassnet.backend import default_dtype
from glassnet.backend.memory import BudgetExceeded, format_bytes, parameter_budget
from glassnet.errors import DataError, GlassnetError
from glassnet.io import file_checks
from glassnet.io.save import FORMAT_NAME, FORMAT_VERSION
from glassnet.nn.layers_registry import LAYERS, layer_from_config
from glassnet.nn.module import Module

_PICKLE_MAGIC = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")

# What building a layer from hostile arguments can raise besides glassnet's own
# errors: a constructor given a wrong type, NumPy refusing a shape, memory running out.
_BUILD_ERRORS = (
    GlassnetError,
    TypeError,
    ValueError,
    IndexError,
    ArithmeticError,
    MemoryError,
    RecursionError,
)


def read_model_file(path: str | Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays and the JSON description of a glassnet model file, checked but not built.

    Used by :func:`load_model` and by training checkpoints (``glassnet.train.checkpointing``).

    Raises:
        DataError: naming ``path``: missing, a folder or device, empty, a pickle or zip
            archive, not safetensors, no glassnet description, another format version,
            unknown entries or absurd nesting in the description.
    """
    path = Path(path)
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataError(
                f"model file '{path}' is a symbolic link that loops (it leads back to itself); "
                "point it at the model file"
            ) from None
        if path.is_symlink():
            raise DataError(
                f"model file '{path}' is a symbolic link to '{os.readlink(path)}', which does "
                "not exist"
            ) from None
        if exc.errno != errno.ENOENT:
            raise DataError(f"cannot read model file '{path}': {exc.strerror}") from None
    except ValueError as exc:  # a NUL byte in the path
        raise DataError(f"model file '{path}' cannot exist: {exc}") from None
    if not path.exists():
        raise DataError(f"model file '{path}' does not exist")
    if path.is_dir():
        raise DataError(f"'{path}' is a folder; give the model file inside it (model.safetensors)")
    if not path.is_file():
        raise DataError(f"'{path}' is not a regular file (a device, pipe or socket?)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read model file '{path}': {exc.strerror or exc}") from None
    if not raw:
        raise DataError(f"'{path}' is empty (0 bytes); it is not a glassnet model file")
    # A safetensors file starts with its header's length (8 bytes) and then "{": those
    # 8 bytes can happen to begin like a pickle or a zip, the "{" after them cannot.
    looks_like_safetensors = raw[8:9] == b"{"
    if not looks_like_safetensors and (raw[:2] in _PICKLE_MAGIC or raw[:2] == b"PK"):
        raise DataError(
            f"'{path}' looks like a pickle or a zip archive (e.g. a PyTorch .pt file); glassnet "
            "loads only its own safetensors format and never unpickles files"
        )
    try:
        arrays = load(raw)
    except (SafetensorError, ValueError, OSError, MemoryError) as exc:
        raise DataError(f"'{path}' is not a readable glassnet model file ({exc})") from None
    header_length = int.from_bytes(raw[:8], "little")
    try:
        header = json.loads(raw[8 : 8 + header_length])
        document = json.loads(header.get("__metadata__", {})[FORMAT_NAME])
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise DataError(
            f"'{path}' is a safetensors file but not a glassnet model (no '{FORMAT_NAME}' "
            "description in its header)"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise DataError(f"'{path}' does not describe a glassnet model")
    if document.get("version") != FORMAT_VERSION:
        raise DataError(
            f"'{path}' uses glassnet model format version {document.get('version')!r}; this "
            f"glassnet reads version {FORMAT_VERSION}"
        )
    file_checks.check_document(document, path)
    return arrays, document


def load_model(path: str | Path) -> Module:
    """Rebuild the model saved at ``path``: architecture, weights, preprocessing, training state.

    Raises:
        DataError: naming ``path``, for anything that is not an intact glassnet model
            file (see the module docstring); the file is never modified.
    """
    path = Path(path)
    arrays, document = read_model_file(path)
    return build_model(arrays, document, path)


def build_model(arrays: dict[str, np.ndarray], document: dict[str, Any], path: Path) -> Module:
    """The model that :func:`read_model_file`'s arrays and description describe."""
    dtype = file_checks.declared_dtype(document, path)
    input_shape = file_checks.input_shape(document, path)
    if "architecture" not in document:
        raise DataError(f"'{path}': the model description is incomplete (no 'architecture')")
    architecture = document["architecture"]
    file_checks.check_sizes(architecture, arrays, input_shape, path)
    model, outputs = _build(architecture, input_shape, dtype, arrays, path)
    _load_weights(model, arrays, path)
    model.preprocessing = file_checks.check_preprocessing(
        document.get("preprocessing", {}), outputs, path
    )
    _restore_training(model, document, arrays, path)
    return model


def _build(
    architecture: Any,
    input_shape: tuple[int, ...],
    dtype: np.dtype,
    arrays: dict[str, np.ndarray],
    path: Path,
) -> tuple[Module, int]:
    """The model the architecture describes (its weights created by one dummy sample),
    and the number of values it outputs per sample."""
    limit, reason = file_checks.parameter_budget(arrays, dtype)
    with default_dtype(dtype), parameter_budget(limit):
        try:
            model = layer_from_config(architecture)
            model.eval()
            output = model(Tensor(np.zeros((1, *input_shape), dtype=dtype)))  # creates weights
            model.train()
            # A JSON round trip, so the rebuilt description compares like the saved one.
            rebuilt = json.loads(
                json.dumps({"class": LAYERS.name_of(type(model)), "config": model.get_config()})
            )
        except BudgetExceeded as exc:
            raise DataError(
                f"'{path}': the architecture describes at least {exc.total} weights "
                f"({format_bytes(exc.total * dtype.itemsize)} as {dtype.name}), but {reason}; "
                f"refused before allocating them: {exc}"
            ) from None
        except _BUILD_ERRORS as exc:
            raise DataError(
                f"'{path}': cannot rebuild the architecture: {type(exc).__name__}: {exc}"
            ) from None
    ignored = file_checks.ignored_settings(architecture, rebuilt)
    if ignored:
        raise DataError(
            f"'{path}': the architecture has settings no glassnet layer uses: "
            f"{', '.join(ignored[:5])}; the file was edited or written by another program"
        )
    return model, int(np.prod(output.shape[1:]))


def _load_weights(model: Module, arrays: dict[str, np.ndarray], path: Path) -> None:
    expected = model.state_dict()
    file_checks.check_arrays(arrays, expected, path)
    weights = {k.removeprefix("weights/"): v for k, v in arrays.items() if k.startswith("weights/")}
    try:
        model.load_state_dict(weights)
    except GlassnetError as exc:
        raise DataError(f"'{path}': the weights do not fit the architecture: {exc}") from None


def _restore_training(
    model: Module, document: dict, arrays: dict[str, np.ndarray], path: Path
) -> None:
    from glassnet.train.api import compile_model
    from glassnet.train.history import History

    training = document.get("training")
    if training:
        try:
            unknown = sorted(set(training) - {"loss", "metrics", "optimizer", "precision"})
            if unknown:
                raise KeyError(f"unknown entries {unknown}")
            optimizer = training["optimizer"]
            # The saved rate is restored by load_state_dict below, which accepts 0 (where
            # a cosine schedule ends); the optimizer's constructor would refuse it.
            settings = {k: v for k, v in optimizer["hyperparameters"].items() if k != "lr"}
            compile_model(
                model,
                optimizer["type"].lower(),
                training["loss"],
                training["metrics"],
                precision=training.get("precision", "float32"),
                **settings,
            )
            slots = {
                k.removeprefix("optimizer/"): v
                for k, v in arrays.items()
                if k.startswith("optimizer/")
            }
            model.training_config.optimizer.load_state_dict(optimizer, slots)
        except (
            GlassnetError,
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
            ArithmeticError,
        ) as exc:
            raise DataError(
                f"'{path}': the saved training state is invalid: {type(exc).__name__}: {exc}"
            ) from None
    if "history" in document:
        try:
            model.history = History.from_dict(document["history"])
        except DataError as exc:
            raise DataError(f"'{path}': the saved training history is invalid: {exc}") from None
