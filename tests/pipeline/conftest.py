"""Shared data of the pipeline tests: a penguin-like table with a categorical column and gaps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from glassnet.cli import main
from tests.cli.conftest import glassnet  # noqa: F401 (the in-process CLI fixture)


def penguins(rows: int = 240, seed: int = 0) -> pd.DataFrame:
    """Body mass (grams, a regression target in its own units) from island, bill and flipper.

    The island is categorical with missing values, the bill has missing values, and
    the species (a classification target) follows from the island and the bill.
    """
    rng = np.random.default_rng(seed)
    island = rng.choice(["Biscoe", "Dream", "Torgersen"], rows).astype(object)
    bill = rng.normal(45, 5, rows).round(1)
    flipper = rng.normal(200, 15, rows).round(0)
    mass = 3000 + 20 * (flipper - 200) + 50 * (bill - 45) + np.where(island == "Biscoe", 500, 0)
    mass = (mass + rng.normal(0, 80, rows)).round(0)
    species = np.where(island == "Biscoe", "Gentoo", np.where(bill > 45, "Chinstrap", "Adelie"))
    frame = pd.DataFrame(
        {"island": island, "bill": bill, "flipper": flipper, "species": species, "mass": mass}
    )
    frame.loc[rng.choice(rows, max(1, rows // 20), replace=False), "bill"] = np.nan
    frame.loc[rng.choice(rows, max(1, rows // 40), replace=False), "island"] = np.nan
    return frame


def write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def mass_run(tmp_path_factory) -> tuple[Path, Path]:
    """(run folder, training CSV): mass regressed by glassnet train, with a calibration split."""
    folder = tmp_path_factory.mktemp("mass")
    data = write(penguins(), folder / "penguins.csv")
    argv = ["train", str(data), "--target", "mass", "--drop", "species", "--impute", "median"]
    argv += [
        "--epochs",
        "60",
        "--quiet",
        "--calibration-split",
        "0.1",
        "--out",
        str(folder / "run"),
    ]
    assert main(argv) == 0
    return folder / "run", data


@pytest.fixture(scope="session")
def species_run(tmp_path_factory) -> tuple[Path, Path]:
    """(run folder, training CSV): the species classified by glassnet train."""
    folder = tmp_path_factory.mktemp("species")
    data = write(penguins(), folder / "penguins.csv")
    argv = ["train", str(data), "--target", "species", "--drop", "mass", "--impute", "median"]
    argv += ["--epochs", "60", "--quiet", "--out", str(folder / "run")]
    assert main(argv) == 0
    return folder / "run", data
