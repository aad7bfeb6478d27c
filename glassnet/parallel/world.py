"""Who we are in a data-parallel job, and the two collectives training needs.

A *world* is the set of ranks that train one model together. :func:`world` returns
the job's world: an :class:`MPIWorld` when the process runs under an MPI launcher
with more than one rank (``mpiexec -n 2 …``, ``srun …``), else a :class:`LocalWorld`
of one rank, whose collectives do nothing. mpi4py is imported only in the first
case, so a plain ``glassnet train`` never initialises MPI.

Only two collectives are used: a broadcast of the initial weights, and one
in-place sum (allreduce) of a flat buffer per training step. The sum waits at most
``timeout`` seconds: a rank that died or hangs then stops the whole job with a
message that names it, instead of every other rank waiting forever.

GPUs: the buffer is allocated with the model's array module. A CUDA-aware MPI
accepts CuPy device buffers directly (mpi4py reads ``__cuda_array_interface__``);
:class:`MPIWorld` passes them through when ``cuda_aware=True`` and otherwise copies
to the host and back. An NCCL world (``cupy.cuda.nccl``) would be a third class with
the same three methods. Neither GPU path has been run: this machine has no GPU.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from typing import Any

import numpy as np

from glassnet.errors import GlassnetError

#: Environment variables that MPI launchers set to the number of ranks.
_SIZE_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS")
#: … and to this process's rank (before MPI is initialised).
_RANK_VARIABLES = ("PMI_RANK", "OMPI_COMM_WORLD_RANK", "PMIX_RANK")
#: Seconds a collective may wait for the other ranks (override: GLASSNET_MPI_TIMEOUT).
DEFAULT_TIMEOUT = 300.0
# Tags of the roll call that names the ranks missing from a timed-out collective.
_ROLL_CALL, _PRESENT = 7301, 7302


class ParallelError(GlassnetError, RuntimeError):
    """A data-parallel job cannot go on: ranks disagree, or one of them is gone."""


def launcher_size() -> int:
    """The number of ranks the MPI launcher started (1 when not under one)."""
    for name in _SIZE_VARIABLES:
        value = os.environ.get(name, "")
        if value.isdigit():
            return int(value)
    return 1


def launcher_rank() -> int:
    """This process's rank as the launcher announced it (0 when not under one)."""
    for name in _RANK_VARIABLES:
        value = os.environ.get(name, "")
        if value.isdigit():
            return int(value)
    return 0


def under_mpi() -> bool:
    """True when an MPI launcher started this process as one of several ranks."""
    return launcher_size() > 1


def timeout_from_environment() -> float:
    value = os.environ.get("GLASSNET_MPI_TIMEOUT")
    if value is None:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        raise ParallelError(f"GLASSNET_MPI_TIMEOUT must be seconds, got {value!r}") from None
    if seconds <= 0:
        raise ParallelError(f"GLASSNET_MPI_TIMEOUT must be positive, got {value!r}")
    return seconds


class LocalWorld:
    """A world of one rank: every collective is the identity."""

    rank = 0
    size = 1
    is_root = True

    def allreduce_sum(self, buffer: Any, what: str = "") -> Any:
        return buffer

    def broadcast(self, buffer: Any, what: str = "") -> Any:
        return buffer

    def broadcast_object(self, value: Any) -> Any:
        return value

    def abort(self, code: int) -> None:
        sys.exit(code)

    def describe(self) -> str:
        return "1 rank (no MPI)"


