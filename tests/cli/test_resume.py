"""``glassnet train --resume`` after the process was killed (SIGKILL) at random moments.

A run killed anywhere and resumed must end with exactly the weights of a run that was
never interrupted, and a checkpoint must never be left half-written.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

TRAIN = [sys.executable, "-m", "glassnet", "train", "iris", "--quiet", "--epochs", "150"]
TRAIN += ["--checkpoint-every", "1", "--seed", "3"]


def weights(path: Path) -> dict[str, np.ndarray]:
    return gn.load(path).state_dict()


def kill_after(command: list[str], seconds: float) -> bool:
    """Start ``command``, SIGKILL it after ``seconds``; True if it was still running."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[dict[str, np.ndarray], float]:
    """The weights of an uninterrupted run, and how long it took."""
    out = tmp_path_factory.mktemp("reference")
    started = time.monotonic()
    subprocess.run([*TRAIN, "--out", str(out)], check=True, capture_output=True)
    return weights(out / "model.safetensors"), time.monotonic() - started


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_run_killed_at_a_random_moment_resumes_to_the_same_weights(tmp_path, reference, seed):
    expected, duration = reference
    out = tmp_path / "run"
    killed = kill_after(
        [*TRAIN, "--out", str(out)], random.Random(seed).uniform(0.2, 0.9) * duration
    )
    checkpoint = out / "checkpoint.safetensors"
    if killed and checkpoint.exists():
        gn.load(checkpoint)  # whatever moment the kill hit, the checkpoint is whole
    subprocess.run([*TRAIN, "--out", str(out), "--resume"], check=True, capture_output=True)
    resumed = weights(out / "model.safetensors")
    assert sorted(resumed) == sorted(expected)
    for key in expected:
        assert np.array_equal(resumed[key], expected[key]), key


WRITER = """
import sys
from glassnet.io.atomic import write_atomic
target = sys.argv[1]
payloads = [bytes([65]) * 30_000_000, bytes([66]) * 30_000_000]
print("ready", flush=True)
i = 0
while True:
    write_atomic(target, payloads[i % 2])
    i += 1
"""


@pytest.mark.parametrize("delay", [0.05, 0.11, 0.23, 0.37])
def test_a_kill_during_a_write_leaves_the_previous_file_whole(tmp_path, delay):
    target = tmp_path / "checkpoint.bin"
    target.write_bytes(b"C" * 30_000_000)
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout.readline().strip() == "ready"
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
    data = target.read_bytes()
    assert len(data) == 30_000_000
    assert data in (b"A" * 30_000_000, b"B" * 30_000_000, b"C" * 30_000_000)
