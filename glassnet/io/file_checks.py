"""Checks that a model file's description is sane *before* anything is built from it.

A model file is untrusted input: it may have been edited by hand, truncated, or
crafted to make a loader allocate terabytes, recurse until the stack overflows, or
quietly ignore a setting. Each check here raises a ``DataError`` that names the
file and the offending entry, so :func:`glassnet.io.load.load_model` only builds
models whose description makes sense.

Example:
    >>> from pathlib import Path
    >>> input_shape({"input_shape": [3]}, Path("model.safetensors"))
    (3,)
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.backend.memory import format_bytes
from glassnet.errors import ConfigError, DataError

# The entries save_model writes; anything else means the file was edited or comes
# from another program (a newer format would have a newer version number).
DOCUMENT_KEYS = (
    "format",
    "version",
    "architecture",
    "input_shape",
    "dtype",
    "preprocessing",
    "training",
    "history",
    "fit",  # a training checkpoint's resume state (glassnet.train.checkpointing)
)
DTYPES = ("float32", "float64")
# Nesting deeper than this is no real architecture (a Sequential in a Sequential in ...)
# but could exhaust Python's recursion limit in the code that reads it.
MAX_DEPTH = 64
# One sample's input (the loader runs one dummy sample through the model to create its
# weights): 2**26 values is a 3 x 4096 x 4096 image and 256 MiB of float32.
MAX_SAMPLE_VALUES = 2**26
# The most weights a model file may describe, whatever it stores (see max_parameters).
MAX_PARAMETERS_VARIABLE = "GLASSNET_MAX_PARAMETERS"
DEFAULT_MAX_PARAMETERS = 300_000_000
# A size below this is always allowed (a pooling window, a small layer of a tiny model).
SMALL_SIZE = 2**16


def nesting_depth(value: Any) -> int:
    """How deeply lists and dicts nest in ``value`` (0 for a plain number or string)."""
    deepest = 0
    pending = [(value, 0)]
    while pending:  # iterative, so a hostile depth cannot overflow the stack here
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth + 1)
            if deepest > MAX_DEPTH:
                return deepest
            pending.extend((child, depth + 1) for child in item)
    return deepest


def check_document(document: Any, path: Path) -> None:
    """The description is a JSON object of known entries, not absurdly nested."""
    if not isinstance(document, dict):
        raise DataError(f"'{path}' does not describe a glassnet model")
    if nesting_depth(document) > MAX_DEPTH:
        raise DataError(
            f"'{path}': the model description nests deeper than {MAX_DEPTH} levels; "
            "no glassnet model does, the file was crafted or damaged"
        )
    unknown = sorted(set(document) - set(DOCUMENT_KEYS))
    if unknown:
        raise DataError(
            f"'{path}': unknown entries {unknown} in the model description; glassnet writes "
            f"only {list(DOCUMENT_KEYS)} (was the file edited by hand or by another program?)"
        )
    check_text(document, path)


def _is_text(text: str) -> bool:
    """False for a string holding lone surrogates (JSON ``"\\ud800"``), which no file,
    terminal or plot can write: printing such a layer or class name fails."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(document: Any, path: Path) -> None:
    """Every name and string in the description is real text (no lone surrogates)."""
    pending = [(document, "")]
    while pending:
        item, where = pending.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                inside = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and not _is_text(key):
                    raise DataError(
                        f"'{path}': the entry name {key!r} in {where or 'the description'} is "
                        "not valid Unicode text (a lone surrogate); the file was crafted or damaged"
                    )
                pending.append((value, inside))
        elif isinstance(item, list):
            pending.extend((value, f"{where}[{i}]") for i, value in enumerate(item))
        elif isinstance(item, str) and not _is_text(item):
            raise DataError(
                f"'{path}': {where} is {item!r:.80}, which is not valid Unicode text (a lone "
                "surrogate); no name can hold it, the file was crafted or damaged"
            )


