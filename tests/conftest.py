"""Fixtures shared by every test package: the devices tests run on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from glassnet import backend
from glassnet.backend import devices
from tests.standin_device import StandinDevice


@pytest.fixture(params=["cpu", "standin", "gpu"])
def device(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each available device in turn: the CPU; the stand-in (CuPy's strictness on the CPU,
    always); the GPU only where CuPy finds one (skipped otherwise, so CI stays green)."""
    name = request.param
    if name == "gpu":
        reason = devices.unavailable_reason("gpu")
        if reason is not None:
            pytest.skip(f"no GPU: {reason}")
    if name == "standin":
        devices.register_device(StandinDevice())
    try:
        yield name
    finally:
        backend.set_device("cpu")
        if name == "standin":
            devices.unregister_device("standin")
