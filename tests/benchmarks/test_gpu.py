"""The ``gpu`` workload: every case on the stand-in device, and skipped lines without a GPU."""

from __future__ import annotations

import re

import pytest

from benchmarks import QUICK, SUITE, WORKLOADS, gpu
from glassnet.backend import devices
from tests.conftest import SUITE_DEVICE

CASES = ("mlp", "lenet", "resnet", "lstm")
# Two samples per batch, one timed step: the plumbing, not a measurement. One thread: on a
# busy machine PyTorch's spinning OpenMP workers would take seconds per step.
TINY = ["--batch", "2", "--steps", "1", "--repeats", "1", "--warmup", "0", "--batches", "1"]
TINY += ["--gap", "0", "--threads", "1"]


def test_every_case_runs_on_the_standin_device_from_the_same_weights(capsys):
    pytest.importorskip("torch")
    assert gpu.main(["--device", "standin", *TINY]) == 0
    out = capsys.readouterr().out
    assert "device: standin" in out
    for case in CASES:
        row = re.search(
            rf"^\| {case} \| 2 \| ([0-9.]+) \| ([0-9.]+) \| \*\*([0-9.]+)×\*\*", out, re.MULTILINE
        )
        assert row is not None, f"no row for {case} in:\n{out}"
        glassnet_ms, torch_ms, ratio = (float(value) for value in row.groups())
        assert glassnet_ms > 0 and torch_ms > 0 and ratio > 0
        # The same model from the same weights: the first losses agree.
        losses = re.search(
            rf"^- {case} .*: loss on batch 0 glassnet ([0-9.]+) → .*, pytorch ([0-9.]+) →",
            out,
            re.MULTILINE,
        )
        assert losses is not None, f"no losses for {case} in:\n{out}"
        assert float(losses.group(1)) == pytest.approx(float(losses.group(2)), abs=2e-4)
    # The stand-in was registered for the run only (unless the whole suite runs on it).
    assert ("standin" in devices.device_names()) == (SUITE_DEVICE == "standin")


def test_without_a_gpu_every_case_is_skipped(capsys):
    reason = devices.unavailable_reason("gpu")
    if reason is None:
        pytest.skip("this machine has a usable GPU")
    assert gpu.main(["--device", "gpu"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert [line.split(":")[0] for line in lines] == list(CASES)
    for line in lines:
        assert ": skipped: " in line
        assert reason in line or "PyTorch is not installed" in line
    assert "Traceback" not in captured.err


def test_unknown_case_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        gpu.main(["--cases", "mlp,vgg"])
    assert exit_info.value.code == 2
    assert "mlp,lenet,resnet,lstm" in capsys.readouterr().err


def test_gpu_workload_is_registered_outside_the_default_suite():
    assert "gpu" in WORKLOADS and "gpu" in QUICK and "gpu" not in SUITE
