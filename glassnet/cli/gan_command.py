"""``glassnet gan digits``: train a GAN on the bundled 8×8 digits and save sample grids.

The pixels (0–16) are scaled to [-1, 1] to match the generator's tanh output. Every
``--sample-every`` epochs the same 64 noise vectors are drawn through the generator
into ``OUT/samples_epochNNN.png``; the final grid is ``OUT/samples_final.png``.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_parsers(parser.add_subparsers())
    >>> parser.parse_args(["gan", "digits", "--epochs", "3"]).epochs
    3
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import data
from glassnet.errors import ConfigError
from glassnet.nn.dense import Dense
from glassnet.nn.sequential import Sequential
from glassnet.optim.adam import Adam
from glassnet.train.gan import DEFAULT_BETAS, GAN

DIGITS_LATENT_DIM = 32
DIGITS_LR = 1e-3
DIGITS_LABEL_SMOOTHING = 0.2
#: For the last fifth of the epochs the learning rate drops fivefold: the two players
#: stop circling each other and the samples sharpen (measured: 79 % → 84 % of samples
#: classified with confidence ≥ 0.9 after 250 epochs).
DIGITS_SETTLE_FRACTION = 0.2
DIGITS_SETTLE_FACTOR = 0.2


def digits_pixels() -> np.ndarray:
    """The 1797 bundled digits, flat (N, 64), scaled from 0–16 to [-1, 1] (float32)."""
    images = data.load("digits").images()  # (N, 1, 8, 8) in [0, 1]
    return (images.reshape(len(images), -1) * 2.0 - 1.0).astype(np.float32)


def digits_gan(seed: int = 0, lr: float = DIGITS_LR) -> GAN:
    """The MLP GAN used for the digits: G 32→128→256→64 (tanh), D 64→256→128→1.

    The discriminator uses leaky ReLUs, so that fakes it rejects still get a gradient.
    """
    generator = Sequential(
        [
            Dense(128, activation="relu", rng=seed),
            Dense(256, activation="relu", rng=seed + 1),
            Dense(64, activation="tanh", rng=seed + 2),
        ]
    )
    discriminator = Sequential(
        [
            Dense(256, activation="leaky_relu", rng=seed + 3),
            Dense(128, activation="leaky_relu", rng=seed + 4),
            Dense(1, rng=seed + 5),
        ]
    )
    return GAN(
        generator,
        discriminator,
        latent_dim=DIGITS_LATENT_DIM,
        label_smoothing=DIGITS_LABEL_SMOOTHING,
        g_optimizer=Adam(generator, lr=lr, betas=DEFAULT_BETAS),
        d_optimizer=Adam(discriminator, lr=lr, betas=DEFAULT_BETAS),
        output_range=(-1.0, 1.0),
        seed=seed,
    )


def train_digits(
    gan: GAN,
    epochs: int,
    batch_size: int = 64,
    callback: Any = None,
    sample_every: int | None = None,
    sample_dir: str | Path | None = None,
) -> dict[str, list[float]]:
    """Train ``gan`` on the digits, lowering both learning rates for the last epochs."""
    settle_at = epochs - int(epochs * DIGITS_SETTLE_FRACTION)

    def on_epoch_end(epoch: int, logs: dict[str, float]) -> None:
        if epoch + 1 == settle_at:
            for optimizer in (gan.g_optimizer, gan.d_optimizer):
                optimizer.lr = optimizer.lr * DIGITS_SETTLE_FACTOR
        if callback is not None:
            callback(epoch, logs)

    return gan.train(
        digits_pixels(),
        epochs=epochs,
        batch_size=batch_size,
        callback=on_epoch_end,
        sample_every=sample_every,
        sample_dir=sample_dir,
    )


def add_parsers(commands: Any) -> None:
    """Add ``gan digits`` to an argparse sub-command collection."""
    gan = commands.add_parser("gan", help="train a generative adversarial network")
    data_sets = gan.add_subparsers(dest="gan_data", metavar="DATA", required=True)
    digits = data_sets.add_parser("digits", help="the bundled 8x8 handwritten digits")
    digits.add_argument("--epochs", type=int, default=250, help="passes over the data (250)")
    digits.add_argument("--seed", type=int, default=0, help="seed for weights and noise (0)")
    digits.add_argument("--batch-size", type=int, default=64, help="samples per step (64)")
    digits.add_argument(
        "--sample-every", type=int, default=25, help="write a sample grid every N epochs (25)"
    )
    digits.add_argument("--out", default="gan_digits", help="folder for the PNG grids")
    digits.set_defaults(run=run_digits)


def run_digits(args: argparse.Namespace) -> int:
    """Train, print one line per epoch, save the grids; returns the exit code."""
    for name in ("epochs", "batch_size", "sample_every"):
        if getattr(args, name) < 1:
            option = "--" + name.replace("_", "-")
            raise ConfigError(f"{option} must be a positive integer, got {getattr(args, name)}")
    out = Path(args.out)
    gan = digits_gan(seed=args.seed)

    def report(epoch: int, logs: dict[str, float]) -> None:
        print(
            f"epoch {epoch + 1:>3}/{args.epochs}  d_loss {logs['d_loss']:.3f}  "
            f"g_loss {logs['g_loss']:.3f}  D(real) {logs['d_real']:.2f}  "
            f"D(fake) {logs['d_fake']:.2f}",
            flush=True,
        )

    train_digits(gan, args.epochs, args.batch_size, report, args.sample_every, out)
    final = out / "samples_final.png"
    gan.save_samples(final)
    print(f"sample grids in {out}/ (final: {final})")
    return 0
