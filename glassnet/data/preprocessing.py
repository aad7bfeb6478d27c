"""Scalers that normalise features, fitted on training data only.

Neurons work best on inputs in a small range ([0, 1], [-1, 1] or z-scores); the
articles insist on normalising before gradient descent. A scaler learns its
numbers (minimum/maximum, or mean/standard deviation) from the *training* split
with ``fit`` and then applies exactly those numbers to validation, test and new
data with ``transform``, so no information leaks from held-out data.

A scaler's state is plain JSON (``get_state``); :func:`scaler_from_state` rebuilds
it from a fixed table of the known classes — nothing in a saved file decides what
code runs.

Example:
    >>> import numpy as np
    >>> scaler = MinMaxScaler().fit(np.array([[0.0], [10.0]]))
    >>> scaler.transform(np.array([[5.0]])).tolist()
    [[0.5]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.backend import get_default_dtype

# Label encoding lives in its own module; re-exported so "preprocessing" offers it too.
from glassnet.data.labels import ClassEncoder as ClassEncoder
from glassnet.data.labels import one_hot as one_hot
from glassnet.errors import ConfigError, DataError, ShapeError

# Kept in float64 whatever the input: the statistics are computed once and an
# exact round trip through JSON matters more than memory here.
_STAT_DTYPE = np.float64


def _as_2d(x: Any, who: str) -> np.ndarray:
    """``x`` as a 2-D (samples, features) array; a ShapeError or DataError if it is not."""
    array = np.asarray(x)
    if array.ndim != 2:
        hint = " (for one feature use x.reshape(-1, 1))" if array.ndim == 1 else ""
        raise ShapeError(
            f"{who} expects a 2-D array (samples, features), got shape {array.shape}{hint}"
        )
    if array.dtype.kind not in "biuf":
        raise DataError(f"{who} expects numbers, got an array of dtype {array.dtype}")
    return array


def _output_dtype(x: np.ndarray) -> np.dtype:
    # Keep a float input's precision; integers become the default float dtype.
    return x.dtype if x.dtype.kind == "f" else get_default_dtype()


def _check_finite(x: np.ndarray, who: str) -> None:
    bad = ~np.isfinite(x)
    if bad.any():
        rows, cols = np.nonzero(bad)
        raise DataError(
            f"{who}.fit got non-finite values (NaN or inf), first at row {rows[0]}, "
            f"column {cols[0]}; remove or impute them before fitting"
        )


class _Scaler:
    """Shared plumbing: fitted check, feature-count check, fit_transform, state."""

    def __init__(self) -> None:
        self.n_features: int | None = None

    @property
    def fitted(self) -> bool:
        """Whether ``fit`` has run (or the scaler was rebuilt from a fitted state)."""
        return self.n_features is not None

    def _checked(self, x: Any, method: str) -> np.ndarray:
        name = type(self).__name__
        if not self.fitted:
            raise DataError(
                f"{name}.{method} called before fit; call fit(x_train) first "
                "(or fit_transform(x_train))"
            )
        array = _as_2d(x, f"{name}.{method}")
        if array.shape[1] != self.n_features:
            raise ShapeError(
                f"{name}.{method}: the scaler was fitted on {self.n_features} features, "
                f"got {array.shape[1]} features (shape {array.shape})"
            )
        return array

    def fit(self, x: Any) -> _Scaler:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def transform(self, x: Any) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError

    def fit_transform(self, x: Any) -> np.ndarray:
        """``fit(x)`` then ``transform(x)``: for the training split only."""
        return self.fit(x).transform(x)


class MinMaxScaler(_Scaler):
    """Scales each feature linearly so the training minimum/maximum map to ``feature_range``.

    A constant column (maximum == minimum) maps to the lower end of the range
    instead of dividing by zero, as scikit-learn does. Values outside the training
    range land outside ``feature_range``; they are not clipped, so you can see them.

    Args:
        feature_range: the (low, high) target interval, e.g. ``(0, 1)`` or ``(-1, 1)``.

    Example:
        >>> import numpy as np
        >>> MinMaxScaler((-1, 1)).fit_transform(np.array([[0.0], [5.0], [10.0]])).ravel().tolist()
        [-1.0, 0.0, 1.0]
    """

    def __init__(self, feature_range: tuple[float, float] = (0, 1)) -> None:
        super().__init__()
        low, high = (float(v) for v in feature_range)
        if not low < high:
            raise ConfigError(
                f"MinMaxScaler feature_range must have low < high, got {feature_range}"
            )
        self.feature_range = (low, high)
        self.data_min: np.ndarray | None = None
        self.data_max: np.ndarray | None = None

    def fit(self, x: Any) -> MinMaxScaler:
        """Learn each feature's minimum and maximum from the training data ``x``."""
        array = _as_2d(x, "MinMaxScaler.fit").astype(_STAT_DTYPE)
        _check_finite(array, "MinMaxScaler")
        if array.shape[0] == 0:
            raise DataError("MinMaxScaler.fit got 0 samples; it needs at least one row")
        self.data_min = array.min(axis=0)
        self.data_max = array.max(axis=0)
        self.n_features = array.shape[1]
        return self

    def _scale(self) -> np.ndarray:
        data_range = self.data_max - self.data_min
        # Constant column: divide by 1 instead of 0, so it maps to the low end.
        data_range[data_range == 0.0] = 1.0
        low, high = self.feature_range
        return (high - low) / data_range

    def transform(self, x: Any) -> np.ndarray:
        """Scale ``x`` with the minimum/maximum learned by ``fit``."""
        array = self._checked(x, "transform")
        low = self.feature_range[0]
        result = (array - self.data_min) * self._scale() + low
        return result.astype(_output_dtype(array))

    def inverse_transform(self, x: Any) -> np.ndarray:
        """Undo ``transform``: back to the original units."""
        array = self._checked(x, "inverse_transform")
        low = self.feature_range[0]
        result = (array - low) / self._scale() + self.data_min
        return result.astype(_output_dtype(array))

    def get_state(self) -> dict[str, Any]:
        """JSON-serialisable state; :func:`scaler_from_state` rebuilds the scaler."""
        return {
            "class": "MinMaxScaler",
            "feature_range": list(self.feature_range),
            "data_min": None if self.data_min is None else self.data_min.tolist(),
            "data_max": None if self.data_max is None else self.data_max.tolist(),
        }

    @classmethod
    def _from_state(cls, state: dict[str, Any]) -> MinMaxScaler:
        feature_range = _stat_vector(state, "feature_range", "MinMaxScaler", length=2)
        if feature_range is None or not feature_range[0] < feature_range[1]:
            raise DataError(
                f"MinMaxScaler state: feature_range must be two numbers low < high, got "
                f"{state['feature_range']!r:.80}"
            )
        scaler = cls(tuple(feature_range.tolist()))
        data_min = _stat_vector(state, "data_min", "MinMaxScaler")
        if data_min is not None:
            data_max = _stat_vector(state, "data_max", "MinMaxScaler", length=len(data_min))
            if data_max is None or (data_max < data_min).any():
                raise DataError("MinMaxScaler state: data_max must be >= data_min in every feature")
            scaler.data_min, scaler.data_max = data_min, data_max
            scaler.n_features = len(data_min)
        return scaler


