"""Which data a model saw: a content fingerprint of a file or folder, and hashes of rows.

A model's split record names its training file by what it holds, not by its path:
the same file copied elsewhere is recognised, and a file edited since training is
not mistaken for it. Row hashes let a command say that rows of another file are
identical to rows the model trained on.

Example:
    >>> import pandas as pd
    >>> a = row_hashes(pd.DataFrame({"x": [1, 2], "c": ["u", "v"]}), ["x", "c"])
    >>> b = row_hashes(pd.DataFrame({"c": ["v"], "x": [2.0]}), ["x", "c"])
    >>> bool(a[1] == b[0])
    True
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

_CHUNK = 1 << 20


def bundled_fingerprint(name: str) -> str:
    """A bundled data set is its own name: its contents ship with glassnet."""
    return f"bundled:{name}"


def file_fingerprint(path: str | Path) -> str:
    """``sha256:<hex>`` of a file's bytes, or of a folder's sorted file names and bytes."""
    path = Path(path)
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with open(file, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def row_hashes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One uint64 per row of ``frame[columns]``, equal for rows with equal values.

    Numbers are compared as float64 (``3`` and ``3.0`` are the same value) and
    everything else as text, so the same row read from a CSV and from a Parquet
    file, or with a missing value elsewhere in its column, hashes alike.
    """
    normalised = pd.DataFrame(index=range(len(frame)))
    for name in columns:
        column = frame[name].reset_index(drop=True)
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            normalised[name] = column.astype("float64")
        else:
            normalised[name] = column.astype("string")
    return pd.util.hash_pandas_object(normalised, index=False).to_numpy(dtype=np.uint64)
