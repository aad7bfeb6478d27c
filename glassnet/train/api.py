"""``compile``, ``evaluate`` and ``predict`` for any module (the doors are on ``Module``).

Example:
    >>> import glassnet as gn, numpy as np
    >>> model = gn.Sequential([gn.Dense(2)]).compile("sgd", "categorical_crossentropy", ["accuracy"])
    >>> model.predict(np.zeros((3, 4))).shape
    (3, 2)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.function import no_grad
from glassnet.autograd.tensor import Tensor
from glassnet.backend.precision import autocast, precision_dtype
from glassnet.errors import ConfigError, DataError
from glassnet.nn.losses import Loss, get_loss
from glassnet.nn.module import Module
from glassnet.optim import get_optimizer
from glassnet.optim.loss_scaler import LossScaler
from glassnet.train.inputs import check_features, check_targets
from glassnet.train.metrics import Metric, get_metric
from glassnet.train.outputs import OutputReader, true_labels


@dataclass
class TrainingConfig:
    """What ``compile`` chose: the optimizer, the loss, the metrics, how to read outputs."""

    optimizer: Any
    loss: Loss
    metrics: list[Metric] = field(default_factory=list)
    #: "float32", or "mixed_float16": float16 products, float32 weights, a scaled loss.
    precision: str = "float32"
    loss_scaler: LossScaler | None = None

    def autocast(self) -> contextlib.AbstractContextManager:
        """The compute-dtype context of the chosen precision (nothing for float32)."""
        dtype = precision_dtype(self.precision)
        return contextlib.nullcontext() if dtype is None else autocast(dtype)

    @property
    def reader(self) -> OutputReader:
        return OutputReader.for_loss(self.loss)


def compile_model(
    model: Module,
    optimizer: Any,
    loss: Any,
    metrics: Any,
    precision: str = "float32",
    **options: Any,
) -> None:
    """Attach a :class:`TrainingConfig` to ``model`` (see ``Module.compile``)."""
    mixed = precision_dtype(precision) is not None
    if isinstance(metrics, (str, Metric)):
        metrics = [metrics]
    if isinstance(optimizer, str):
        optimizer = get_optimizer(optimizer, model, **options)
    elif options:
        raise ConfigError(
            f"optimizer options {sorted(options)} were given, but the optimizer is an object "
            "already; set them when creating it"
        )
    model.training_config = TrainingConfig(
        optimizer=optimizer,
        loss=get_loss(loss),
        metrics=[get_metric(m) for m in metrics],
        precision=precision,
        loss_scaler=LossScaler() if mixed else None,
    )


def config_of(model: Module) -> TrainingConfig:
    config = getattr(model, "training_config", None)
    if config is None:
        raise ConfigError(
            "the model is not compiled; call model.compile(optimizer='adam', "
            "loss='categorical_crossentropy', metrics=['accuracy']) first"
        )
    return config


@contextlib.contextmanager
def inference_mode(model: Module) -> Iterator[None]:
    """Eval mode and no gradient recording inside the block; the previous mode after it."""
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            yield
    finally:
        model.train(was_training)


def raw_outputs(model: Module, x: np.ndarray, batch_size: int) -> np.ndarray:
    """The model's outputs for every sample of ``x``, computed in batches."""
    if not isinstance(batch_size, int) or batch_size <= 0:
        raise ConfigError(f"batch_size must be a positive integer, got {batch_size!r}")
    chunks = []
    device = model.device
    config = getattr(model, "training_config", None)
    precision = config.autocast() if config is not None else contextlib.nullcontext()
    # Overflow inside the model is reported once, below, naming the samples.
    with inference_mode(model), precision, np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, len(x), batch_size):
            batch = Tensor(x[start : start + batch_size], device=device)
            chunks.append(backend.to_numpy(model(batch).data))
    outputs = np.concatenate(chunks)
    if outputs.dtype == np.float16:
        outputs = outputs.astype(np.float32)  # mixed precision: users get float32 results
    if not np.isfinite(outputs).all():
        rows = np.flatnonzero(~np.isfinite(outputs.reshape(len(outputs), -1)).all(axis=1))
        raise DataError(
            f"the model's outputs overflowed (NaN or infinite) for sample(s) "
            f"{rows[:5].tolist()}; their inputs are far outside what it can compute with "
            "(scale the inputs as for training), or the weights have diverged"
        )
    return outputs


def metric_values(config: TrainingConfig, y: np.ndarray, outputs: np.ndarray) -> dict[str, float]:
    """Each compiled metric on ``outputs`` against ``y``."""
    values = {}
    reader = config.reader
    for metric in config.metrics:
        if metric.kind == "values":
            values[metric.name] = metric(y.reshape(outputs.shape), outputs)
            continue
        if not reader.is_classifier:
            raise ConfigError(
                f"metric '{metric.name}' needs class predictions, but the loss "
                f"'{type(config.loss).__name__}' is a regression loss"
            )
        truth = true_labels(y)
        given = reader.labels(outputs) if metric.kind == "labels" else reader.scores(outputs)
        values[metric.name] = metric(truth, given)
    return values


def loss_value(config: TrainingConfig, outputs: np.ndarray, y: np.ndarray) -> float:
    with no_grad():
        return float(config.loss(Tensor(outputs, device="cpu"), y).item())


def evaluate(model: Module, x: Any, y: Any, batch_size: int = 256) -> dict[str, float]:
    """``{"loss": …, metric: …}`` on ``x``, ``y`` without training."""
    config = config_of(model)
    x = check_features(x)
    y = check_targets(y, len(x))
    outputs = raw_outputs(model, x, batch_size)
    return {"loss": loss_value(config, outputs, y), **metric_values(config, y, outputs)}


def predict(model: Module, x: Any, batch_size: int = 256) -> np.ndarray:
    return raw_outputs(model, check_features(x), batch_size)


def predict_proba(model: Module, x: Any, batch_size: int = 256) -> np.ndarray:
    return config_of(model).reader.probabilities(predict(model, x, batch_size))


def predict_classes(model: Module, x: Any, batch_size: int = 256) -> np.ndarray:
    """Class indices, or the original class names when the model carries them."""
    labels = config_of(model).reader.labels(predict(model, x, batch_size))
    classes = getattr(model, "preprocessing", {}).get("classes")
    # ``is None``, not truthiness: class names may be a NumPy array (np.unique(y)).
    return labels if classes is None else np.asarray(classes)[labels]
