"""The last steps of the recipe: compile a network and fit it, with the schedule.

Shared by the table recipe (:mod:`glassnet.pipeline.recipe`), the series recipe
(:mod:`glassnet.pipeline.series`) and the comparison's network contender.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from glassnet import parallel
from glassnet.nn.module import Module
from glassnet.optim import CosineAnnealingLR
from glassnet.pipeline.options import TrainSettings
from glassnet.train.callbacks import LearningRateScheduler


def compile_network(
    network: Module, task: str, settings: TrainSettings, metrics: list[str] | None = None
) -> None:
    """Cross-entropy and accuracy for a classifier, MSE and R² for a regression.

    ``metrics`` replaces the metrics (``[]``: the loss alone, as a forecaster logs).
    """
    decay = {"weight_decay": settings.weight_decay} if settings.weight_decay else {}
    if task == "classification":
        loss, default = "categorical_crossentropy", ["accuracy"]
    else:
        loss, default = "mse", ["r2"]
    metrics = default if metrics is None else metrics
    network.compile(
        settings.optimizer, loss, metrics, precision=settings.precision, lr=settings.lr, **decay
    )


def fit_network(
    network: Module,
    x: np.ndarray,
    y: np.ndarray,
    settings: TrainSettings,
    epochs: int,
    callbacks: list[Any] = (),
    validation_split: float = 0.0,
    **fit_options: Any,
) -> Any:
    """``fit`` with the cosine schedule (if asked), data-parallel under ``mpiexec``."""
    callbacks = list(callbacks)
    if settings.schedule == "cosine":
        # Each epoch's rate is set as the epoch begins, so the rate left in the saved
        # optimizer is the last one used, not the schedule's final 0.
        cosine = CosineAnnealingLR(network.training_config.optimizer, t_max=epochs)
        callbacks.append(LearningRateScheduler(lambda epoch, lr: cosine.lr_at(epoch)))
    # Under mpiexec with several ranks: data-parallel, each rank computing on its part.
    fit = partial(parallel.fit, network) if parallel.under_mpi() else network.fit
    return fit(
        x,
        y,
        epochs=epochs,
        batch_size=settings.batch_size,
        validation_split=validation_split,
        callbacks=callbacks,
        rng=settings.seed,
        **fit_options,
    )
