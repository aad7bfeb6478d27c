"""Pictures of a network and its training, drawn with matplotlib (PNG or SVG).

Every function takes a trained model (and data where needed), returns a matplotlib
``Figure`` and, given ``path=``, also saves it there (``.png`` or ``.svg``). No window
ever opens: figures are drawn off-screen, so they work on servers and in tests.

matplotlib is imported on first use of a picture, not by ``import glassnet``: the
command line and training scripts that draw nothing start faster.

Example:
    >>> import glassnet as gn
    >>> model = gn.Sequential([gn.Dense(3, activation="relu", input_dim=2), gn.Dense(1)])
    >>> _ = model(gn.Tensor([[1.0, 0.5]]))
    >>> figure = gn.inspect.plots.plot_network(model, path=None)
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name → the module (under glassnet.inspect.plots) that defines it.
_WHERE = {
    "figure_bytes": "_figure",
    "overfitting_epoch": "curves",
    "plot_activation_functions": "activation_functions",
    "plot_activation_histograms": "histograms",
    "plot_confusion": "confusion",
    "plot_confusion_matrix": "confusion",
    "plot_decision_boundary": "boundary",
    "plot_feature_maps": "conv",
    "plot_filters": "conv",
    "plot_gradient_histograms": "histograms",
    "plot_history": "curves",
    "plot_loss_surface": "loss_surface",
    "plot_network": "network",
    "plot_weights": "weights",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    # PEP 562: the defining module (and matplotlib) is imported on first access.
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
