"""A rank that dies or raises stops the whole job, with a message that names it.

Three ways a rank can end badly, and what each becomes:

- it raises (a bug, a full disk, a bad file on one machine): :func:`abort_on_error`
  (the CLI) and :func:`install_excepthook` (scripts) print ``glassnet: rank 1 of 2
  failed: …`` and call ``MPI_Abort``, which ends every rank; without it the others
  would wait in the next allreduce forever.
- it is killed (out of memory, ``kill -9``, a segfault): it cannot speak, so
  :func:`supervise` forks each rank before MPI starts; the parent waits for the
  child, the real rank, and reports ``glassnet: rank 1 of 2 (pid …) was killed by
  signal SIGKILL`` and exits non-zero, after which the launcher stops the others.
- it hangs (a stalled machine or network): the other ranks' collectives time out
  (:class:`~glassnet.parallel.world.MPIWorld`) and name the ranks that did not
  answer a roll call.

Each message ends by saying how to go on: restart from the last checkpoint, with the
same or another number of ranks.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import signal
import socket
import sys
import traceback
from collections.abc import Callable
from typing import Any

from glassnet.errors import GlassnetError
from glassnet.parallel.world import launcher_rank, launcher_size, under_mpi, world

RESTART_HINT = (
    "restart from the last checkpoint (glassnet train --resume, or fit(resume=True)) "
    "with the same or another number of ranks"
)
_FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2)


def supervise() -> None:
    """Under an MPI launcher, run this rank in a child process and report how it ends.

    Call it before MPI is initialised (before mpi4py is imported); otherwise, and
    when not under a launcher, it does nothing. In the child it returns at once; the
    parent never returns: it exits with the child's status (128 + signal when killed).
    """
    if not under_mpi() or os.environ.get("GLASSNET_SUPERVISED") or "mpi4py.MPI" in sys.modules:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    child = os.fork()
    if child == 0:
        os.environ["GLASSNET_SUPERVISED"] = "1"
        _die_with_parent()
        return
    for number in _FORWARDED:
        signal.signal(number, functools.partial(_forward, child))
    status = _wait_for(child)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        print(
            f"glassnet: rank {launcher_rank()} of {launcher_size()} (pid {child} on "
            f"{socket.gethostname()}) was killed by signal {signal.Signals(number).name}; "
            f"the launcher stops the other ranks. To go on, {RESTART_HINT}.",
            file=sys.stderr,
            flush=True,
        )
        os._exit(128 + number)
    os._exit(os.waitstatus_to_exitcode(status))


def _forward(child: int, number: int, frame: Any) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended already
        os.kill(child, number)


def _wait_for(child: int) -> int:
    while True:
        try:
            return os.waitpid(child, 0)[1]
        except InterruptedError:  # pragma: no cover - waitpid retries by itself since 3.5
            continue


def _die_with_parent() -> None:
    """Linux: the kernel kills this child when its parent (the supervisor) dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the collectives' parent check remains
        pass


def report_failure(exc: BaseException, show_traceback: bool) -> None:
    """Print ``glassnet: rank R of N failed: …`` on stderr (a user's mistake: no traceback)."""
    rank, size = _where()
    hint = f"; to go on, {RESTART_HINT}" if show_traceback else ""
    # The one line first: the abort that follows can cut a long traceback short.
    print(
        f"glassnet: rank {rank} of {size} failed: {type(exc).__name__}: {exc}. "
        f"Stopping all ranks{hint}.",
        file=sys.stderr,
        flush=True,
    )
    if show_traceback:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        sys.stderr.flush()


def _where() -> tuple[int, int]:
    return launcher_rank(), launcher_size()


def abort_on_error(run: Callable[[Any], int]) -> Callable[[Any], int]:
    """Wrap a CLI command: under MPI, any exception in one rank stops every rank.

    Outside MPI the command runs unchanged (the CLI turns user errors into exit code 2).
    """

    @functools.wraps(run)
    def guarded(args: Any) -> int:
        if not under_mpi():
            return run(args)
        supervise()
        try:
            return run(args)
        except SystemExit:
            raise
        except BaseException as exc:
            user_error = isinstance(exc, GlassnetError)
            report_failure(exc, show_traceback=not user_error)
            world().abort(2 if user_error else 1)
            raise  # pragma: no cover - abort does not return

    return guarded


def install_excepthook() -> None:
    """Under MPI, make an uncaught exception in any rank stop the whole job."""
    if not under_mpi() or getattr(sys.excepthook, "_glassnet", False):
        return
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
        report_failure(exc, show_traceback=True)
        world().abort(1)

    hook._glassnet = True  # type: ignore[attr-defined]
    sys.excepthook = hook
