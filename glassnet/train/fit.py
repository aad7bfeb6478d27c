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
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.function import no_grad
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError, DataError
from glassnet.nn.module import Module
from glassnet.train.api import TrainingConfig, config_of, evaluate, metric_values
from glassnet.train.callbacks import Callback, CallbackList, EpochPrinter, ProgressBar
from glassnet.train.callbacks.overfit import OverfitMonitor
from glassnet.train.callbacks.progress import is_terminal
from glassnet.train.checkpointing import Checkpointer, EpochProgress, Resumed
from glassnet.train.history import History
from glassnet.train.inputs import check_features, check_targets


class TrainingDiverged(DataError):
    """The loss or a gradient became NaN or infinite; training stopped, weights restored."""


def _validation(
    x: np.ndarray, y: np.ndarray, validation_data: Any, validation_split: float
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """The training arrays and the validation pair: given, split off, or none."""
    if validation_data is None:
        return _split_validation(x, y, validation_split)
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        length = (
            f" of length {len(validation_data)}"
            if isinstance(validation_data, (tuple, list))
            else ""
        )
        raise ConfigError(
            f"validation_data must be a pair (x_val, y_val), got {type(validation_data).__name__}{length}"
        )
    x_val = check_features(validation_data[0], "validation x")
    return x, y, (x_val, check_targets(validation_data[1], len(x_val), "validation y"))


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


def _watches_overfitting(callbacks: Sequence[Callback]) -> bool:
    return any(isinstance(callback, OverfitMonitor) for callback in callbacks)


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
    checkpoint: str | Path | None = None,
    checkpoint_every: int | None = 1,
    checkpoint_every_iterations: int | None = None,
    resume: bool = False,
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
        checkpoint: a file to keep a training checkpoint in (weights, optimizer,
            random generators, position in the epoch, callbacks' state), written
            atomically.
        checkpoint_every: write it after every this many epochs (and after the last).
        checkpoint_every_iterations: also write it every this many iterations.
        resume: continue from ``checkpoint`` if it exists (else start afresh): the run
            then ends exactly as the interrupted one would have, with ``epochs``
            counted as in that run.

    Returns:
        The model's :class:`History` (``model.history``), extended by this call: a
        second call, or a call on a reloaded model, continues its epoch and
        iteration counts.

    Raises:
        ConfigError: the model is not compiled, or a setting is out of range.
        DataError: ``x`` or ``y`` holds NaN, infinity or text; a checkpoint does not fit.
        ShapeError: ``x`` has no features axis, or ``y`` has another number of samples.
        TrainingDiverged: the loss or a gradient became NaN or infinite; the message
            names the iteration and the parameter, and the weights of the end of the
            last good epoch are restored.
    """
    config = config_of(model)
    epochs = _check_positive_int("epochs", epochs)
    batch_size = _check_positive_int("batch_size", batch_size)
    x = check_features(x)
    y = check_targets(y, len(x))
    x, y, validation = _validation(x, y, validation_data, validation_split)
    generator = backend.get_rng(rng)
    # With validation data, overfitting is noticed and recorded (history.overfitting)
    # by default; printing or warning is the caller's choice (docs/decisions.md).
    watch = [] if validation is None or _watches_overfitting(callbacks) else [OverfitMonitor()]
    hooks = CallbackList([*_default_callbacks(verbose), *callbacks, *watch])
    hooks.set_model(model)
    saver = None
    if checkpoint is not None:
        saver = Checkpointer(
            checkpoint, checkpoint_every, checkpoint_every_iterations, list(callbacks)
        )
    elif resume:
        raise ConfigError("resume=True needs checkpoint=PATH: the file to resume from")
    parallel = _data_parallel(list(callbacks))
    if saver is not None and parallel is not None:
        saver = parallel.checkpointer(saver)  # every rank reads it, rank 0 alone writes

    resumed = None
    if resume and saver is not None and saver.path.exists():
        # The checkpoint refills the weights, so they must exist first. (Without a
        # checkpoint the run starts afresh, building as an uninterrupted run does.)
        _build(model, x)
        resumed = saver.restore(model, generator)
    history: History = getattr(model, "history", None) or History()
    model.history = history
    model.stop_training = bool(resumed and resumed.finished)
    start_epoch = history.epochs
    end_epoch = resumed.end_epoch if resumed else start_epoch + epochs
    steps = math.ceil(len(x) / batch_size)
    # Epochs are numbered over the model's whole history, as Keras does with
    # ``initial_epoch``: a resumed model goes on from epoch 4 of 5, its checkpoints'
    # ``{epoch}`` names do not overwrite the earlier ones, and schedules continue.
    hooks.on_train_begin(
        {
            "epochs": end_epoch,
            "initial_epoch": start_epoch,
            "steps_per_epoch": steps,
            "samples": len(x),
        }
    )
    if resumed is not None and saver is not None:
        saver.restore_callbacks(resumed)

    trainer = _EpochTrainer(
        model, config, x, y, batch_size, hooks, history, saver, generator, end_epoch
    )
    logs: dict[str, float] = {}
    for epoch in range(start_epoch, end_epoch):
        if model.stop_training:
            break
        hooks.on_epoch_begin(epoch)
        progress = _take_progress(resumed) or EpochProgress(
            generator.permutation(len(x)) if shuffle else np.arange(len(x))
        )
        logs = trainer.run_epoch(epoch, progress)
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
        done = model.stop_training or epoch + 1 == end_epoch
        if saver is not None and saver.due_after_epoch(epoch + 1, last=done):
            saver.save(model, generator, end_epoch, progress=None, finished=done)
        trainer.remember_good_state()
    hooks.on_train_end(logs)
    return history


def _build(model: Module, x: np.ndarray) -> None:
    """Create lazily built weights now (one sample, eval mode)."""
    if model.input_shape is None:
        was_training = model.training
        model.eval()
        with no_grad():
            model(Tensor(x[:1], device=model.device))
        model.train(was_training)


def _data_parallel(callbacks: list[Callback]) -> Any:
    """The ``glassnet.parallel.DataParallel`` hook among ``callbacks``, if any."""
    return next((c for c in callbacks if getattr(c, "data_parallel", False)), None)


def _take_progress(resumed: Resumed | None) -> EpochProgress | None:
    """The interrupted epoch's progress, once (the next epochs start afresh)."""
    if resumed is None or resumed.progress is None:
        return None
    progress, resumed.progress = resumed.progress, None
    return progress


class _EpochTrainer:
    """Runs epochs: batches, forward, loss, backward, the divergence guard, the update."""

    def __init__(
        self,
        model: Module,
        config: TrainingConfig,
        x: np.ndarray,
        y: np.ndarray,
        batch_size: int,
        hooks: CallbackList,
        history: History,
        saver: Checkpointer | None,
        generator: np.random.Generator,
        end_epoch: int,
    ) -> None:
        self.model, self.config = model, config
        self.x, self.y, self.batch_size = x, y, batch_size
        self.hooks, self.history, self.saver = hooks, history, saver
        self.generator, self.end_epoch = generator, end_epoch
        # Whether the loss gets the weights' penalties is decided after the first batch's
        # forward pass: a model built the README's way has no weights (so no
        # regularizers) before it, and deciding now would drop the penalty for good.
        self.regularized: bool | None = None
        self.parallel = _data_parallel(hooks.callbacks)
        self.targets_checked = False
        # Each batch is copied to the model's device as it is used; the data set stays
        # on the host, so a GPU holds one batch of it at a time.
        self.device = model.device
        self.good_weights: dict[str, np.ndarray] = {}
        self.good_optimizer: tuple[dict, dict] | None = None
        self.remember_good_state()

    def remember_good_state(self) -> None:
        """Copies of the weights and optimizer state that the guard goes back to.

        A model that builds lazily has no weights before its first batch; the copy is
        then taken right after that batch's forward pass, before any update.
        """
        self.good_weights = self.model.state_dict()
        self.good_optimizer = self.config.optimizer.state_dict()

    def run_epoch(self, epoch: int, progress: EpochProgress) -> dict[str, float]:
        """Train on the rest of ``progress.order``; the epoch's mean loss and metrics."""
        self.model.train()
        optimizer = self.config.optimizer
        starts = range(progress.next_batch * self.batch_size, len(progress.order), self.batch_size)
        # A diverging model overflows somewhere in the forward pass, the backward pass or
        # the update; the guard turns that into one TrainingDiverged naming the
        # iteration, instead of a stream of NumPy RuntimeWarnings (or, with warnings as
        # errors, a RuntimeWarning raised from deep inside an op).
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for start in starts:
                index = progress.order[start : start + self.batch_size]
                # Data-parallel training (glassnet.parallel): this rank's part of the batch.
                rows = index if self.parallel is None else self.parallel.shard(index)
                iteration = self.history.iterations + start // self.batch_size
                optimizer.zero_grad()
                with self.config.autocast():
                    prediction = self.model(Tensor(self.x[rows], device=self.device))
                if not self.targets_checked:
                    # The first batch of the run: the outputs' shape is known now, so
                    # every target is checked before any weight changes.
                    self.config.loss.check_targets(self.y, prediction.shape)
                    self.targets_checked = True
                if not self.good_weights:
                    self.remember_good_state()
                if self.regularized is None:
                    self.regularized = any(
                        p.regularizer is not None for p in self.model.parameters()
                    )
                loss = self.config.loss(prediction, self.y[rows])
                objective = loss + self.model.regularization_loss() if self.regularized else loss
                scaler = self.config.loss_scaler
                (objective if scaler is None else scaler.scale(objective)).backward()
                batch_loss = float(loss.item())
                outputs = backend.to_numpy(prediction.data)
                if self.parallel is not None:  # one allreduce: gradients, loss, outputs
                    batch_loss, outputs = self.parallel.reduce(self.model, batch_loss, outputs)
                if scaler is None:
                    self._guard(batch_loss, iteration, epoch)
                    optimizer.step()
                else:
                    # Overflowing float16 gradients are expected now and then: the
                    # scaler skips that update and lowers the scale. A bad loss still
                    # stops the run.
                    self._guard(batch_loss, iteration, epoch, check_gradients=False)
                    scaler.step(optimizer)
                progress.next_batch += 1
                progress.loss_sum += batch_loss * len(index)
                progress.outputs.append(outputs)
                self.hooks.on_batch_end(iteration, {"loss": batch_loss})
                if self.saver is not None and self.saver.due_after_iteration(iteration + 1):
                    self.saver.save(self.model, self.generator, self.end_epoch, progress)
        logs = {"loss": progress.loss_sum / len(progress.order)}
        if self.config.metrics:
            outputs = np.concatenate(progress.outputs)
            logs.update(metric_values(self.config, self.y[progress.order], outputs))
        return logs

    def _guard(
        self, batch_loss: float, iteration: int, epoch: int, check_gradients: bool = True
    ) -> None:
        """Stop on a NaN or infinite loss or gradient, going back to the last good weights."""
        if math.isfinite(batch_loss) and not check_gradients:
            return
        if math.isfinite(batch_loss):
            bad = next(
                (
                    (name, p)
                    for name, p in self.model.named_parameters()
                    if p.grad is not None and not np.isfinite(p.grad).all()
                ),
                None,
            )
            if bad is None:
                return
            what = f"the gradient of '{bad[0]}' ({_layer_of(self.model, bad[0])}) became NaN or infinite"
        else:
            what = f"the loss became {batch_loss}"
        self.model.load_state_dict(self.good_weights)
        if self.good_optimizer is not None:
            self.config.optimizer.load_state_dict(*self.good_optimizer)
        when = "before the first epoch ended" if epoch == 0 else f"as of the end of epoch {epoch}"
        raise TrainingDiverged(
            f"training diverged: {what} at iteration {iteration + 1} (epoch {epoch + 1}). The "
            f"weights {when} are restored. Try a lower learning rate (lr), gradient "
            "clipping (clipnorm=1.0) or normalised inputs (z-scores)."
        )


def _layer_of(model: Module, parameter_path: str) -> str:
    """``layer 'hidden' (Dense)`` for a parameter path such as ``0.kernel``."""
    path = parameter_path.rpartition(".")[0]
    for module_path, module in model.named_modules():
        if module_path == path:
            return f"layer '{module.name}' ({type(module).__name__})"
    return f"model '{model.name}'"
