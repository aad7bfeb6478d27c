"""Redraw the pictures of README's "Pictures and the report" section.

Run from the repository root: ``python docs/images/make_pictures.py`` (about a
minute on two cores; the report screenshot needs /usr/bin/chromium).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

import glassnet as gn
from glassnet.cli import main
from glassnet.inspect import plots

HERE = Path(__file__).parent


def moons(samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles with noise: a boundary no straight line can draw."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, np.pi, samples)
    label = rng.integers(0, 2, samples)
    x = np.where(
        label[:, None] == 0,
        np.c_[np.cos(angle), np.sin(angle)],
        np.c_[1 - np.cos(angle), 0.5 - np.sin(angle)],
    )
    return x + rng.normal(0, noise, x.shape), label


def main_pictures() -> None:
    x, y = moons(160, 0.25, seed=0)
    gn.seed(0)
    # Wide and trained long on few noisy samples: it overfits, which the curves show.
    model = gn.Sequential(
        [gn.Dense(64, activation="relu"), gn.Dense(64, activation="relu"), gn.Dense(2)]
    ).compile("adam", "categorical_crossentropy", ["accuracy"], lr=0.01)
    history = model.fit(x, y, epochs=300, batch_size=16, validation_split=0.4, verbose=0)
    plots.plot_history(history, path=HERE / "training_curves.png")
    plots.plot_decision_boundary(model, x, y, path=HERE / "decision_boundary.png")
    small = gn.Sequential([gn.Dense(5, activation="tanh"), gn.Dense(2)]).compile(
        "adam", "categorical_crossentropy", ["accuracy"], lr=0.05
    )
    small.fit(x, y, epochs=100, verbose=0)
    plots.plot_network(
        small,
        input_names=["x1", "x2"],
        output_names=["class 0", "class 1"],
        path=HERE / "network.png",
    )
    plots.plot_loss_surface(
        small,
        x,
        y,
        ["1.kernel[0,0]", "1.kernel[1,0]"],
        span=3.0,
        steps=25,
        lr=1.0,
        resolution=25,
        path=HERE / "loss_surface.png",
    )


def report_screenshot() -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as folder:
        run = Path(folder) / "digits"
        main(
            [
                "train",
                "digits",
                "--layers",
                "64",
                "--epochs",
                "40",
                "--quiet",
                "--report",
                "--out",
                str(run),
            ]
        )
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={Path(folder) / 'profile'}",
                "--window-size=1000,2600",
                f"--screenshot={HERE / 'report.png'}",
                (run / "report.html").as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


if __name__ == "__main__":
    main_pictures()
    report_screenshot()