def declared_dtype(document: dict, path: Path) -> np.dtype:
    """The model's float dtype: exactly the string "float32" or "float64"."""
    name = document.get("dtype", "float32")
    if not isinstance(name, str) or name not in DTYPES:
        raise DataError(f"'{path}' declares dtype {name!r}; only float32 and float64 exist")
    return np.dtype(name)


def input_shape(document: dict, path: Path) -> tuple[int, ...]:
    """The shape of one sample: a list of positive whole numbers of sane total size."""
    if "input_shape" not in document:
        raise DataError(f"'{path}': the model description is incomplete (no 'input_shape')")
    shape = document["input_shape"]
    if not isinstance(shape, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in shape
    ):
        raise DataError(
            f"'{path}': input_shape must be a list of positive whole numbers, got {shape!r:.80}"
        )
    if math.prod(shape) > MAX_SAMPLE_VALUES:
        raise DataError(
            f"'{path}': input_shape {shape} means {math.prod(shape)} values per sample, more "
            f"than glassnet loads ({MAX_SAMPLE_VALUES}); the file was crafted or damaged"
        )
    return tuple(shape)


def check_sizes(architecture: Any, arrays: dict[str, np.ndarray], shape: tuple, path: Path) -> None:
    """No whole number in the architecture exceeds what the file's arrays could hold.

    A layer of ``units`` outputs stores at least ``units`` numbers (its bias or its
    kernel), so a file holding ``n`` numbers cannot honestly describe a larger
    layer. Refusing it here keeps a crafted ``units: 10**12`` from allocating memory.
    """
    stored = sum(int(array.size) for array in arrays.values())
    limit = max(stored, math.prod(shape), SMALL_SIZE)
    pending = [(architecture, "architecture")]
    while pending:
        item, where = pending.pop()
        if isinstance(item, dict):
            pending.extend((value, f"{where}.{key}") for key, value in item.items())
        elif isinstance(item, list):
            pending.extend((value, f"{where}[{i}]") for i, value in enumerate(item))
        elif isinstance(item, int) and not isinstance(item, bool) and item > limit:
            raise DataError(
                f"'{path}': {where} is {item}, but the file stores only {stored} numbers, "
                "so no layer can be that large; the file was crafted or damaged"
            )


def max_parameters() -> int:
    """The most weights glassnet builds from any file: ``GLASSNET_MAX_PARAMETERS`` or 300 million.

    300 million float32 weights are 1.2 GB, more than any model glassnet trains; a
    larger one is loaded by raising the variable.
    """
    text = os.environ.get(MAX_PARAMETERS_VARIABLE)
    if text is None or not text.strip():
        return DEFAULT_MAX_PARAMETERS
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise ConfigError(
            f"{MAX_PARAMETERS_VARIABLE} must be a positive whole number of weights, got {text!r}"
        )
    return value


def parameter_budget(arrays: dict[str, np.ndarray], dtype: np.dtype) -> tuple[int, str]:
    """How many weights the file's architecture may create, and why that many.

    Every weight of a saved model is stored in the file (``load_model`` refuses a file
    whose stored weights do not match the model), so a model cannot have more weights
    than the file stores values under ``weights/`` (plus ``SMALL_SIZE``): a crafted architecture of a few
    hundred bytes is refused before its first large weight is allocated, instead of
    after gigabytes have been filled with random numbers. The budget is also capped by
    :func:`max_parameters`.
    """
    stored = sum(int(a.size) for key, a in arrays.items() if key.startswith("weights/"))
    cap = max_parameters()
    # The slack lets a slightly different architecture be built, so that the weights'
    # own check can name the weight whose shape differs.
    if stored + SMALL_SIZE <= cap:
        return stored + SMALL_SIZE, (
            f"the file stores only {stored} weight values "
            f"({format_bytes(stored * dtype.itemsize)} as {dtype.name})"
        )
    return (
        cap,
        f"glassnet loads at most {cap} weights (set {MAX_PARAMETERS_VARIABLE} to allow more)",
    )


