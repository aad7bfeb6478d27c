"""``glassnet cluster DATA``: group samples by k-means on autoencoder codes.

DATA is a bundled data set or a CSV of features. Features are scaled to [0, 1]
(min-max per column, so pixels and measurements alike fit a sigmoid-free dense
autoencoder). A ``--target`` column, or a bundled set's labels, is never used to
cluster, only to report the adjusted Rand index of autoencoder + k-means against
k-means on the scaled features themselves.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import data
from glassnet.cli.data_options import add_data_options, data_options
from glassnet.data.table_encoder import TableEncoder
from glassnet.errors import ConfigError, DataError
from glassnet.io.atomic import write_atomic
from glassnet.pipeline.options import DataOptions
from glassnet.pipeline.sources import is_bundled
from glassnet.train.clustering import adjusted_rand_index, cluster, kmeans_labels


def add_parsers(commands: Any) -> None:
    parser = commands.add_parser(
        "cluster", help="group samples by k-means on the codes of an autoencoder"
    )
    parser.add_argument("data", help="a bundled data set (glassnet datasets) or a CSV file")
    parser.add_argument("--k", type=int, default=None, help="clusters (default: the classes)")
    parser.add_argument("--code-size", type=int, default=8, help="autoencoder code size")
    parser.add_argument("--epochs", type=int, default=100, help="autoencoder training epochs")
    parser.add_argument(
        "--noise",
        type=float,
        default=0.3,
        help="denoising: input noise during training, as a fraction of the data's range (0: off)",
    )
    parser.add_argument(
        "--no-normalize",
        dest="normalize",
        action="store_false",
        help="k-means on the codes as they are, not scaled to unit length (cosine k-means)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of weights and k-means")
    add_data_options(parser)
    parser.add_argument("--out", default=None, help="folder for clusters.csv")
    parser.set_defaults(run=run_cluster)


def _load(spec: str, options: DataOptions) -> tuple[np.ndarray, np.ndarray | None]:
    """Features (float, encoded as glassnet train encodes them) and, when known, labels."""
    if is_bundled(spec):
        dataset = data.load(spec)
        labels = dataset.y if dataset.task == "classification" else None
        return dataset.x.astype(np.float64), labels
    path = Path(spec)
    if not path.is_file():
        raise DataError(
            f"'{spec}' is neither a CSV file nor a bundled data set; bundled data sets: "
            f"{', '.join(data.names())}"
        )
    frame = data.read_frame(path, na_values=options.na_values)
    labels = None
    if options.target is not None:
        if options.target not in frame.columns:
            raise DataError(
                f"--target '{options.target}' is not a column of '{spec}'; columns: "
                f"{', '.join(map(str, frame.columns))}"
            )
        labels = frame.pop(options.target).astype(str).to_numpy()
    # The label column is never a feature; the others are encoded as for training.
    encoder = TableEncoder(None, None, options.impute, options.categorical, options.drop)
    x, _ = encoder.fit_transform(frame, f"'{spec}'")
    return x.astype(np.float64), labels


def _min_max(x: np.ndarray) -> np.ndarray:
    low, high = x.min(axis=0), x.max(axis=0)
    span = np.where(high > low, high - low, 1.0)  # constant columns become 0, not NaN
    return ((x - low) / span).astype(np.float32)


def run_cluster(args: argparse.Namespace) -> int:
    for option, value in (("--code-size", args.code_size), ("--epochs", args.epochs)):
        if value < 1:
            raise ConfigError(f"{option} must be a positive integer, got {value}")
    x, labels = _load(args.data, data_options(args))
    k = args.k
    if k is None:
        if labels is None:
            raise ConfigError("--k is needed: the data has no labels to take the number from")
        k = len(np.unique(labels))
    scaled = _min_max(x)
    result = cluster(
        scaled,
        k,
        code_size=args.code_size,
        epochs=args.epochs,
        noise=args.noise,
        normalize_codes=args.normalize,
        seed=args.seed,
    )
    sizes = np.bincount(result.labels, minlength=k)
    print(f"{len(x)} samples, {x.shape[1]} features → {k} clusters (code size {args.code_size})")
    print("cluster sizes: " + ", ".join(f"{i}: {n}" for i, n in enumerate(sizes)))
    if labels is not None:
        raw = kmeans_labels(scaled, k, seed=args.seed)
        print(
            f"adjusted Rand index, autoencoder + k-means: {adjusted_rand_index(labels, result.labels):.4f}"
        )
        print(f"adjusted Rand index, k-means on features:   {adjusted_rand_index(labels, raw):.4f}")
    if args.out is not None:
        text = io.StringIO()
        text.write("sample,cluster\n")
        for i, label in enumerate(result.labels):
            text.write(f"{i},{int(label)}\n")
        path = Path(args.out) / "clusters.csv"
        write_atomic(path, text.getvalue().encode())
        print(f"wrote {path}")
    return 0
