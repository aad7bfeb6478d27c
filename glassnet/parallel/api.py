"""``glassnet.parallel.fit``: ``model.fit`` on every rank of an MPI job, as one training run.

Example (``mpiexec -n 2 python train.py``; with one process it is plain ``fit``):
    >>> import glassnet as gn, numpy as np
    >>> gn.seed(0)
    >>> x = np.random.default_rng(0).normal(size=(64, 3))
    >>> model = gn.Sequential([gn.Dense(4, activation="tanh"), gn.Dense(1)])
    >>> _ = model.compile("sgd", "mse", lr=0.1)
    >>> history = gn.parallel.fit(model, x, x.sum(axis=1), epochs=2, batch_size=16, rng=0)
    >>> history.epochs
    2
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.nn.module import Module
from glassnet.parallel.data_parallel import DataParallel
from glassnet.parallel.failure import install_excepthook
from glassnet.parallel.world import LocalWorld, MPIWorld, world
from glassnet.train.callbacks import (
    Callback,
    CSVLogger,
    EpochPrinter,
    ModelCheckpoint,
    ProgressBar,
)
from glassnet.train.history import History

#: Callbacks that write files or to the terminal: on rank 0 only.
WRITING_CALLBACKS: tuple[type[Callback], ...] = (
    CSVLogger,
    ModelCheckpoint,
    ProgressBar,
    EpochPrinter,
)


def fit(
    model: Module,
    x: Any,
    y: Any,
    *,
    callbacks: Sequence[Callback] = (),
    verbose: int | str = "auto",
    rng: np.random.Generator | int | None = None,
    world_: LocalWorld | MPIWorld | None = None,
    timeout: float | None = None,
    **kwargs: Any,
) -> History:
    """Train ``model`` data-parallel over the job's ranks; every rank calls this alike.

    Each rank passes the same ``x`` and ``y`` (arrays or ``np.memmap``: a rank reads
    only its rows of each batch). ``batch_size`` is the *global* batch: each of N ranks
    computes on about batch_size / N samples per step. The result, on every rank, is
    the model one process would train with that batch size, up to float rounding.
    Only rank 0 prints, writes the checkpoint and runs the writing callbacks
    (:data:`WRITING_CALLBACKS`); an uncaught exception in any rank stops the job.

    Args:
        model: a compiled model, built identically on every rank.
        x, y: the training data, the same on every rank.
        callbacks: as in ``fit``; the writing ones run on rank 0 only.
        verbose: as in ``fit``, on rank 0 (the others are silent).
        rng: the shuffling seed; None draws one on rank 0 and sends it to all.
        world_: the ranks (default: :func:`glassnet.parallel.world`).
        timeout: seconds a step waits for the other ranks before the job stops.
        **kwargs: every other ``fit`` option (epochs, batch_size, checkpoint, resume, …).

    Returns:
        The model's History, the same on every rank.
    """
    ranks = world_ if world_ is not None else world(timeout)
    install_excepthook()
    if rng is None:
        # Every rank draws (keeping their global generators in step), rank 0's wins.
        rng = ranks.broadcast_object(int(backend.get_rng().integers(2**31)))
    elif isinstance(rng, np.random.Generator):
        rng = ranks.broadcast_object(int(rng.integers(2**31)))
    hook = DataParallel(ranks)
    if not ranks.is_root:
        verbose = 0
        callbacks = [c for c in callbacks if not isinstance(c, WRITING_CALLBACKS)]
    return model.fit(x, y, callbacks=[hook, *callbacks], verbose=verbose, rng=rng, **kwargs)
