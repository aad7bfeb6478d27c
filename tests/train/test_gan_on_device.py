"""A GAN whose two networks live on a device trains as on the CPU.

Noise and batch order are drawn on the host from the GAN's seeded generator, so the
same seed gives the same run on every device; samples come back as NumPy arrays.
"""

from __future__ import annotations

import numpy as np

import glassnet as gn
from glassnet import backend
from glassnet.train.gan import GAN
from glassnet.train.gan_samples import grid_array


def _mlp(widths: list[int], activation: str, seed: int) -> gn.Sequential:
    layers = [gn.Dense(w, activation=activation, rng=seed + i) for i, w in enumerate(widths[:-1])]
    return gn.Sequential([*layers, gn.Dense(widths[-1], rng=seed + len(widths))])


def _gan(device: str, output: int = 2) -> GAN:
    generator = _mlp([8, output], "relu", 0).to(device)
    discriminator = _mlp([8, 1], "leaky_relu", 10).to(device)
    return GAN(generator, discriminator, latent_dim=2, label_smoothing=0.1, seed=0)


def _ring(n: int = 24) -> np.ndarray:
    angle = np.random.default_rng(1).uniform(0, 2 * np.pi, n)
    return np.stack([np.cos(angle), np.sin(angle)], axis=1).astype(np.float32)


def test_training_steps_on_the_device_give_the_cpu_numbers(device):
    gan, cpu = _gan(device), _gan("cpu")
    history = gan.train(_ring(), epochs=2, batch_size=8, d_steps=2)
    expected = cpu.train(_ring(), epochs=2, batch_size=8, d_steps=2)
    for key, values in expected.items():
        np.testing.assert_allclose(history[key], values, rtol=1e-5, err_msg=key)
    for network, cpu_network in (
        (gan.generator, cpu.generator),
        (gan.discriminator, cpu.discriminator),
    ):
        assert network.device == backend.get_device_object(device).name
        for (path, parameter), (_, expected_parameter) in zip(
            network.named_parameters(), cpu_network.named_parameters(), strict=True
        ):
            np.testing.assert_allclose(
                parameter.numpy(), expected_parameter.numpy(), rtol=1e-5, atol=1e-6, err_msg=path
            )
    samples = gan.sample(5)
    assert isinstance(samples, np.ndarray)
    np.testing.assert_allclose(samples, cpu.sample(5), rtol=1e-5, atol=1e-6)


def test_single_steps_and_device_data(device):
    gan, cpu = _gan(device), _gan("cpu")
    real = _ring(8)
    # Real data already on the device is accepted as it is.
    gan.train(gn.Tensor(real, device=device), epochs=1, batch_size=8)
    cpu.train(real, epochs=1, batch_size=8)
    d_step = gan.discriminator_step(real[:4])
    assert all(isinstance(value, float) for value in d_step)
    np.testing.assert_allclose(d_step, cpu.discriminator_step(real[:4]), rtol=1e-5)
    np.testing.assert_allclose(gan.generator_step(4), cpu.generator_step(4), rtol=1e-5)


def test_sample_grids_of_a_device_generator(device, tmp_path):
    gan, cpu = _gan(device, output=16), _gan("cpu", output=16)
    gan.save_samples(tmp_path / "grid.png", n=4)
    assert (tmp_path / "grid.png").read_bytes().startswith(b"\x89PNG")
    on_device = grid_array(gan.sample(4, gan.fixed_noise))
    np.testing.assert_array_equal(on_device, grid_array(cpu.sample(4, gan.fixed_noise)))
