"""Fixtures shared by every test package: the devices tests run on.

``GLASSNET_TEST_DEVICE=gpu python -m pytest`` runs the whole suite with the GPU as the
current device (new tensors and weights land there); ``GLASSNET_TEST_DEVICE=standin``
does the same with the CuPy-strict stand-in on the CPU.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from glassnet import backend
from glassnet.backend import devices
from tests.standin_device import StandinDevice

SUITE_DEVICE = os.environ.get("GLASSNET_TEST_DEVICE") or "cpu"


@pytest.fixture(autouse=True, scope="session")
def suite_device() -> Iterator[str]:
    """The current device for the whole run (the CPU unless GLASSNET_TEST_DEVICE says)."""
    if SUITE_DEVICE == "standin":
        devices.register_device(StandinDevice())
    backend.set_device(SUITE_DEVICE)
    yield SUITE_DEVICE
    backend.set_device("cpu")


@pytest.fixture(params=["cpu", "standin", "gpu"])
def device(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each available device in turn: the CPU; the stand-in (CuPy's strictness on the CPU,
    always); the GPU only where CuPy finds one (skipped otherwise, so CI stays green)."""
    name = request.param
    if name == "gpu":
        reason = devices.unavailable_reason("gpu")
        if reason is not None:
            pytest.skip(f"no GPU: {reason}")
    registered = name == "standin" and SUITE_DEVICE != "standin"
    if registered:
        devices.register_device(StandinDevice())
    try:
        yield name
    finally:
        backend.set_device(SUITE_DEVICE)
        if registered:
            devices.unregister_device("standin")