class StandardScaler(_Scaler):
    """Z-scores: subtracts each feature's training mean and divides by its standard deviation.

    The standard deviation is the population one (``ddof=0``), as in scikit-learn.
    A constant column (standard deviation 0) is only centred, not divided.

    Example:
        >>> import numpy as np
        >>> StandardScaler().fit_transform(np.array([[1.0], [3.0]])).ravel().tolist()
        [-1.0, 1.0]
    """

    def __init__(self) -> None:
        super().__init__()
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None

    def fit(self, x: Any) -> StandardScaler:
        """Learn each feature's mean and standard deviation from the training data ``x``."""
        array = _as_2d(x, "StandardScaler.fit").astype(_STAT_DTYPE)
        _check_finite(array, "StandardScaler")
        if array.shape[0] == 0:
            raise DataError("StandardScaler.fit got 0 samples; it needs at least one row")
        self.mean = array.mean(axis=0)
        std = array.std(axis=0)
        # A standard deviation at rounding-noise level means "constant": dividing by it
        # would blow rounding errors up to order-one values.
        tiny = 10 * np.finfo(_STAT_DTYPE).eps * np.maximum(np.abs(self.mean), 1.0)
        std[std <= tiny] = 1.0
        self.std = std
        self.n_features = array.shape[1]
        return self

    def transform(self, x: Any) -> np.ndarray:
        """Z-score ``x`` with the mean/standard deviation learned by ``fit``."""
        array = self._checked(x, "transform")
        return ((array - self.mean) / self.std).astype(_output_dtype(array))

    def inverse_transform(self, x: Any) -> np.ndarray:
        """Undo ``transform``: back to the original units."""
        array = self._checked(x, "inverse_transform")
        return (array * self.std + self.mean).astype(_output_dtype(array))

    def get_state(self) -> dict[str, Any]:
        """JSON-serialisable state; :func:`scaler_from_state` rebuilds the scaler."""
        return {
            "class": "StandardScaler",
            "mean": None if self.mean is None else self.mean.tolist(),
            "std": None if self.std is None else self.std.tolist(),
        }

    @classmethod
    def _from_state(cls, state: dict[str, Any]) -> StandardScaler:
        scaler = cls()
        mean = _stat_vector(state, "mean", "StandardScaler")
        if mean is not None:
            std = _stat_vector(state, "std", "StandardScaler", length=len(mean))
            if std is None or not (std > 0).all():
                raise DataError("StandardScaler state: std must be positive in every feature")
            scaler.mean, scaler.std = mean, std
            scaler.n_features = len(mean)
        return scaler


