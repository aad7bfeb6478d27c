"""The device switch point: which module computes, where tensors and models live, and
the errors for devices that are unknown or missing (CuPy or a GPU)."""

from __future__ import annotations

import types

import numpy as np
import pytest

import glassnet as gn
from glassnet import backend
from glassnet.backend import devices
from glassnet.backend.gpu import GPUDevice
from tests.conftest import SUITE_DEVICE
from tests.standin_device import StandinArray, standin_module


def test_numpy_computes_host_data():
    for value in (np.zeros(2), 1.5, [1, 2], np.float32(2.0)):
        assert backend.get_array_module(value) is np
        assert backend.device_of(value) == "cpu"


@pytest.mark.usefixtures("device")
@pytest.mark.parametrize("device", ["standin"], indirect=True)
def test_a_device_array_selects_its_module_and_moves_back_to_numpy():
    host = np.arange(6.0).reshape(2, 3)
    moved = backend.to_device(host, "standin")
    assert isinstance(moved, StandinArray)
    assert backend.get_array_module(host, moved) is standin_module
    assert backend.device_of(moved) == "standin"
    assert backend.to_device(moved, "standin") is moved
    back = backend.to_numpy(moved)
    assert type(back) is np.ndarray and np.array_equal(back, host)
    copy = backend.host_copy(host)
    copy[0, 0] = 99.0
    assert host[0, 0] == 0.0
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(moved)


def test_unknown_devices_are_refused_with_the_known_names():
    with pytest.raises(
        gn.ConfigError, match=r"device 'tpu' is not known; available devices: cpu, gpu"
    ):
        gn.set_device("tpu")
    with pytest.raises(gn.ConfigError, match="named by a string"):
        gn.Tensor([1.0]).to(0)
    assert gn.get_device() == SUITE_DEVICE


def test_the_gpu_without_cupy_says_how_to_install_it(monkeypatch):
    gpu = GPUDevice()

    def missing():
        raise ImportError("No module named 'cupy'")

    monkeypatch.setattr(gpu, "_import", missing)
    assert gpu.unavailable_reason() == (
        "CuPy is not installed; install the GPU extra with: pip install 'glassnet[gpu]'"
    )


def _cupy_counting(count):
    runtime = types.SimpleNamespace(getDeviceCount=count)
    return types.SimpleNamespace(cuda=types.SimpleNamespace(runtime=runtime))


def test_the_gpu_without_a_driver_or_device_says_so(monkeypatch):
    def no_driver():
        raise RuntimeError("cudaErrorInsufficientDriver: CUDA driver version is insufficient")

    for count, expected in [
        (no_driver, "found no usable NVIDIA GPU (cudaErrorInsufficientDriver"),
        (lambda: 0, "this machine has no NVIDIA GPU"),
    ]:
        gpu = GPUDevice()
        fake_cupy = _cupy_counting(count)
        monkeypatch.setattr(gpu, "_import", lambda cupy=fake_cupy: cupy)
        assert expected in gpu.unavailable_reason()


@pytest.mark.skipif(devices.unavailable_reason("gpu") is None, reason="this machine has a GPU")
def test_asking_for_the_missing_gpu_is_a_clear_error_and_changes_nothing():
    model = gn.Sequential([gn.Dense(2, rng=0)]).to("cpu")
    model(np.ones((1, 3)))
    for ask in (
        lambda: gn.set_device("gpu"),
        lambda: gn.set_device("cuda"),
        lambda: model.to("gpu"),
        lambda: gn.Tensor([1.0], device="gpu"),
    ):
        with pytest.raises(gn.ConfigError, match=r"device '(gpu|cuda)' is not available: "):
            ask()
    assert gn.get_device() == SUITE_DEVICE and model.device == "cpu"


def test_checking_a_host_type_never_imports_cupy():
    gpu = GPUDevice()
    assert not gpu.owns(np.float32) and not gpu.owns(np.ndarray) and not gpu.owns(list)
    assert gpu._cupy is None


@pytest.mark.parametrize("device", ["standin"], indirect=True)
def test_tensor_to_is_differentiable_and_model_to_places_later_weights(device):
    x = gn.Tensor([1.0, 2.0], requires_grad=True, device="cpu")
    on_device = x.to(device)
    assert on_device.device == device and x.to("cpu") is x
    (on_device * on_device).sum().backward()
    assert type(x.grad) is np.ndarray and x.grad.tolist() == [2.0, 4.0]

    model = gn.Sequential([gn.Dense(3, rng=0)]).to(device)  # not built yet
    out = model(np.ones((2, 4)))  # a host input is moved to the model's device
    assert model.device == device and out.device == device
    assert all(p.device == device for p in model.parameters())
    model.to("cpu")
    assert model.device == "cpu" and model(np.ones((2, 4))).device == "cpu"


@pytest.mark.parametrize("device", ["standin"], indirect=True)
def test_the_current_device_places_new_tensors_and_weights(device):
    with backend.using_device("cpu"):
        assert gn.Tensor([1.0]).device == "cpu"
    with backend.using_device(device):
        assert gn.get_device() == device
        assert gn.Tensor([1.0]).device == device
        assert gn.Tensor([1.0], device="cpu").device == "cpu"
        layer = gn.Dense(2, rng=0)
        layer(np.ones((1, 3)))
    assert gn.get_device() == SUITE_DEVICE
    assert layer.device == device
    assert gn.Tensor(layer.kernel.data).device == device  # a device array stays put


@pytest.mark.parametrize("device", ["standin"], indirect=True)
def test_a_device_tensor_says_where_it_lives_when_printed(device):
    assert repr(gn.Tensor([1.0, 2.0], device=device)) == "Tensor([1., 2.], device='standin')"
    assert repr(gn.Tensor([1.0], device="cpu")) == "Tensor([1.])"
