"""``fit``: the training loop — batches, forward, loss, backward, update, callbacks.

Example:
    >>> import glassnet as gn, numpy as np
    >>> gn.seed(0)
    >>> x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    >>> model = gn.Sequential([gn.Dense(8, activation="tanh"), gn.Dense(2)])
    >>> _ = model.compile(gn.Adam(model, lr=0.05), "categorical_crossentropy", ["accuracy"])
    >>> history = model.fit(x, np.array([0, 1, 1, 0]), epochs=300, batch_size=4, verbose=0)
    >>> history.epochs, history.iterations, history["accuracy"][-1]
    (300, 300, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError, DataError
from glassnet.nn.module import Module
from glassnet.train.api import TrainingConfig, config_of, evaluate, metric_values
from glassnet.train.callbacks import Callback, CallbackList, EpochPrinter, ProgressBar
from glassnet.train.callbacks.progress import is_terminal
from glassnet.train.history import History
from glassnet.train.inputs import check_features, check_targets


class TrainingDiverged(DataError):
    """The loss became NaN or infinite; training stopped."""


def _split_validation(
    x: np.ndarray, y: np.ndarray, validation_split: float
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Hold out the *last* ``validation_split`` fraction, as Keras does (before shuffling)."""
    if not 0 <= validation_split < 1:
        raise ConfigError(f"validation_split must be in [0, 1), got {validation_split}")
    if validation_split == 0:
        return x, y, None
    held = math.ceil(len(x) * validation_split)
    if held >= len(x):
        raise DataError(f"validation_split={validation_split} leaves no training samples")
    return x[:-held], y[:-held], (x[-held:], y[-held:])


def _default_callbacks(verbose: int | str) -> list[Callback]:
    import sys

    if verbose == "auto":
        verbose = 1 if is_terminal(sys.stderr) else 0
    if verbose == 1 and is_terminal(sys.stderr):
        return [ProgressBar()]
    if verbose == 2:
        return [EpochPrinter()]
    return []


