"""Class labels as numbers: ``ClassEncoder`` (any labels ↔ 0..k-1) and ``one_hot``.

A network's output neuron *i* stands for class *i*, so labels such as ``"cat"`` or
``7`` are first mapped to ids ``0, 1, …, k-1`` (sorted order, like scikit-learn's
``LabelEncoder``) and, for a softmax output, to one-hot rows.

Example:
    >>> enc = ClassEncoder().fit(["dog", "cat", "dog"])
    >>> enc.transform(["cat", "dog"]).tolist()
    [0, 1]
    >>> one_hot([0, 2], num_classes=3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from glassnet.backend import get_default_dtype
from glassnet.errors import DataError, ShapeError

# Values that cannot be a class label: they hold several values (and are unhashable).
_CONTAINERS = (list, tuple, dict, set, np.ndarray)


def _as_labels(labels: Any, who: str) -> np.ndarray:
    """``labels`` as a 1-D array ((N, 1) is accepted and flattened); errors otherwise."""
    array = labels.to_numpy() if isinstance(labels, (pd.Series, pd.Index)) else np.asarray(labels)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ShapeError(f"{who} expects a 1-D array of labels, got shape {array.shape}")
    return array


def _list_some(values: list[Any], limit: int = 5) -> str:
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f" … ({len(values)} in all)" if len(values) > limit else "")


def one_hot(labels: Any, num_classes: int | None = None) -> np.ndarray:
    """One row per label with a 1.0 in the label's column and 0.0 elsewhere.

    Args:
        labels: integer class ids ``0..num_classes-1`` (use :class:`ClassEncoder`
            first for other labels).
        num_classes: the number of columns; ``max(labels) + 1`` if not given.

    Returns:
        A float array (default dtype, float32 unless changed) of shape
        ``(len(labels), num_classes)``.

    Raises:
        DataError: a label is not an integer, is negative or is ``>= num_classes``.

    Example:
        >>> one_hot([1, 0]).tolist()
        [[0.0, 1.0], [1.0, 0.0]]
    """
    array = _as_labels(labels, "one_hot")
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
        array = array.astype(np.int64)  # 0.0/1.0 labels from a float array are still ids
    if array.dtype.kind not in "iu":
        raise DataError(
            f"one_hot expects integer class ids 0..k-1, got dtype {array.dtype}; "
            "map other labels to ids with ClassEncoder first"
        )
    if array.size and array.min() < 0:
        raise DataError(f"one_hot: class ids must be >= 0, got {int(array.min())}")
    top = int(array.max()) + 1 if array.size else 0
    if num_classes is None:
        num_classes = top
    elif top > num_classes:
        bad = sorted({int(v) for v in array[array >= num_classes]})
        raise DataError(
            f"one_hot: num_classes={num_classes} allows ids 0..{num_classes - 1}, "
            f"got id(s) {_list_some(bad)}"
        )
    result = np.zeros((array.shape[0], num_classes), dtype=get_default_dtype())
    result[np.arange(array.shape[0]), array] = 1.0
    return result


class ClassEncoder:
    """Maps labels of any type (strings, ints, bools) to class ids ``0..k-1`` and back.

    ``classes`` holds the distinct training labels in sorted order; class id *i*
    is ``classes[i]``. A label not seen by ``fit`` is an error at ``transform``
    rather than a silent new id, because the network has no output neuron for it.

    Example:
        >>> enc = ClassEncoder().fit([3, 1, 3])
        >>> enc.classes.tolist(), enc.inverse_transform([1, 0]).tolist()
        ([1, 3], [3, 1])
    """

    def __init__(self) -> None:
        self.classes: np.ndarray | None = None
        self._index: dict[Any, int] = {}

    @property
    def num_classes(self) -> int:
        """How many classes ``fit`` found (0 before fit)."""
        return 0 if self.classes is None else len(self.classes)

    def fit(self, labels: Any) -> ClassEncoder:
        """Learn the sorted set of distinct labels."""
        array = _as_labels(labels, "ClassEncoder.fit")
        if array.size == 0:
            raise DataError("ClassEncoder.fit got no labels; it needs at least one")
        missing = np.flatnonzero(pd.isna(array))
        if missing.size:
            raise DataError(
                f"ClassEncoder.fit: labels are missing (NaN/None) at position(s) "
                f"{_list_some(missing.tolist())}; drop those rows or fill them in"
            )
        if array.dtype == object:
            nested = [i for i, v in enumerate(array.tolist()) if isinstance(v, _CONTAINERS)]
            if nested:
                raise DataError(
                    f"ClassEncoder.fit: a label must be one value (text, a number), got "
                    f"{array[nested[0]]!r:.40} at position(s) {_list_some(nested)}"
                )
        try:
            classes = np.unique(array)
        except (TypeError, ValueError) as exc:  # ValueError: labels that are arrays
            kinds = sorted({type(v).__name__ for v in array.tolist()})
            raise DataError(
                f"ClassEncoder.fit: labels mix types that cannot be sorted ({', '.join(kinds)}); "
                "convert them to one type, e.g. all strings"
            ) from exc
        self._set_classes(classes)
        return self

    def _set_classes(self, classes: np.ndarray) -> None:
        self.classes = classes
        # A dict lookup (not searchsorted) so mixed int/float/str inputs compare like
        # Python values: 1 and 1.0 are the same label, "1" is not.
        self._index = {value: i for i, value in enumerate(classes.tolist())}

    def _check_fitted(self, method: str) -> None:
        if self.classes is None:
            raise DataError(f"ClassEncoder.{method} called before fit; call fit(y_train) first")

    def transform(self, labels: Any) -> np.ndarray:
        """Class ids (int64) of ``labels``; a DataError naming any label not seen by fit."""
        self._check_fitted("transform")
        values = _as_labels(labels, "ClassEncoder.transform").tolist()
        ids = [self._id_of(value) for value in values]
        if -1 in ids:
            unseen = sorted({repr(v) for v, i in zip(values, ids, strict=True) if i == -1})
            raise DataError(
                f"ClassEncoder.transform: label(s) {', '.join(unseen[:10])} were not in the "
                f"training labels; known classes: {_list_some(self.classes.tolist(), 20)}"
            )
        return np.asarray(ids, dtype=np.int64)

    def _id_of(self, value: Any) -> int:
        """The class id of one label, or -1 if it is unknown (or unhashable, like a list)."""
        try:
            return self._index.get(value, -1)
        except TypeError:
            return -1

    def fit_transform(self, labels: Any) -> np.ndarray:
        """``fit(labels)`` then ``transform(labels)``."""
        return self.fit(labels).transform(labels)

    def inverse_transform(self, ids: Any) -> np.ndarray:
        """The original labels of class ids ``ids``."""
        self._check_fitted("inverse_transform")
        array = _as_labels(ids, "ClassEncoder.inverse_transform")
        if array.dtype.kind not in "iu":
            raise DataError(
                f"ClassEncoder.inverse_transform expects integer ids, got {array.dtype}"
            )
        bad = array[(array < 0) | (array >= self.num_classes)]
        if bad.size:
            raise DataError(
                f"ClassEncoder.inverse_transform: ids must be in 0..{self.num_classes - 1}, "
                f"got {_list_some(sorted(set(bad.tolist())))}"
            )
        return self.classes[array]

    def get_state(self) -> dict[str, Any]:
        """JSON-serialisable state: the class name and the classes as a plain list."""
        classes = None if self.classes is None else self.classes.tolist()
        return {"class": "ClassEncoder", "classes": classes}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ClassEncoder:
        """Rebuild an encoder from ``get_state()``'s dict.

        Example:
            >>> enc = ClassEncoder.from_state({"class": "ClassEncoder", "classes": ["a", "b"]})
            >>> enc.transform(["b"]).tolist()
            [1]
        """
        if not isinstance(state, dict) or state.get("class") != "ClassEncoder":
            got = state.get("class") if isinstance(state, dict) else type(state).__name__
            raise DataError(f"expected a ClassEncoder state dict, got {got!r}")
        if "classes" not in state:
            raise DataError("ClassEncoder state has no 'classes' entry")
        classes = state["classes"]
        encoder = cls()
        if classes is None:
            return encoder
        # Labels are what a CSV or an array holds: text, numbers, booleans. Anything else
        # (lists, dicts) means an edited file, and could not be looked up anyway.
        if not isinstance(classes, list) or not all(
            isinstance(c, (str, int, float, bool)) for c in classes
        ):
            raise DataError(
                f"ClassEncoder state: 'classes' must be a list of labels (text, numbers), "
                f"got {classes!r:.80}"
            )
        if len(set(classes)) != len(classes) or not classes:
            raise DataError(
                f"ClassEncoder state: 'classes' must be distinct and not empty, got {classes!r:.80}"
            )
        encoder._set_classes(np.asarray(classes))
        return encoder
