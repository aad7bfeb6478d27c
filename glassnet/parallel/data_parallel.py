"""``DataParallel``: the hook that turns ``fit`` into data-parallel training over ranks.

Every rank runs the same ``fit`` with the same data, the same seed and so the same
shuffled order. Of every global batch each rank takes its contiguous part
(:meth:`DataParallel.shard`), runs forward and backward on it, and then one
allreduce (:meth:`DataParallel.reduce`) sums, in one flat buffer:

- each parameter's gradient, weighted by the rank's share of the batch, so that the
  sum is the gradient of the mean loss over the whole global batch (the same number
  one process computes, up to float rounding), also when the last batch does not
  split evenly;
- batch-norm running statistics (every float buffer), weighted the same way, so they
  stay identical on every rank;
- the batch loss, weighted, and the rank's outputs, placed at its rows of the batch,
  so every rank gets the global batch's loss and all its outputs: the epoch's loss
  and metrics (accuracy, F1, …) are exactly those of the whole data;
- a small fingerprint of the batch's sample order, which tells if the ranks'
  shuffles ever disagree.

Weights start identical (rank 0's are broadcast when training begins, or right
after the first forward pass of a lazily built model), every rank applies the same
summed gradient with the same optimizer, so weights stay identical after every
step. Only rank 0 writes checkpoints (:meth:`DataParallel.checkpointer`).

Forward passes in training mode normalise with each rank's *local* batch statistics,
as PyTorch's DistributedDataParallel does without SyncBatchNorm.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.parallel.world import LocalWorld, MPIWorld, ParallelError, world
from glassnet.train.callbacks.base import Callback
from glassnet.train.checkpointing import Checkpointer

# Slots after the gradients and buffers: the loss, then the fingerprint and its square.
_LOSS, _PRINT, _PRINT_SQUARED, _SCALARS = 0, 1, 2, 3


class DataParallel(Callback):
    """Pass to ``fit`` (``callbacks=[DataParallel()]``) on every rank; see the module doc.

    :func:`glassnet.parallel.fit` does this for you and also keeps the non-zero ranks
    quiet. The attributes ``allreduce_seconds`` and ``steps`` measure communication.

    Args:
        world: the ranks (default: :func:`glassnet.parallel.world`).
    """

    #: What ``fit`` looks for among its callbacks.
    data_parallel = True

    def __init__(self, world_: LocalWorld | MPIWorld | None = None) -> None:
        self.world = world_ if world_ is not None else world()
        self.allreduce_seconds = 0.0
        self.steps = 0
        self._pending_broadcast = False
        self._buffer: np.ndarray | None = None
        self._positions = np.arange(0)
        self._weight = 0.0
        self._batch = 0
        self._fingerprint = 0

    # -- fit's hooks -------------------------------------------------------------------

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        mine = (logs["samples"], logs["steps_per_epoch"], logs["initial_epoch"], logs["epochs"])
        root = self.world.broadcast_object(mine)
        if tuple(root) != mine:
            raise ParallelError(
                f"rank {self.world.rank} disagrees with rank 0 about the run: (samples, "
                f"steps per epoch, first epoch, last epoch) are {mine} here and "
                f"{tuple(root)} on rank 0. Every rank needs the same data, batch size and "
                "epochs, and a checkpoint on a file system all ranks share"
            )
        if self.model.input_shape is None and not list(self.model.parameters()):
            self._pending_broadcast = True  # built lazily: after the first forward pass
        else:
            self.broadcast_weights()

    def checkpointer(self, saver: Checkpointer) -> Checkpointer:
        """``saver`` on rank 0; on the other ranks a copy that reads but never writes."""
        if self.world.is_root:
            return saver
        reader = object.__new__(_ReadOnlyCheckpointer)
        reader.__dict__.update(saver.__dict__)
        return reader

    def shard(self, index: np.ndarray) -> np.ndarray:
        """This rank's rows of the global batch ``index`` (a contiguous part of it)."""
        size, rank = self.world.size, self.world.rank
        self._batch = len(index)
        start, stop = (len(index) * rank) // size, (len(index) * (rank + 1)) // size
        self._positions = np.arange(start, stop)
        self._weight = (stop - start) / len(index)
        limit = max(2, 4095 // size)  # keeps the fingerprint's sums exact in float32
        self._fingerprint = (
            int((index[:64].astype(np.int64) * np.arange(1, 65)[: len(index)]).sum()) % limit
        )
        if stop == start:
            # Fewer samples than ranks: this rank computes on one sample with weight 0,
            # so that every rank runs the same passes and takes part in the allreduce.
            return index[:1]
        return index[start:stop]

    def reduce(self, model: Any, loss: float, outputs: np.ndarray) -> tuple[float, np.ndarray]:
        """Sum gradients, statistics, loss and outputs over the ranks (one allreduce).

        Returns the global batch's loss and its outputs (all rows, in batch order); the
        parameters' ``grad`` then hold the global batch's gradient on every rank.
        """
        if self._pending_broadcast:
            self._pending_broadcast = False
            self.broadcast_weights()
        parameters = list(model.parameters())
        buffers = [b for _, b in model.named_buffers() if b.data.dtype.kind == "f"]
        dtype = np.result_type(*(p.data.dtype for p in parameters)) if parameters else np.float32
        row = int(np.prod(outputs.shape[1:], dtype=np.int64))
        sizes = [p.data.size for p in parameters] + [b.data.size for b in buffers]
        fixed = int(sum(sizes))
        total = fixed + _SCALARS + self._batch * row
        if self._buffer is None or len(self._buffer) < total or self._buffer.dtype != dtype:
            self._buffer = np.empty(total, dtype=dtype)
        flat = self._buffer[:total]
        weight = self._weight
        offset = 0
        for p in parameters:
            view = flat[offset : offset + p.data.size]
            if p.grad is None:
                view[...] = 0
            else:
                np.multiply(backend.to_numpy(p.grad).ravel(), weight, out=view)
            offset += p.data.size
        for b in buffers:
            host = backend.to_numpy(b.data).ravel()
            np.multiply(host, weight, out=flat[offset : offset + b.data.size])
            offset += b.data.size
        flat[offset + _LOSS] = loss * weight
        flat[offset + _PRINT] = self._fingerprint
        flat[offset + _PRINT_SQUARED] = self._fingerprint**2
        rows = flat[offset + _SCALARS :].reshape(self._batch, row)
        rows[...] = 0
        if len(self._positions):
            rows[self._positions] = outputs.reshape(len(outputs), row)

        started = time.perf_counter()
        self.world.allreduce_sum(flat, "the gradient allreduce")
        self.allreduce_seconds += time.perf_counter() - started
        self.steps += 1

        offset = 0  # the sums go back to where the model lives
        for p in parameters:
            if p.grad is not None:
                summed = flat[offset : offset + p.data.size].reshape(p.data.shape)
                p.grad = backend.to_device_of(summed, p.data)
            offset += p.data.size
        for b in buffers:
            summed = flat[offset : offset + b.data.size].reshape(b.data.shape)
            b.data[...] = backend.to_device_of(summed, b.data)
            offset += b.data.size
        self._check_same_batch(flat[offset + _PRINT], flat[offset + _PRINT_SQUARED])
        full = rows.reshape(self._batch, *outputs.shape[1:]).astype(outputs.dtype, copy=True)
        return float(flat[offset + _LOSS]), full

    # -- helpers -----------------------------------------------------------------------

    def broadcast_weights(self) -> None:
        """Give every rank rank 0's parameters and buffers (one broadcast)."""
        if self.world.size == 1:
            return
        tensors = [p for p in self.model.parameters()]
        tensors += [b for _, b in self.model.named_buffers() if b.data.dtype.kind == "f"]
        if not tensors:
            return
        dtype = np.result_type(*(t.data.dtype for t in tensors))
        flat = np.concatenate([backend.to_numpy(t.data).ravel().astype(dtype) for t in tensors])
        self.world.broadcast(flat, "the broadcast of rank 0's weights")
        offset = 0
        for t in tensors:
            values = flat[offset : offset + t.data.size].reshape(t.data.shape)
            t.data[...] = backend.to_device_of(values, t.data)
            offset += t.data.size

    def _check_same_batch(self, total: float, squares: float) -> None:
        """All fingerprints equal ⇔ size·Σc² = (Σc)² (equality in Cauchy–Schwarz)."""
        if self.world.size * float(squares) != float(total) ** 2:
            raise ParallelError(
                f"rank {self.world.rank}: the ranks hold different batches (their shuffled "
                "orders differ). Give every rank the same data and the same rng seed "
                "(glassnet.parallel.fit does when rng is None)"
            )


class _ReadOnlyCheckpointer(Checkpointer):
    """A checkpoint that a non-zero rank reads (to resume) but never writes."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        return None
