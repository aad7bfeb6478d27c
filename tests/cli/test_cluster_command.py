"""Tests of ``glassnet cluster`` through a parser of its own (the lead registers it in main)."""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import pytest

import glassnet as gn
from glassnet.cli import cluster_command


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="glassnet")
    commands = parser.add_subparsers(dest="command")
    cluster_command.add_parsers(commands)
    args = parser.parse_args(["cluster", *argv])
    return args.run(args)


def _blobs_csv(path) -> str:
    rng = np.random.default_rng(0)
    y = np.repeat(["a", "b"], 20)
    x = np.where(y[:, None] == "a", 0.0, 5.0) + 0.1 * rng.standard_normal((40, 3))
    frame = pd.DataFrame(x, columns=["u", "v", "w"])
    frame["kind"] = y
    frame.to_csv(path, index=False)
    return str(path)


def test_cluster_csv_with_target_reports_ari_and_writes_csv(tmp_path, capsys):
    data = _blobs_csv(tmp_path / "blobs.csv")
    out = tmp_path / "run"
    assert (
        # --no-normalize: a 2-number code scaled to unit length keeps only an angle.
        _run(
            data,
            *("--target", "kind", "--code-size", "2", "--epochs", "20", "--no-normalize"),
            *("--out", str(out)),
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "→ 2 clusters" in text
    assert "cluster sizes: 0: 20, 1: 20" in text
    assert "autoencoder + k-means: 1.0000" in text
    assert "k-means on features:   1.0000" in text
    written = pd.read_csv(out / "clusters.csv")
    assert list(written.columns) == ["sample", "cluster"]
    assert len(written) == 40


def test_cluster_csv_without_labels_needs_k(tmp_path, capsys):
    data = tmp_path / "x.csv"
    pd.DataFrame({"u": np.arange(10.0), "v": np.arange(10.0) ** 2}).to_csv(data, index=False)
    with pytest.raises(gn.ConfigError, match="--k is needed"):
        _run(str(data))
    assert _run(str(data), "--k", "2", "--epochs", "2") == 0
    assert "adjusted Rand" not in capsys.readouterr().out


def test_cluster_user_mistakes(tmp_path):
    data = _blobs_csv(tmp_path / "blobs.csv")
    with pytest.raises(gn.DataError, match="neither a CSV file nor a bundled"):
        _run("no_such_thing")
    with pytest.raises(gn.DataError, match="--target 'nope' is not a column"):
        _run(data, "--target", "nope")
    # A text column is one-hot encoded as glassnet train encodes it, not refused.
    assert _run(data, "--k", "2", "--epochs", "1") == 0
    with pytest.raises(gn.ConfigError, match="--epochs must be a positive integer, got 0"):
        _run(data, "--target", "kind", "--epochs", "0")
    with pytest.raises(gn.DataError, match="cannot make 50 clusters from 40"):
        _run(data, "--target", "kind", "--k", "50", "--epochs", "1")
