"""Tests for glassnet/train/gan.py, gan_losses.py and gan_samples.py."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import glassnet as gn
from glassnet.errors import ConfigError, DataError, ShapeError
from glassnet.optim.adam import Adam
from glassnet.train.gan import GAN
from glassnet.train.gan_losses import discriminator_loss, generator_loss
from glassnet.train.gan_samples import grid_array, save_grid

RING_STD = 0.05


def _bce(p: np.ndarray, t: float) -> float:
    return float(np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p))))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _mlp(widths: list[int], activation: str, seed: int) -> gn.Sequential:
    layers = [gn.Dense(w, activation=activation, rng=seed + i) for i, w in enumerate(widths[:-1])]
    return gn.Sequential([*layers, gn.Dense(widths[-1], rng=seed + len(widths))])


def _tiny_gan(**options) -> GAN:
    g = _mlp([8, 2], "relu", 0)
    d = _mlp([8, 1], "leaky_relu", 10)
    return GAN(g, d, latent_dim=2, seed=0, **options)


# -- losses -------------------------------------------------------------------------


def test_discriminator_loss_is_bce_on_real_and_fake():
    real, fake = np.array([[0.5], [-1.0]]), np.array([[2.0], [0.0]])
    loss = discriminator_loss(gn.Tensor(real), gn.Tensor(fake)).item()
    expected = _bce(_sigmoid(real), 1.0) + _bce(_sigmoid(fake), 0.0)
    assert loss == pytest.approx(expected, rel=1e-6)


def test_label_smoothing_moves_only_the_real_targets():
    real, fake = np.array([[0.5], [3.0]]), np.array([[2.0], [-0.5]])
    loss = discriminator_loss(gn.Tensor(real), gn.Tensor(fake), label_smoothing=0.1).item()
    expected = _bce(_sigmoid(real), 0.9) + _bce(_sigmoid(fake), 0.0)
    assert loss == pytest.approx(expected, rel=1e-6)
    # The smoothed loss of a confident real score is larger: it is pushed back from 1.
    sure = gn.Tensor([[10.0]])
    assert discriminator_loss(sure, gn.Tensor([[-10.0]]), 0.1).item() > 0.9
    assert discriminator_loss(sure, gn.Tensor([[-10.0]]), 0.0).item() < 1e-3


def test_generator_losses_minimax_and_non_saturating():
    logits = np.array([[-3.0], [0.0], [1.5]])
    p = _sigmoid(logits)
    minimax = generator_loss(gn.Tensor(logits), "minimax").item()
    non_saturating = generator_loss(gn.Tensor(logits), "non_saturating").item()
    assert minimax == pytest.approx(float(np.mean(np.log(1 - p))), rel=1e-6)
    assert non_saturating == pytest.approx(float(np.mean(-np.log(p))), rel=1e-6)


def test_minimax_gradient_saturates_where_non_saturating_does_not():
    # D confidently rejects the fake (logit -6): minimax gives G almost no gradient.
    grads = {}
    for name in ("minimax", "non_saturating"):
        logit = gn.Tensor([[-6.0]], requires_grad=True)
        generator_loss(logit, name).backward()
        grads[name] = float(logit.grad[0, 0])
    assert grads["minimax"] == pytest.approx(-_sigmoid(-6.0), rel=1e-5)
    assert grads["non_saturating"] == pytest.approx(-(1 - _sigmoid(-6.0)), rel=1e-5)
    assert abs(grads["non_saturating"]) > 100 * abs(grads["minimax"])


# -- validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, message",
    [
        ({"loss": "wasserstein"}, "GAN loss must be one of"),
        ({"label_smoothing": 1.0}, "label_smoothing must be a number in [0, 1)"),
        ({"label_smoothing": -0.1}, "label_smoothing"),
        ({"latent_dim": 0}, "latent_dim must be a positive integer, got 0"),
    ],
)
def test_constructor_rejects_bad_settings(options, message):
    settings = {"latent_dim": 2, **options}
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace(")", r"\)")):
        GAN(_mlp([8, 2], "relu", 0), _mlp([8, 1], "relu", 0), **settings)


def test_constructor_rejects_non_modules():
    with pytest.raises(ConfigError, match="generator must be a glassnet Module, got str"):
        GAN("g", _mlp([8, 1], "relu", 0), latent_dim=2)


@pytest.mark.parametrize(
    "arguments, error, message",
    [
        ({"epochs": 0}, ConfigError, "epochs must be a positive integer, got 0"),
        ({"batch_size": -1}, ConfigError, "batch_size must be a positive integer"),
        ({"d_steps": 1.5}, ConfigError, "d_steps must be a positive integer"),
        ({"sample_every": 1}, ConfigError, "sample_every needs sample_dir"),
        ({"x": np.zeros((0, 2))}, DataError, "N >= 1"),
        ({"x": np.zeros(4)}, DataError, r"got shape \(4,\)"),
        ({"x": np.full((4, 2), np.nan)}, DataError, "finite"),
        ({"x": np.zeros((4, 3))}, DataError, r"shape \(2,\), the data has shape \(3,\)"),
    ],
)
def test_train_rejects_bad_arguments(arguments, error, message):
    settings = {"x": np.zeros((4, 2), dtype=np.float32), "epochs": 1, "batch_size": 2, **arguments}
    with pytest.raises(error, match=message):
        _tiny_gan().train(**settings)


# -- training mechanics -------------------------------------------------------------


def test_discriminator_step_leaves_the_generator_alone():
    gan = _tiny_gan()
    x = np.random.default_rng(0).standard_normal((16, 2)).astype(np.float32)
    gan.train(x, epochs=1, batch_size=16)
    gan.generator.zero_grad()
    before = gan.generator.state_dict()
    gan.discriminator_step(x)
    after = gan.generator.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert all(p.grad is None for p in gan.generator.parameters())


def test_generator_step_leaves_the_discriminator_alone():
    gan = _tiny_gan()
    x = np.random.default_rng(0).standard_normal((16, 2)).astype(np.float32)
    gan.train(x, epochs=1, batch_size=16)
    before = gan.discriminator.state_dict()
    gan.generator_step(16)
    after = gan.discriminator.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert all(p.grad is None for p in gan.discriminator.parameters())


def test_d_steps_counts_discriminator_steps_per_generator_step():
    gan = _tiny_gan()
    x = np.zeros((12, 2), dtype=np.float32)
    gan.train(x, epochs=1, batch_size=2, d_steps=3)  # 6 batches: 6 D steps, 2 G steps
    assert (gan.d_optimizer.iterations, gan.g_optimizer.iterations) == (6, 2)
    gan.train(x, epochs=1, batch_size=12, d_steps=3)  # one batch: G still steps once
    assert (gan.d_optimizer.iterations, gan.g_optimizer.iterations) == (7, 3)


def test_history_callback_and_same_seed_same_run(tmp_path):
    x = np.random.default_rng(1).standard_normal((20, 2)).astype(np.float32)
    seen = []
    runs = []
    for _ in range(2):
        gan = _tiny_gan(label_smoothing=0.1)
        history = gan.train(x, epochs=3, batch_size=8, callback=lambda e, logs: seen.append(e))
        runs.append((history, gan.sample(4)))
    assert seen == [0, 1, 2, 0, 1, 2]
    assert set(runs[0][0]) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(len(values) == 3 for values in runs[0][0].values())
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


def test_sample_uses_eval_mode_without_gradients():
    gan = _tiny_gan()
    gan.train(np.zeros((4, 2), dtype=np.float32), epochs=1, batch_size=4)
    gan.generator.zero_grad()
    samples = gan.sample(5)
    assert isinstance(samples, np.ndarray) and samples.shape == (5, 2)
    assert gan.generator.training  # restored after sampling
    assert all(p.grad is None for p in gan.generator.parameters())


# -- sample grids -------------------------------------------------------------------


def test_save_grid_writes_a_png_of_the_tiled_images(tmp_path):
    images = np.stack([np.full((1, 4, 4), v) for v in (-1.0, 1.0, 0.0)])
    path = tmp_path / "nested" / "grid.png"
    save_grid(images, path, scale=2)
    with Image.open(path) as image:
        picture = np.asarray(image)
    # 2 columns × 2 rows of 4×4 cells with 1-pixel borders: 11 × 11 pixels, doubled.
    assert picture.shape == (22, 22)
    assert picture[2, 2] == 0 and picture[2, 12] == 255 and picture[12, 2] == 128
    assert not list(path.parent.glob(".*tmp"))  # the temporary file was renamed


def test_save_grid_accepts_flat_square_images_and_rejects_others():
    flat = grid_array(np.zeros((2, 64)), value_range=(0.0, 1.0), scale=1)
    assert flat.shape == (10, 19)
    with pytest.raises(ShapeError, match=r"got shape \(2, 3\)"):
        grid_array(np.zeros((2, 3)))
    with pytest.raises(ConfigError, match="high > low"):
        grid_array(np.zeros((2, 64)), value_range=(1.0, 1.0))


def test_training_writes_sample_grids(tmp_path):
    g = _mlp([8, 16], "relu", 0)
    d = _mlp([8, 1], "leaky_relu", 5)
    gan = GAN(g, d, latent_dim=3, seed=0)
    x = np.random.default_rng(0).uniform(-1, 1, (8, 16)).astype(np.float32)
    gan.train(x, epochs=4, batch_size=4, sample_every=2, sample_dir=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "samples_epoch002.png",
        "samples_epoch004.png",
    ]


# -- learning a distribution ----------------------------------------------------------


def _ring(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    angles = 2 * np.pi * np.arange(8) / 8
    centers = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    x = centers[rng.integers(0, 8, n)] + RING_STD * rng.standard_normal((n, 2))
    return x.astype(np.float32), centers


@pytest.mark.parametrize("seed", [0, 1])
def test_gan_covers_all_modes_of_a_ring_of_gaussians(seed):
    x, centers = _ring(4096, np.random.default_rng(seed))
    g = _mlp([64, 64, 2], "relu", seed)
    d = _mlp([64, 64, 1], "leaky_relu", seed + 10)
    gan = GAN(
        g,
        d,
        latent_dim=4,
        g_optimizer=Adam(g, lr=2e-3, betas=(0.5, 0.999)),
        d_optimizer=Adam(d, lr=2e-3, betas=(0.5, 0.999)),
        seed=seed,
    )
    gan.train(x, epochs=60, batch_size=128)
    # A smaller step for the last epochs lets the players settle instead of orbiting.
    gan.g_optimizer.lr = gan.d_optimizer.lr = 2e-4
    gan.train(x, epochs=20, batch_size=128)
    samples = gan.sample(2000)
    distance = np.linalg.norm(samples[:, None, :] - centers[None], axis=2)
    near = distance.min(axis=1) < 3 * RING_STD
    assert near.mean() >= 0.8
    covered = np.bincount(distance.argmin(axis=1)[near], minlength=8)
    assert np.all(covered >= 0.05 * len(samples))  # every mode, and none starved


@pytest.mark.slow
def test_gan_digits_are_recognised_by_a_classifier_and_cover_every_class():
    # About 35 s: 250 epochs of the `glassnet gan digits` recipe, seed 0.
    from glassnet import data
    from glassnet.cli.gan_command import digits_gan, digits_pixels, train_digits

    x, y = digits_pixels(), data.load("digits").y
    order = np.random.default_rng(0).permutation(len(x))
    train, test = order[:1400], order[1400:]
    classifier = gn.Sequential([gn.Dense(128, activation="relu", rng=1), gn.Dense(10, rng=2)])
    classifier.compile("adam", "categorical_crossentropy", ["accuracy"], lr=1e-3)
    classifier.fit(x[train], y[train], epochs=30, batch_size=32, verbose=0, rng=0)
    assert classifier.evaluate(x[test], y[test])["accuracy"] >= 0.95

    gan = digits_gan(seed=0)
    train_digits(gan, epochs=250)
    probabilities = classifier.predict_proba(gan.sample(1000))
    confident = probabilities.max(axis=1) >= 0.9
    assert confident.mean() >= 0.8
    assert set(probabilities.argmax(axis=1)[confident]) == set(range(10))
