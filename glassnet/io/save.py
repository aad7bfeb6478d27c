"""``save_model``: one safetensors file holding a model's weights, optimizer and description.

Layout of the file:

* tensors ``weights/<path>`` — every parameter and buffer (``weights/0.kernel``);
* tensors ``optimizer/<index>.<slot>`` — the optimizer's moment estimates, if compiled;
* header metadata ``glassnet`` — a JSON document with the architecture (layer
  classes and their constructor arguments), the input shape, the preprocessing
  (scalers, class names, feature names), the loss, metrics and optimizer settings,
  and the training history.

Nothing in it is pickled or executable; :func:`glassnet.io.load.load_model` reads it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import save

from glassnet.errors import ConfigError
from glassnet.io.atomic import write_atomic
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.module import Module

FORMAT_NAME = "glassnet"
FORMAT_VERSION = 1


def describe(model: Module) -> dict[str, Any]:
    """The JSON document saved in the file's header."""
    if model.input_shape is None:
        raise ConfigError(
            "the model has not seen data yet, so its weights do not exist; train it or call "
            "it once on a batch before saving"
        )
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "architecture": _architecture(model),
        "input_shape": list(model.input_shape[1:]),
        "dtype": str(model.parameters()[0].dtype) if model.parameters() else "float32",
        **training_sections(model),
    }


def training_sections(model: Module) -> dict[str, Any]:
    """The preprocessing, the compiled loss / metrics / optimizer and the history."""
    document: dict[str, Any] = {"preprocessing": getattr(model, "preprocessing", {})}
    config = getattr(model, "training_config", None)
    if config is not None:
        optimizer_config, _ = config.optimizer.state_dict()
        document["training"] = {
            "loss": config.loss.get_config(),
            "metrics": [metric.name for metric in config.metrics],
            "optimizer": optimizer_config,
        }
        if config.precision != "float32":  # float32 files stay as they were
            document["training"]["precision"] = config.precision
    history = getattr(model, "history", None)
    if history is not None:
        document["history"] = history.to_dict()
    return document


def _architecture(model: Module) -> dict[str, Any]:
    """``{"class": ..., "config": ...}``; a ConfigError naming the custom module if there is one."""
    try:
        return {"class": LAYERS.name_of(type(model)), "config": model.get_config()}
    except ConfigError:
        registered = {LAYERS.get(name) for name in LAYERS.names()}
        custom = [(p, m) for p, m in model.named_modules() if type(m) not in registered]
        if not custom:
            raise
        path, module = custom[0]
        what = (
            "it is a custom module"
            if not path
            else f"it contains the custom module {type(module).__name__} '{module.name}' "
            f"(at '{path}')"
        )
        raise ConfigError(
            f"cannot save {type(model).__name__} '{model.name}': {what}, not a glassnet "
            "layer, so a file could not rebuild it. Build the model from glassnet layers "
            "(gn.Sequential([gn.Dense(...), ...])) to save it whole, or save only its "
            "weights: safetensors.numpy.save_file(model.state_dict(), path)"
        ) from None


def model_arrays(model: Module) -> dict[str, np.ndarray]:
    """The arrays of a model file: ``weights/<path>`` and, if compiled, ``optimizer/<slot>``."""
    tensors = {
        f"weights/{key}": np.ascontiguousarray(value) for key, value in model.state_dict().items()
    }
    config = getattr(model, "training_config", None)
    if config is not None:
        _, slots = config.optimizer.state_dict()
        tensors.update(
            {f"optimizer/{key}": np.ascontiguousarray(value) for key, value in slots.items()}
        )
    return tensors


def write_model_file(
    path: str | Path, document: dict[str, Any], tensors: dict[str, np.ndarray]
) -> None:
    """Write the JSON ``document`` and the arrays as one safetensors file, atomically."""
    payload = save(tensors, metadata={FORMAT_NAME: json.dumps(document)})
    write_atomic(path, payload)


def save_model(model: Module, path: str | Path) -> None:
    """Write ``model`` to ``path`` (one ``.safetensors`` file), atomically.

    Raises:
        ConfigError: a layer cannot describe itself (a custom module without
            ``get_config``), or the model has never been built.
    """
    write_model_file(path, describe(model), model_arrays(model))