def _check_positive_int(name: str, value: Any) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def fit(
    model: Module,
    x: Any,
    y: Any,
    epochs: int = 1,
    batch_size: int = 32,
    validation_split: float = 0.0,
    validation_data: tuple[Any, Any] | None = None,
    shuffle: bool = True,
    callbacks: Sequence[Callback] = (),
    verbose: int | str = "auto",
    rng: np.random.Generator | int | None = None,
) -> History:
    """Train ``model`` (compiled first) by mini-batch gradient descent.

    Args:
        model: a compiled module.
        x: inputs, samples first.
        y: targets: class labels, one-hot rows, or values.
        epochs: passes over the whole training set.
        batch_size: samples per iteration (one forward and one backward pass).
        validation_split: the fraction of the data, taken from the end, held out
            for validation (ignored when ``validation_data`` is given).
        validation_data: ``(x_val, y_val)`` evaluated after every epoch.
        shuffle: reshuffle the training samples every epoch.
        callbacks: extra callbacks (early stopping, checkpoints, logging).
        verbose: 0 silent; 1 a progress bar on a terminal; 2 a line per epoch;
            ``"auto"`` is 1 on a terminal and 0 otherwise.
        rng: seed or generator for shuffling (default: the global one).

    Returns:
        The model's :class:`History` (``model.history``), extended by this call: a
        second call, or a call on a reloaded model, continues its epoch and
        iteration counts.

    Raises:
        ConfigError: the model is not compiled, or a setting is out of range.
        DataError: ``x`` or ``y`` holds NaN, infinity or text.
        ShapeError: ``x`` has no features axis, or ``y`` has another number of samples.
        TrainingDiverged: the loss became NaN or infinite (the message names the iteration).
    """
    config = config_of(model)
    epochs = _check_positive_int("epochs", epochs)
    batch_size = _check_positive_int("batch_size", batch_size)
    x = check_features(x)
    y = check_targets(y, len(x))
    if validation_data is not None:
        x_val = check_features(validation_data[0], "validation x")
        validation = (x_val, check_targets(validation_data[1], len(x_val), "validation y"))
    else:
        x, y, validation = _split_validation(x, y, validation_split)
    generator = backend.get_rng(rng)

    history: History = getattr(model, "history", None) or History()
    model.history = history
    model.stop_training = False
    hooks = CallbackList([*_default_callbacks(verbose), *callbacks])
    hooks.set_model(model)
    steps = math.ceil(len(x) / batch_size)
    # Epochs are numbered over the model's whole history, as Keras does with
    # ``initial_epoch``: a resumed model goes on from epoch 4 of 5, its checkpoints'
    # ``{epoch}`` names do not overwrite the earlier ones, and schedules continue.
    start_epoch = history.epochs
    hooks.on_train_begin(
        {
            "epochs": start_epoch + epochs,
            "initial_epoch": start_epoch,
            "steps_per_epoch": steps,
            "samples": len(x),
        }
    )

    logs: dict[str, float] = {}
    for epoch in range(start_epoch, start_epoch + epochs):
        hooks.on_epoch_begin(epoch)
        order = generator.permutation(len(x)) if shuffle else np.arange(len(x))
        logs = _train_one_epoch(model, config, x, y, order, batch_size, hooks, history)
        if validation is not None:
            val = evaluate(model, *validation)
            logs.update({f"val_{key}": value for key, value in val.items()})
        logs["lr"] = float(config.optimizer.lr)
        # Recorded before the callbacks run, so that a checkpoint written at the end of
        # this epoch holds a history that includes it (a resumed run then counts on
        # from the right epoch); values a callback adds to ``logs`` are copied after.
        history.record_epoch(logs, iterations=steps)
        hooks.on_epoch_end(epoch, logs)
        history.update_last_epoch(logs)
        if model.stop_training:
            history.stopped_early_at = history.epochs
            break
    hooks.on_train_end(logs)
    return history


def _train_one_epoch(
    model: Module,
    config: TrainingConfig,
    x: np.ndarray,
    y: np.ndarray,
    order: np.ndarray,
    batch_size: int,
    hooks: CallbackList,
    history: History,
) -> dict[str, float]:
    """One pass over the data; returns the epoch's mean loss and metrics."""
    model.train()
    optimizer = config.optimizer
    total_loss = 0.0
    outputs = []
    # A diverging model overflows somewhere in the forward pass, the backward pass or
    # the update; the finite-loss check turns that into one TrainingDiverged naming
    # the iteration, instead of a stream of NumPy RuntimeWarnings (or, with warnings
    # as errors, a RuntimeWarning raised from deep inside an op).
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for start in range(0, len(order), batch_size):
            index = order[start : start + batch_size]
            x_batch, y_batch = x[index], y[index]
            optimizer.zero_grad()
            prediction = model(Tensor(x_batch))
            loss = config.loss(prediction, y_batch)
            objective = loss + model.regularization_loss() if _has_regularizers(model) else loss
            objective.backward()
            batch_loss = float(loss.item())
            iteration = history.iterations + start // batch_size
            if not math.isfinite(batch_loss):
                raise TrainingDiverged(
                    f"the loss became {batch_loss} at iteration {iteration + 1}; try a lower "
                    "learning rate, gradient clipping (clipnorm=1.0) or normalised inputs"
                )
            optimizer.step()
            total_loss += batch_loss * len(index)
            outputs.append(np.asarray(prediction.data))
            hooks.on_batch_end(iteration, {"loss": batch_loss})
    logs = {"loss": total_loss / len(order)}
    if config.metrics:
        logs.update(metric_values(config, y[order], np.concatenate(outputs)))
    return logs


def _has_regularizers(model: Module) -> bool:
    return any(p.regularizer is not None for p in model.parameters())
