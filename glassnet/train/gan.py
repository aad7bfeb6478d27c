"""``GAN``: a generator and a discriminator trained against each other.

Each discriminator step sees a real batch and a generated one; the generated batch is
detached, so no gradient reaches the generator. Each generator step scores fresh
samples through the discriminator and updates only the generator; the gradients that
the same backward pass leaves on the discriminator's weights are thrown away.

Example:
    >>> import numpy as np
    >>> import glassnet as gn
    >>> g = gn.Sequential([gn.Dense(8, activation="relu"), gn.Dense(2)])
    >>> d = gn.Sequential([gn.Dense(8, activation="relu"), gn.Dense(1)])
    >>> gan = GAN(g, d, latent_dim=2, seed=0)
    >>> history = gan.train(np.zeros((32, 2), dtype="float32"), epochs=2, batch_size=16)
    >>> len(history["d_loss"]), gan.sample(5).shape
    (2, (5, 2))
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.function import no_grad
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError, DataError
from glassnet.nn.module import Module
from glassnet.optim.adam import Adam
from glassnet.optim.optimizer import Optimizer
from glassnet.train.gan_losses import (
    check_label_smoothing,
    check_loss_name,
    discriminator_loss,
    generator_loss,
)
from glassnet.train.gan_samples import save_grid

#: The DCGAN paper's Adam settings (Radford et al. 2015): beta1 = 0.5 damps the
#: momentum that otherwise makes the two players oscillate.
DEFAULT_LR = 2e-4
DEFAULT_BETAS = (0.5, 0.999)

Callback = Callable[[int, dict[str, float]], Any]


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


class GAN:
    """A generative adversarial network: ``generator(z)`` fakes, ``discriminator(x)`` judges.

    Args:
        generator: maps (N, latent_dim) noise to samples shaped like the data.
        discriminator: maps samples to one raw score (logit) each, shape (N, 1).
        latent_dim: the size of the standard-normal noise vector z.
        loss: ``"non_saturating"`` (default) or ``"minimax"``; see ``gan_losses``.
        label_smoothing: one-sided smoothing s in [0, 1): real targets are 1 - s.
        g_optimizer, d_optimizer: optimizers over each network's parameters
            (default: Adam, lr 2e-4, betas (0.5, 0.999)). They are created after
            both networks are built, at the start of ``train``.
        output_range: the generator's output range, shown as black..white in grids
            (tanh: (-1, 1); sigmoid: (0, 1)).
        seed: a seed or generator for noise and batch order.
    """

    def __init__(
        self,
        generator: Module,
        discriminator: Module,
        latent_dim: int,
        loss: str = "non_saturating",
        label_smoothing: float = 0.0,
        g_optimizer: Optimizer | None = None,
        d_optimizer: Optimizer | None = None,
        output_range: tuple[float, float] = (-1.0, 1.0),
        seed: np.random.Generator | int | None = None,
    ) -> None:
        for name, network in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(network, Module):
                raise ConfigError(
                    f"GAN {name} must be a glassnet Module, got {type(network).__name__}"
                )
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim = _positive_int("latent_dim", latent_dim)
        self.loss = check_loss_name(loss)
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        self.output_range = output_range
        self.rng = backend.get_rng(seed)
        self.history: dict[str, list[float]] = {
            "d_loss": [],
            "g_loss": [],
            "d_real": [],
            "d_fake": [],
        }
        # Fixed noise: grids from different epochs show the same z, so change is visible.
        self.fixed_noise: np.ndarray | None = None

    # -- sampling ---------------------------------------------------------------------

    def noise(self, n: int) -> np.ndarray:
        """``n`` standard-normal latent vectors, shape (n, latent_dim)."""
        z = self.rng.standard_normal((n, self.latent_dim))
        return z.astype(backend.get_default_dtype())

    def sample(self, n: int, z: np.ndarray | None = None) -> np.ndarray:
        """``n`` generated samples as a NumPy array (eval mode, no gradients).

        Args:
            n: how many samples.
            z: optional latent vectors (n, latent_dim) to use instead of fresh noise.
        """
        n = _positive_int("n", n)
        z = self.noise(n) if z is None else np.asarray(z, dtype=backend.get_default_dtype())
        was_training = self.generator.training
        self.generator.eval()
        try:
            with no_grad():
                return backend.host_copy(self.generator(self._latent(z)).data)
        finally:
            self.generator.train(was_training)

    def _latent(self, z: np.ndarray) -> Tensor:
        """Host noise on the generator's device (drawn on the host: one seed, every device)."""
        return Tensor(z, device=self.generator.device)

    def _real(self, batch: np.ndarray) -> Tensor:
        return Tensor(batch, device=self.discriminator.device)

    def save_samples(self, path: str | Path, n: int = 64) -> None:
        """Write a PNG grid of generated images (the same noise each time)."""
        if self.fixed_noise is None or len(self.fixed_noise) != n:
            self.fixed_noise = self.noise(n)
        save_grid(self.sample(n, self.fixed_noise), path, value_range=self.output_range)

    # -- training ---------------------------------------------------------------------

    def train(
        self,
        x: Any,
        epochs: int,
        batch_size: int = 64,
        d_steps: int = 1,
        callback: Callback | None = None,
        sample_every: int | None = None,
        sample_dir: str | Path | None = None,
    ) -> dict[str, list[float]]:
        """Alternate discriminator and generator updates for ``epochs`` passes over ``x``.

        Every batch of real data gives one discriminator step; after every ``d_steps``
        discriminator steps the generator takes one step.

        Args:
            x: real samples, (N, ...) with the generator's output shape per sample.
            epochs: passes over ``x``.
            batch_size: real (and fake) samples per step.
            d_steps: discriminator steps per generator step.
            callback: called as ``callback(epoch, logs)`` after each epoch.
            sample_every: write ``sample_dir/samples_epochNNN.png`` every this many epochs.
            sample_dir: the folder for sample grids (needed with ``sample_every``).

        Returns:
            The history: per-epoch means of ``d_loss``, ``g_loss`` and the
            discriminator's mean probabilities ``d_real``, ``d_fake``.
        """
        real = self._checked_data(x)
        epochs = _positive_int("epochs", epochs)
        batch_size = _positive_int("batch_size", batch_size)
        d_steps = _positive_int("d_steps", d_steps)
        if sample_every is not None:
            sample_every = _positive_int("sample_every", sample_every)
            if sample_dir is None:
                raise ConfigError("sample_every needs sample_dir: the folder for the PNG grids")
        self._build(real)
        start = len(self.history["d_loss"])
        with np.errstate(over="ignore", under="ignore"):
            for epoch in range(start, start + epochs):
                logs = self._run_epoch(real, batch_size, d_steps)
                for key, value in logs.items():
                    self.history[key].append(value)
                if sample_every is not None and (epoch + 1) % sample_every == 0:
                    self.save_samples(Path(sample_dir) / f"samples_epoch{epoch + 1:03d}.png")
                if callback is not None:
                    callback(epoch, logs)
        return self.history

    def _checked_data(self, x: Any) -> np.ndarray:
        real = backend.to_numpy(x.data if isinstance(x, Tensor) else x)
        if real.ndim < 2 or len(real) == 0 or not np.issubdtype(real.dtype, np.number):
            raise DataError(
                f"GAN.train expects numeric samples of shape (N, features...) with N >= 1, "
                f"got shape {real.shape} and dtype {real.dtype}"
            )
        if not np.all(np.isfinite(real)):
            raise DataError("GAN.train expects finite samples, got NaN or infinity")
        return real.astype(backend.get_default_dtype(), copy=False)

    def _build(self, real: np.ndarray) -> None:
        """Create both networks' weights (lazy layers) and the default optimizers."""
        with no_grad():
            fake = self.sample(1)
            if fake.shape[1:] != real.shape[1:]:
                raise DataError(
                    f"the generator makes samples of shape {fake.shape[1:]}, "
                    f"the data has shape {real.shape[1:]}"
                )
            self.discriminator(self._real(real[:1]))
        if self.g_optimizer is None:
            self.g_optimizer = Adam(self.generator, lr=DEFAULT_LR, betas=DEFAULT_BETAS)
        if self.d_optimizer is None:
            self.d_optimizer = Adam(self.discriminator, lr=DEFAULT_LR, betas=DEFAULT_BETAS)

    def _run_epoch(self, real: np.ndarray, batch_size: int, d_steps: int) -> dict[str, float]:
        self.generator.train()
        self.discriminator.train()
        order = self.rng.permutation(len(real))
        sums = {"d_loss": 0.0, "g_loss": 0.0, "d_real": 0.0, "d_fake": 0.0}
        d_count = g_count = 0
        for step, first in enumerate(range(0, len(real), batch_size)):
            batch = real[order[first : first + batch_size]]
            d_loss, d_real, d_fake = self.discriminator_step(batch)
            sums["d_loss"] += d_loss
            sums["d_real"] += d_real
            sums["d_fake"] += d_fake
            d_count += 1
            if (step + 1) % d_steps == 0:
                sums["g_loss"] += self.generator_step(len(batch))
                g_count += 1
        if g_count == 0:
            # An epoch shorter than d_steps batches still trains the generator once.
            sums["g_loss"] += self.generator_step(batch_size)
            g_count = 1
        return {
            key: value / (g_count if key == "g_loss" else d_count) for key, value in sums.items()
        }

    def discriminator_step(self, real_batch: np.ndarray) -> tuple[float, float, float]:
        """One update of D on a real batch and as many fakes; returns (loss, D(real), D(fake))."""
        with no_grad():
            # No graph through G: the discriminator's loss must not move the generator.
            fake = self.generator(self._latent(self.noise(len(real_batch))))
        self.d_optimizer.zero_grad()
        real_logits = self.discriminator(self._real(real_batch))
        fake_logits = self.discriminator(fake.detach())
        loss = discriminator_loss(real_logits, fake_logits, self.label_smoothing)
        loss.backward()
        self.d_optimizer.step()
        return float(loss.item()), _mean_probability(real_logits), _mean_probability(fake_logits)

    def generator_step(self, n: int) -> float:
        """One update of G through D; D's gradients from this pass are discarded."""
        self.g_optimizer.zero_grad()
        fake_logits = self.discriminator(self.generator(self._latent(self.noise(n))))
        loss = generator_loss(fake_logits, self.loss)
        loss.backward()
        self.g_optimizer.step()
        # The backward pass also filled D's gradients; D must not learn from G's goal.
        self.discriminator.zero_grad()
        return float(loss.item())


def _mean_probability(logits: Tensor) -> float:
    """The mean of sigmoid(logits), computed without overflow."""
    return float(np.mean(_sigmoid(logits.numpy().astype(np.float64))))


def _sigmoid(values: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) as exp(-log(1 + exp(-x))): no overflow for large |x|."""
    return np.exp(-np.logaddexp(0.0, -values))


__all__ = ["GAN", "save_grid"]
