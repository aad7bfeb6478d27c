"""``gn.sklearn``: glassnet networks as scikit-learn estimators.

``NeuralNetClassifier`` and ``NeuralNetRegressor`` (defined in
:mod:`glassnet.compare.estimators`) work in ``Pipeline``, ``GridSearchCV``,
``cross_val_score`` and MAPIE. They are loaded on first use, so that
``import glassnet`` (and every ``glassnet`` command) does not pay for importing
scikit-learn, which takes about a second.

Example:
    >>> import glassnet as gn
    >>> gn.sklearn.NeuralNetRegressor(hidden_layers=(32,), epochs=50).epochs
    50
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and linters; at run time, __getattr__ below
    from glassnet.compare.estimators import NeuralNetClassifier, NeuralNetRegressor

__all__ = ["NeuralNetClassifier", "NeuralNetRegressor"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from glassnet.compare import estimators

        return getattr(estimators, name)
    raise AttributeError(f"module 'glassnet.sklearn' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