class MPIWorld:
    """The ranks of ``MPI.COMM_WORLD``, with bounded-time collectives.

    Args:
        timeout: seconds a collective waits for the other ranks before the job stops.
        cuda_aware: hand device (CuPy) buffers to MPI directly.
    """

    def __init__(self, timeout: float | None = None, cuda_aware: bool = False) -> None:
        from mpi4py import MPI  # the first import initialises MPI: only under a launcher

        self.MPI = MPI
        self.comm = MPI.COMM_WORLD
        # Roll calls travel on their own communicator so they never match training traffic.
        self.watch = self.comm.Dup()
        self.rank = self.comm.Get_rank()
        self.size = self.comm.Get_size()
        self.is_root = self.rank == 0
        self.timeout = timeout_from_environment() if timeout is None else float(timeout)
        self.cuda_aware = cuda_aware
        self.parent = os.getppid()
        self._sent: list[Any] = []  # roll-call messages in flight (kept alive until sent)
        # Who is where: the launcher's own failure message names processes by PID.
        self.places = self.comm.allgather((socket.gethostname(), os.getpid()))

    def describe(self) -> str:
        ranks = ", ".join(
            f"rank {r}: pid {pid} on {host}" for r, (host, pid) in enumerate(self.places)
        )
        return f"{self.size} ranks ({ranks})"

    # -- collectives -------------------------------------------------------------------

    def allreduce_sum(self, buffer: Any, what: str = "the gradient sum") -> Any:
        """Sum ``buffer`` over all ranks, in place; stop the job if a rank does not come."""
        host = self._host(buffer)
        request = self.comm.Iallreduce(self.MPI.IN_PLACE, host, op=self.MPI.SUM)
        self._wait(request, what)
        return self._back(host, buffer)

    def broadcast(self, buffer: Any, what: str = "the initial weights") -> Any:
        """Rank 0's ``buffer`` on every rank, in place."""
        host = self._host(buffer)
        self._wait(self.comm.Ibcast(host, root=0), what)
        return self._back(host, buffer)

    def broadcast_object(self, value: Any) -> Any:
        """Rank 0's small JSON-like ``value`` (a seed, a flag) on every rank."""
        return self.comm.bcast(value, root=0)

    def abort(self, code: int) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        self.comm.Abort(code)
        os._exit(code)  # MPICH's Abort may return in the calling rank while it stops the rest

    # -- helpers -----------------------------------------------------------------------

    def _host(self, buffer: Any) -> Any:
        if isinstance(buffer, np.ndarray) or self.cuda_aware:
            return buffer
        return buffer.get()  # a CuPy array without CUDA-aware MPI: through the host

    @staticmethod
    def _back(host: Any, buffer: Any) -> Any:
        if host is not buffer:
            buffer.set(host)
        return buffer

    def _wait(self, request: Any, what: str) -> None:
        """Poll ``request`` until done; answer roll calls; stop the job after ``timeout``.

        MPI progresses a non-blocking collective only while it is tested, so the first
        50 ms spin (yielding the core to any other process at each turn); a rank that
        waits longer, for a slower or dead one, then checks every millisecond.
        """
        started = time.monotonic()
        deadline = started + self.timeout
        next_check = started + 0.001
        while not request.Test():
            now = time.monotonic()
            if now < next_check:
                os.sched_yield()
                continue
            next_check = now + 0.001
            self._answer_roll_calls()
            if os.getppid() != self.parent:
                os._exit(1)  # the supervisor is gone (killed by the launcher): so are we
            if now > deadline:
                self._stop_missing(what)
            if now - started > 0.05:
                time.sleep(0.001)

    def _answer_roll_calls(self) -> None:
        MPI = self.MPI
        status = MPI.Status()
        while self.watch.Iprobe(source=MPI.ANY_SOURCE, tag=_ROLL_CALL, status=status):
            caller = status.Get_source()
            self.watch.recv(source=caller, tag=_ROLL_CALL)
            self._sent.append(self.watch.isend(self.rank, dest=caller, tag=_PRESENT))

    def _stop_missing(self, what: str) -> None:
        """Ask every rank to answer; name those that do not, and stop the whole job."""
        others = [r for r in range(self.size) if r != self.rank]
        for rank in others:
            self._sent.append(self.watch.isend(self.rank, dest=rank, tag=_ROLL_CALL))
        present: set[int] = set()
        grace = time.monotonic() + min(5.0, max(1.0, self.timeout / 10))
        while time.monotonic() < grace and len(present) < len(others):
            self._answer_roll_calls()
            status = self.MPI.Status()
            while self.watch.Iprobe(source=self.MPI.ANY_SOURCE, tag=_PRESENT, status=status):
                present.add(self.watch.recv(source=status.Get_source(), tag=_PRESENT))
            time.sleep(0.01)
        missing = [r for r in others if r not in present]
        names = ", ".join(
            f"rank {r} (pid {self.places[r][1]} on {self.places[r][0]})" for r in missing
        )
        print(
            f"glassnet: rank {self.rank} of {self.size} waited {self.timeout:g} s in "
            f"{what} for {names or 'the other ranks'}, which did not arrive: "
            "dead or hung. Stopping all ranks; restart from the last checkpoint "
            "(--resume / fit(resume=True)), with the same or another number of ranks.",
            file=sys.stderr,
            flush=True,
        )
        self.abort(1)


_WORLD: LocalWorld | MPIWorld | None = None


def world(timeout: float | None = None) -> LocalWorld | MPIWorld:
    """The job's world, created on the first call (MPI is initialised then, if used).

    Args:
        timeout: seconds a collective may wait (default: ``GLASSNET_MPI_TIMEOUT`` or 300).
    """
    global _WORLD
    if _WORLD is None:
        _WORLD = MPIWorld(timeout) if under_mpi() else LocalWorld()
    elif timeout is not None and isinstance(_WORLD, MPIWorld):
        _WORLD.timeout = float(timeout)
    return _WORLD
