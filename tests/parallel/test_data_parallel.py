"""Data-parallel training over MPI: 2 ranks equal 1 process; a dead rank stops the job."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn
from glassnet.parallel import DataParallel, LocalWorld
from tests.parallel.worker import data, model

MPIEXEC = shutil.which("mpiexec")
needs_mpi = pytest.mark.skipif(MPIEXEC is None, reason="mpiexec is not installed")
ROOT = Path(__file__).resolve().parents[2]


def run_ranks(
    ranks: int, out: Path, *options: str, timeout: float = 90
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMI_", "OMPI_", "PMIX_"))}
    command = [sys.executable, "-m", "tests.parallel.worker", str(out), *options]
    if ranks > 1:
        command = [MPIEXEC, "-n", str(ranks), *command]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def single_process_weights(epochs: int = 4, batch_norm: bool = False) -> dict[str, np.ndarray]:
    net = model(batch_norm)
    x, y = data()
    net.fit(x, y, epochs=epochs, batch_size=20, rng=11, verbose=0)
    return net.state_dict()


def assert_close(a: dict, b: dict, atol: float) -> None:
    assert set(a) == set(b)
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=0, atol=atol, err_msg=key)


@needs_mpi
def test_two_ranks_train_the_weights_of_one_process(tmp_path):
    result = run_ranks(2, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "trained on 2 ranks" in result.stdout
    rank0, rank1 = (dict(np.load(tmp_path / f"weights-{r}.npz")) for r in (0, 1))
    for key in rank0:  # identical on every rank, bit for bit
        np.testing.assert_array_equal(rank0[key], rank1[key])
    # 96 samples in batches of 20: the last batch (16) splits 8 + 8, the others 10 + 10.
    assert_close(rank0, single_process_weights(), atol=1e-5)


@needs_mpi
def test_batch_norm_statistics_are_reduced_across_ranks(tmp_path):
    result = run_ranks(2, tmp_path, "--bn", "--epochs", "2")
    assert result.returncode == 0, result.stderr
    rank0, rank1 = (dict(np.load(tmp_path / f"weights-{r}.npz")) for r in (0, 1))
    running = [k for k in rank0 if "running" in k]
    assert running
    for key in rank0:
        np.testing.assert_array_equal(rank0[key], rank1[key])
    # Averaged over the ranks' halves: near the running mean of one process.
    single = single_process_weights(epochs=2, batch_norm=True)
    np.testing.assert_allclose(rank0[running[0]], single[running[0]], atol=0.05)


@needs_mpi
def test_a_killed_rank_stops_the_job_and_a_restart_completes(tmp_path):
    started = time.monotonic()
    killed = run_ranks(2, tmp_path, "--die-at", "7", "--slow", "0.02", timeout=90)
    assert killed.returncode != 0
    assert time.monotonic() - started < 60  # bounded: no hang
    assert "rank 1 of 2" in killed.stderr and "killed by signal SIGKILL" in killed.stderr
    assert (tmp_path / "checkpoint.safetensors").exists()
    assert not (tmp_path / "weights.npz").exists()
    # Restart with another number of ranks (1): it ends as the uninterrupted run would.
    resumed = run_ranks(1, tmp_path, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert_close(dict(np.load(tmp_path / "weights.npz")), single_process_weights(), atol=1e-5)


@needs_mpi
def test_an_exception_in_one_rank_stops_every_rank_naming_it(tmp_path):
    failed = run_ranks(2, tmp_path, "--raise-at", "3", timeout=90)
    assert failed.returncode != 0
    assert "glassnet: rank 1 of 2 failed: RuntimeError: injected failure" in failed.stderr
    resumed = run_ranks(2, tmp_path, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert_close(dict(np.load(tmp_path / "weights.npz")), single_process_weights(), atol=1e-5)


@needs_mpi
@pytest.mark.slow  # timing-sensitive: once in a loaded run the waiting rank left no message
def test_a_hung_rank_is_named_by_the_collective_timeout(tmp_path):
    started = time.monotonic()
    hung = run_ranks(2, tmp_path, "--hang-at", "3", "--timeout", "2", timeout=90)
    assert hung.returncode != 0
    assert time.monotonic() - started < 60  # bounded: no hang
    assert "glassnet: rank 0 of 2 waited 2 s in the gradient allreduce for rank 1" in hung.stderr


def test_one_rank_hook_changes_nothing():
    net = model()
    x, y = data()
    gn.parallel.fit(net, x, y, epochs=2, batch_size=20, rng=11, verbose=0, world_=LocalWorld())
    assert_close(net.state_dict(), single_process_weights(epochs=2), atol=0)


def test_shard_splits_every_batch_into_contiguous_parts():
    class TwoRanks(LocalWorld):
        size = 2

        def __init__(self, rank: int) -> None:
            self.rank, self.is_root = rank, rank == 0

    index = np.arange(10, 15)
    parts = [DataParallel(TwoRanks(r)).shard(index) for r in (0, 1)]
    np.testing.assert_array_equal(np.concatenate(parts), index)
    idle, busy = DataParallel(TwoRanks(0)), DataParallel(TwoRanks(1))
    assert len(idle.shard(np.array([4]))) == 1 and idle._weight == 0  # too few samples
    assert busy.shard(np.array([4])).tolist() == [4] and busy._weight == 1


@needs_mpi
@pytest.mark.slow
def test_glassnet_train_under_mpiexec_writes_only_on_rank_0(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMI_", "OMPI_", "PMIX_"))}
    command = [MPIEXEC, "-n", "2", sys.executable, "-m", "glassnet", "train", "iris"]
    command += ["--out", str(tmp_path / "run"), "--epochs", "20", "--quiet"]
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("test metrics:") == 1  # rank 0 alone reports
    assert (tmp_path / "run" / "model.safetensors").exists()