def _field(state: dict[str, Any], key: str) -> Any:
    if key not in state:
        raise DataError(
            f"scaler state for {state.get('class')!r} has no '{key}' entry; "
            f"got keys {sorted(state)}"
        )
    return state[key]


def _stat_vector(
    state: dict[str, Any], key: str, who: str, length: int | None = None
) -> np.ndarray | None:
    """A saved statistic as a 1-D float64 array of finite numbers (None if saved as None).

    Saved states come from files a user may have edited; a malformed one is a
    DataError here, not a NumPy error (or a NaN in every prediction) later.
    """
    value = _field(state, key)
    if value is None:
        return None
    try:
        array = np.asarray(value, dtype=_STAT_DTYPE)
    except (TypeError, ValueError, OverflowError):
        array = None
    if array is None or array.ndim != 1 or not np.isfinite(array).all():
        raise DataError(f"{who} state: '{key}' must be a list of finite numbers, got {value!r:.80}")
    if length is not None and len(array) != length:
        raise DataError(
            f"{who} state: '{key}' must have {length} entries, got {len(array)} ({value!r:.80})"
        )
    return array


# The fixed table behind scaler_from_state: a saved name can only pick one of these.
_SCALERS: dict[str, type[MinMaxScaler] | type[StandardScaler]] = {
    "MinMaxScaler": MinMaxScaler,
    "StandardScaler": StandardScaler,
}


def scaler_from_state(state: dict[str, Any]) -> MinMaxScaler | StandardScaler:
    """Rebuild a scaler from the dict its ``get_state()`` returned.

    Raises:
        DataError: the state is not a dict, names an unknown class or misses a field.

    Example:
        >>> import numpy as np
        >>> s = StandardScaler().fit(np.array([[1.0], [3.0]]))
        >>> scaler_from_state(s.get_state()).mean.tolist()
        [2.0]
    """
    if not isinstance(state, dict):
        raise DataError(f"a scaler state must be a dict, got {type(state).__name__}")
    name = state.get("class")
    if not isinstance(name, str) or name not in _SCALERS:
        raise DataError(
            f"unknown scaler class {name!r} in state; known classes: {', '.join(sorted(_SCALERS))}"
        )
    return _SCALERS[name]._from_state(state)