def ignored_settings(saved: Any, rebuilt: Any, where: str = "architecture") -> list[str]:
    """Entries of the saved architecture that the rebuilt model does not have.

    A layer constructor may ignore a key it does not know (``Sequential`` reads only
    ``layers`` and ``name``); comparing the saved description with the rebuilt
    model's own shows such silently dropped settings.
    """
    if isinstance(saved, dict) and isinstance(rebuilt, dict):
        found = [f"{where}.{key}" for key in saved if key not in rebuilt]
        for key in saved:
            if key in rebuilt:
                found += ignored_settings(saved[key], rebuilt[key], f"{where}.{key}")
        return found
    if isinstance(saved, list) and isinstance(rebuilt, list):
        found = []
        for index, (a, b) in enumerate(zip(saved, rebuilt, strict=False)):
            found += ignored_settings(a, b, f"{where}[{index}]")
        if len(saved) != len(rebuilt):
            found.append(f"{where} (has {len(saved)} entries, the model {len(rebuilt)})")
        return found
    return []


def check_arrays(
    arrays: dict[str, np.ndarray], expected: dict[str, np.ndarray], path: Path
) -> None:
    """Stored weights have the model's dtypes, and no stored float is NaN or infinite."""
    for key, array in sorted(arrays.items()):
        name = key.removeprefix("weights/")
        if key.startswith("weights/") and name in expected:
            want = expected[name].dtype
            if array.dtype != want:
                raise DataError(
                    f"'{path}': weight '{name}' is stored as {array.dtype} but the model is "
                    f"{want}; the file was edited or damaged"
                )
        what = {"weights": "weight", "optimizer": "optimizer state"}.get(key.split("/")[0])
        if what and array.dtype.kind == "f" and not np.isfinite(array).all():
            raise DataError(
                f"'{path}': {what} '{key.split('/', 1)[1]}' holds NaN or infinite values; a "
                "model with such numbers predicts nonsense (was it saved after training diverged?)"
            )


def check_preprocessing(preprocessing: Any, outputs: int, path: Path) -> dict:
    """The saved preprocessing: a JSON object whose entries glassnet reads are well formed.

    The object is the user's (``model.preprocessing``), so only what glassnet itself
    reads is checked: a ``scaler`` / ``target_scaler`` that names a glassnet scaler
    class must rebuild (finite statistics of one length), so must the table encoder
    ``glassnet train`` saves under ``source``, and ``classes`` must be a
    list with one name per output (two for a single sigmoid output), so that
    ``predict_classes`` and ``glassnet predict`` cannot fail half-way on a damaged entry.
    """
    from glassnet.data.preprocessing import scaler_from_state
    from glassnet.data.table_encoder import TableEncoder

    if not isinstance(preprocessing, dict):
        raise DataError(
            f"'{path}': the saved preprocessing must be a JSON object, got {preprocessing!r:.80}"
        )
    for key in ("scaler", "target_scaler"):
        state = preprocessing.get(key)
        if isinstance(state, dict) and "class" in state:
            try:
                scaler_from_state(state)
            except DataError as exc:
                raise DataError(
                    f"'{path}': the saved preprocessing '{key}' is invalid: {exc}"
                ) from None
    source = preprocessing.get("source")
    if isinstance(source, dict) and isinstance(source.get("encoder"), dict):
        try:  # how `glassnet train` read its CSV; `glassnet predict` encodes new files with it
            TableEncoder.from_state(source["encoder"])
        except DataError as exc:
            raise DataError(f"'{path}': the saved table encoder is invalid: {exc}") from None
    classes = preprocessing.get("classes")
    if classes is None or classes == []:
        return preprocessing
    if not isinstance(classes, list):
        raise DataError(f"'{path}': the saved class names must be a list, got {classes!r:.80}")
    if len(classes) != outputs and not (outputs == 1 and len(classes) == 2):
        raise DataError(
            f"'{path}': {len(classes)} class names are saved for a model with {outputs} "
            "outputs; the file was edited or damaged"
        )
    return preprocessing
