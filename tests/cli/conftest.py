"""Shared pieces of the CLI tests: running ``glassnet`` in-process, small CSV files, models.

The commands run in-process through ``glassnet.cli.main`` (fast; output captured by
capsys); only the tests about terminals and exit statuses start real processes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from glassnet.cli import main


@dataclass
class Result:
    """What one ``glassnet`` command did: its exit code and its two output streams."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@pytest.fixture
def glassnet(capsys):
    """``glassnet("train", "iris", ...)`` runs the command in-process and returns a Result."""

    def run(*argv: str | os.PathLike) -> Result:
        capsys.readouterr()  # start from empty streams
        code = main([str(arg) for arg in argv])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def assert_user_error(result: Result, *mentions: str) -> None:
    """Exit code 2, one clear message on stderr naming what was wrong, no traceback."""
    assert result.code == 2, result.text
    assert "Traceback" not in result.text
    assert result.err.startswith("glassnet "), result.err
    assert "error:" in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err  # one paragraph
    for mention in mentions:
        assert mention in result.err, f"{mention!r} not in {result.err!r}"


def snapshot(*paths: Path) -> dict[Path, tuple[bytes, int]]:
    """The bytes and modification time of each file, to show a failed command left them alone."""
    return {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths}


# -- data ------------------------------------------------------------------------------

ANIMALS = ("bird", "cat", "dog")


def animals_frame(rows: int = 150, seed: int = 0) -> pd.DataFrame:
    """A classification table: two numbers, a categorical colour and a string target.

    The animal follows from the weight and the colour, so a small network learns it.
    """
    rng = np.random.default_rng(seed)
    weight = rng.uniform(0, 10, rows).round(2)
    height = rng.normal(50, 10, rows).round(1)
    color = rng.choice(["brown", "grey", "white"], rows)
    animal = np.where(weight < 3, "bird", np.where(color == "grey", "cat", "dog"))
    return pd.DataFrame({"weight": weight, "color": color, "height": height, "animal": animal})


def prices_frame(rows: int = 120, seed: int = 1) -> pd.DataFrame:
    """A regression table: the price is linear in two numbers plus a categorical effect."""
    rng = np.random.default_rng(seed)
    size = rng.uniform(20, 120, rows).round(1)
    rooms = rng.integers(1, 6, rows)
    district = rng.choice(["north", "south"], rows)
    price = 2.0 * size + 15.0 * rooms + np.where(district == "north", 40.0, 0.0)
    price = (price + rng.normal(0, 5, rows)).round(2)
    return pd.DataFrame({"size": size, "district": district, "rooms": rooms, "price": price})


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def animals_model(tmp_path_factory) -> tuple[Path, Path]:
    """(model file, training CSV): a classifier trained once by ``glassnet train``."""
    folder = tmp_path_factory.mktemp("animals")
    data = write_csv(animals_frame(), folder / "animals.csv")
    argv = ["train", str(data), "--target", "animal", "--epochs", "150", "--quiet"]
    assert main([*argv, "--out", str(folder / "run")]) == 0
    return folder / "run" / "model.safetensors", data


@pytest.fixture(scope="session")
def prices_model(tmp_path_factory) -> tuple[Path, Path]:
    """(model file, training CSV): a regression network trained once by ``glassnet train``."""
    folder = tmp_path_factory.mktemp("prices")
    data = write_csv(prices_frame(), folder / "prices.csv")
    argv = ["train", str(data), "--target", "price", "--epochs", "150", "--quiet"]
    assert main([*argv, "--out", str(folder / "run")]) == 0
    return folder / "run" / "model.safetensors", data
