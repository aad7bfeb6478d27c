"""Training checkpoints: everything a killed run needs to finish as if it never stopped.

A checkpoint is a glassnet model file (weights, optimizer moments, history,
preprocessing) plus a ``fit`` section: the epoch the run will end at, where in the
current epoch it is (the sample order, the batches done, the loss and outputs so
far), the state of every random generator training draws from (the shuffling one,
glassnet's global one, each layer's own), and what callbacks remember (early
stopping's best value and weights, a schedule's position). Restoring all of it is
what makes a resumed run end with exactly the weights of an uninterrupted one.

Files are written atomically, so a crash during a write leaves the previous
checkpoint whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import ConfigError, DataError, GlassnetError
from glassnet.io.load import read_model_file
from glassnet.io.save import (
    FORMAT_NAME,
    FORMAT_VERSION,
    describe,
    model_arrays,
    training_sections,
    write_model_file,
)
from glassnet.nn.module import Module
from glassnet.train.callbacks.base import Callback
from glassnet.train.history import History


@dataclass
class EpochProgress:
    """How far the current epoch has got: its sample order and what it has summed."""

    order: np.ndarray
    next_batch: int = 0
    loss_sum: float = 0.0
    outputs: list[np.ndarray] = field(default_factory=list)


@dataclass
class Resumed:
    """What a checkpoint says about the interrupted run."""

    end_epoch: int  # the epoch count the interrupted run was going to end at
    finished: bool  # it had ended (all epochs, or stopped early) when written
    progress: EpochProgress | None  # a partly trained epoch, or None at an epoch boundary
    callback_values: dict[str, dict[str, Any]]  # by callback key (see ``_callback_keys``)
    callback_arrays: dict[str, dict[str, np.ndarray]]


def _check_count(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{name} must be a positive integer or None, got {value!r}")
    return int(value)


class Checkpointer:
    """Writes and reads the training checkpoint at ``path``.

    Args:
        path: the checkpoint file.
        every_epochs: write after every this many epochs (and always after the last).
        every_iterations: also write after every this many iterations, mid-epoch.
        callbacks: the callbacks whose state is saved; each is known by its class and
            its rank among callbacks of that class (``EarlyStopping0``), so a resumed
            run may add or drop callbacks that remember nothing.
    """

    def __init__(
        self,
        path: str | Path,
        every_epochs: int | None,
        every_iterations: int | None,
        callbacks: list[Callback],
    ) -> None:
        self.path = Path(path)
        self.every_epochs = _check_count("checkpoint_every", every_epochs)
        self.every_iterations = _check_count("checkpoint_every_iterations", every_iterations)
        self.callbacks = callbacks
        if self.path.is_dir():
            raise ConfigError(f"checkpoint '{self.path}' is a folder; give a file name")

    # -- when ------------------------------------------------------------------------

    def due_after_iteration(self, iterations_done: int) -> bool:
        return self.every_iterations is not None and iterations_done % self.every_iterations == 0

    def due_after_epoch(self, epochs_done: int, last: bool) -> bool:
        return last or (self.every_epochs is not None and epochs_done % self.every_epochs == 0)

    # -- writing -----------------------------------------------------------------------

    def save(
        self,
        model: Module,
        generator: np.random.Generator,
        end_epoch: int,
        progress: EpochProgress | None,
        finished: bool = False,
    ) -> None:
        try:
            document = describe(model)
        except ConfigError:
            # A custom module cannot be rebuilt from a file, but it can be resumed:
            # the user builds it again, and the checkpoint refills it.
            document = {
                "format": FORMAT_NAME,
                "version": FORMAT_VERSION,
                **training_sections(model),
            }
        tensors = model_arrays(model)
        states = {
            key: callback.state_dict()
            for key, callback in zip(_callback_keys(self.callbacks), self.callbacks, strict=True)
        }
        document["fit"] = {
            "end_epoch": end_epoch,
            "finished": finished,
            "next_batch": progress.next_batch if progress else None,
            "loss_sum": progress.loss_sum if progress else None,
            "random": _random_states(model, generator),
            "loss_scale": _loss_scaler_state(model),
            "callbacks": {key: values for key, (values, _) in states.items()},
        }
        if progress is not None:
            tensors["fit/order"] = np.ascontiguousarray(progress.order)
            if progress.outputs:
                tensors["fit/outputs"] = np.ascontiguousarray(np.concatenate(progress.outputs))
        for key, (_, arrays) in states.items():
            for name, array in arrays.items():
                tensors[f"fit/callbacks/{key}/{name}"] = np.ascontiguousarray(array)
        write_model_file(self.path, document, tensors)

    # -- reading -----------------------------------------------------------------------

    def restore(self, model: Module, generator: np.random.Generator) -> Resumed | None:
        """Refill ``model`` (weights, optimizer, history, generators); None if no checkpoint yet."""
        if not self.path.exists():
            return None
        arrays, document = read_model_file(self.path)
        fit = document.get("fit")
        if not isinstance(fit, dict):
            raise DataError(f"'{self.path}' is a glassnet model but not a training checkpoint")
        try:
            self._restore_model(model, arrays, document)
            _restore_random_states(model, generator, fit["random"])
            scaler = model.training_config.loss_scaler
            if scaler is not None and fit.get("loss_scale") is not None:
                scaler.load_state_dict(fit["loss_scale"])
            return self._resumed(fit, arrays)
        except (KeyError, TypeError, ValueError, GlassnetError) as exc:
            raise DataError(
                f"cannot resume from '{self.path}': {exc}; it was written for another model "
                "or other settings (delete it to start afresh)"
            ) from None

    def _restore_model(self, model: Module, arrays: dict[str, np.ndarray], document: dict) -> None:
        weights = {
            k.removeprefix("weights/"): v for k, v in arrays.items() if k.startswith("weights/")
        }
        model.load_state_dict(weights)
        slots = {
            k.removeprefix("optimizer/"): v for k, v in arrays.items() if k.startswith("optimizer/")
        }
        model.training_config.optimizer.load_state_dict(document["training"]["optimizer"], slots)
        model.history = History.from_dict(document["history"])
        model.preprocessing = document.get("preprocessing", {})

    def _resumed(self, fit: dict[str, Any], arrays: dict[str, np.ndarray]) -> Resumed:
        progress = None
        if fit["next_batch"] is not None:
            outputs = [arrays["fit/outputs"]] if "fit/outputs" in arrays else []
            progress = EpochProgress(
                arrays["fit/order"], int(fit["next_batch"]), float(fit["loss_sum"]), outputs
            )
        callback_arrays: dict[str, dict[str, np.ndarray]] = {key: {} for key in fit["callbacks"]}
        for key, array in arrays.items():
            if key.startswith("fit/callbacks/"):
                owner, name = key.removeprefix("fit/callbacks/").split("/", 1)
                callback_arrays[owner][name] = array
        return Resumed(
            int(fit["end_epoch"]),
            bool(fit["finished"]),
            progress,
            dict(fit["callbacks"]),
            callback_arrays,
        )

    def restore_callbacks(self, resumed: Resumed) -> None:
        """Give each callback its saved state (after ``on_train_begin`` set it up)."""
        for key, callback in zip(_callback_keys(self.callbacks), self.callbacks, strict=True):
            if key in resumed.callback_values:
                callback.load_state_dict(resumed.callback_values[key], resumed.callback_arrays[key])


def _callback_keys(callbacks: list[Callback]) -> list[str]:
    """``EarlyStopping0``, ``LearningRateScheduler0``, ``EarlyStopping1``, …"""
    seen: dict[str, int] = {}
    keys = []
    for callback in callbacks:
        name = type(callback).__name__
        keys.append(f"{name}{seen.get(name, 0)}")
        seen[name] = seen.get(name, 0) + 1
    return keys


def _loss_scaler_state(model: Module) -> dict[str, float] | None:
    """The mixed-precision loss scale, so a resumed run continues with the same one."""
    scaler = model.training_config.loss_scaler
    return None if scaler is None else scaler.state_dict()


def _layer_generators(model: Module) -> dict[str, np.random.Generator]:
    """Layers that own a generator (``Dropout(rng=...)``), by path."""
    return {
        path or "model": module.rng
        for path, module in model.named_modules()
        if isinstance(getattr(module, "rng", None), np.random.Generator)
    }


def _random_states(model: Module, generator: np.random.Generator) -> dict[str, Any]:
    return {
        "shuffle": generator.bit_generator.state,
        "global": backend.get_rng().bit_generator.state,
        "layers": {path: g.bit_generator.state for path, g in _layer_generators(model).items()},
    }


def _restore_random_states(model: Module, generator: np.random.Generator, states: dict) -> None:
    # The global generator first: when fit shuffles with it, "shuffle" is the same one.
    backend.get_rng().bit_generator.state = states["global"]
    generator.bit_generator.state = states["shuffle"]
    layers = _layer_generators(model)
    if set(layers) != set(states["layers"]):
        raise ConfigError(
            f"the layers with their own generators differ: saved {sorted(states['layers'])}, "
            f"now {sorted(layers)}"
        )
    for path, state in states["layers"].items():
        layers[path].bit_generator.state = state
