"""Tests for glassnet/cli/gan_command.py: ``glassnet gan digits``."""

from __future__ import annotations

import argparse

import numpy as np
import pytest
from PIL import Image

from glassnet.cli import gan_command
from glassnet.errors import ConfigError


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="glassnet")
    gan_command.add_parsers(parser.add_subparsers(dest="command"))
    return parser.parse_args(list(argv))


def test_defaults_are_parsed():
    args = _parse("gan", "digits")
    assert (args.epochs, args.seed, args.batch_size, args.sample_every) == (250, 0, 64, 25)
    assert args.run is gan_command.run_digits


def test_digits_pixels_are_scaled_to_the_tanh_range():
    x = gan_command.digits_pixels()
    assert x.shape == (1797, 64) and x.dtype == np.float32
    assert x.min() == -1.0 and x.max() == 1.0


def test_gan_digits_trains_prints_losses_and_saves_grids(tmp_path, capsys):
    args = _parse(
        "gan",
        "digits",
        "--epochs",
        "2",
        "--sample-every",
        "1",
        "--batch-size",
        "256",
        "--out",
        str(tmp_path / "out"),
    )
    assert args.run(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("epoch   1/2  d_loss ") and "g_loss" in lines[0]
    assert lines[1].startswith("epoch   2/2")
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["samples_epoch001.png", "samples_epoch002.png", "samples_final.png"]
    # 64 samples: an 8 × 8 grid of 8 × 8 images with 1-pixel borders, scaled 4 times.
    with Image.open(tmp_path / "out" / "samples_final.png") as picture:
        assert picture.size == (73 * 4, 73 * 4)


@pytest.mark.parametrize("option", ["--epochs", "--batch-size", "--sample-every"])
def test_non_positive_numbers_are_user_errors(option, tmp_path):
    args = _parse("gan", "digits", option, "0", "--out", str(tmp_path))
    with pytest.raises(ConfigError, match=f"{option} must be a positive integer, got 0"):
        args.run(args)
