"""The options of ``glassnet train``: their parser, their checks, and what 'auto' means."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from glassnet import backend
from glassnet.backend.memory import check_allocation
from glassnet.cli.data_options import add_data_options
from glassnet.errors import ConfigError
from glassnet.nn.activations import ACTIVATIONS
from glassnet.optim import OPTIMIZERS
from glassnet.pipeline.options import TrainSettings, names


def add_parser(commands: Any, run: Callable[[argparse.Namespace], int]) -> None:
    """Add ``train`` and its options to the sub-commands; ``run`` carries it out."""
    parser = commands.add_parser(
        "train",
        help="train a network on a bundled data set, a CSV/Parquet file or an image folder",
        description="Train a feed-forward (or, with --model cnn, convolutional) network and report its metrics on a held-out test split.",
    )
    parser.add_argument(
        "data",
        help="a bundled data set name (see 'glassnet datasets'), a .csv/.parquet file or an image folder",
    )
    add_data_options(parser)
    parser.add_argument(
        "--model",
        choices=["mlp", "cnn", "lstm", "gru", "rnn"],
        default="mlp",
        help="mlp: dense layers (default); cnn: a small convolutional network, for images "
        "(an image folder, or digits as 1×8×8 pictures); lstm, gru, rnn: a recurrent "
        "network forecasting a time series file (with --window)",
    )
    parser.add_argument(
        "--window",
        type=int,
        default=None,
        help="for --model lstm/gru/rnn: how many past time steps (rows) predict the next "
        "value of --target; other numeric columns are extra inputs",
    )
    parser.add_argument(
        "--units",
        default="32",
        help="for --model lstm/gru/rnn: recurrent layer sizes, comma separated (default: 32)",
    )
    parser.add_argument(
        "--augment",
        help="for images, comma-separated on-the-fly changes in training: shift (by up to "
        "one pixel), flip (left–right)",
    )
    parser.add_argument(
        "--layers", default="256", help="hidden layer sizes, comma separated (default: 256)"
    )
    parser.add_argument("--activation", default="relu", help="hidden activation (default: relu)")
    parser.add_argument(
        "--dropout",
        type=float,
        default=0.2,
        help="dropout rate after each hidden layer (default: 0.2)",
    )
    parser.add_argument("--optimizer", default="adam", help="optimizer name (default: adam)")
    parser.add_argument("--lr", type=float, default=0.001, help="learning rate (default: 0.001)")
    parser.add_argument(
        "--epochs",
        default="auto",
        help="maximum passes over the data; auto (default): about 4,000 iterations, 50 to 1,000 epochs",
    )
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--patience",
        default="0",
        help="early-stopping patience in epochs, restoring the best weights; 0 (default): "
        "off, the schedule runs to its end; auto: about 500 iterations",
    )
    parser.add_argument(
        "--checkpoint-every",
        default="auto",
        help="write OUT/checkpoint.safetensors every N epochs; 0: never; auto (default): "
        "about every 500 iterations",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run from OUT/checkpoint.safetensors (same options)",
    )
    parser.add_argument(
        "--schedule",
        choices=["cosine", "none"],
        default="cosine",
        help="learning-rate schedule over the epochs (default: cosine decay)",
    )
    parser.add_argument(
        "--scale",
        choices=["standard", "minmax", "none"],
        default="standard",
        help="input scaling fitted on the training split",
    )
    parser.add_argument(
        "--test-size",
        type=float,
        default=0.25,
        help="fraction held out for the test (default: 0.25)",
    )
    parser.add_argument(
        "--calibration-split",
        type=float,
        default=0.0,
        help="fraction of the training rows kept aside (never trained on) to calibrate "
        "'glassnet predict --confidence', so that it needs no file of your own (default: 0)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the initial weights and the batch order"
    )
    parser.add_argument(
        "--split-seed",
        type=int,
        default=None,
        help="seed of the test split (default: the data set's fixed split; 0 for files)",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="folder for model.safetensors, history.csv and metrics.json (default: runs/<data name>)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no model summary")
    parser.add_argument(
        "--report",
        action="store_true",
        help="also write OUT/report.html: a self-contained page with the metrics, curves, "
        "pictures and a worked prediction (as 'glassnet report')",
    )
    parser.add_argument(
        "--weight-decay",
        type=float,
        default=0.0,
        help="L2 weight decay added to the gradient by the optimizer (default: 0)",
    )
    parser.add_argument(
        "--device",
        default=None,
        help="where to train: cpu (the default) or gpu (needs CuPy and an NVIDIA GPU: "
        "pip install 'glassnet[gpu]')",
    )
    parser.add_argument(
        "--precision",
        default="float32",
        choices=["float32", "mixed_float16"],
        help="mixed_float16: float16 products with float32 weights and loss scaling "
        "(for GPUs; slower on a CPU)",
    )
    parser.add_argument(
        "--config",
        default=None,
        help="a best.json written by 'glassnet tune': its layers, activation, dropout, lr, "
        "batch size, weight decay, epochs and seed replace those options (retrains the best trial)",
    )
    parser.set_defaults(run=run)


def hidden_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ConfigError(
            f"--layers must be comma-separated integers like 64,32, got '{text}'"
        ) from None
    if any(size <= 0 for size in sizes):
        raise ConfigError(f"--layers sizes must be positive, got '{text}'")
    # Each hidden layer's weight matrix is at least (previous size, size): refused here,
    # naming its bytes, rather than by a MemoryError (or the OOM killer) once training starts.
    for previous, size in zip([1, *sizes], sizes, strict=False):
        try:
            check_allocation((previous, size), backend.get_default_dtype(), "--layers: a layer")
        except ConfigError as exc:
            raise ConfigError(f"{exc} (got --layers '{text}')") from None
    return sizes


def settings(args: argparse.Namespace) -> TrainSettings:
    """The TrainSettings these options ask for (checked by :func:`check_choices` first)."""
    return TrainSettings(
        model=args.model,
        layers=hidden_sizes(args.layers),
        activation=args.activation,
        dropout=args.dropout,
        optimizer=args.optimizer,
        lr=args.lr,
        epochs=args.epochs,
        batch_size=args.batch_size,
        patience=args.patience,
        checkpoint_every=args.checkpoint_every,
        schedule=args.schedule,
        scale=args.scale,
        test_size=args.test_size,
        calibration_split=args.calibration_split,
        seed=args.seed,
        split_seed=args.split_seed,
        weight_decay=getattr(args, "weight_decay", 0.0),
        precision=getattr(args, "precision", "float32"),
        augment=names(args.augment),
        window=getattr(args, "window", None),
    )


def check_choices(args: argparse.Namespace) -> None:
    if args.activation not in ACTIVATIONS:
        raise ConfigError(
            f"unknown activation '{args.activation}'; valid: {', '.join(ACTIVATIONS.names())}"
        )
    if args.optimizer not in OPTIMIZERS:
        raise ConfigError(
            f"unknown optimizer '{args.optimizer}'; valid: {', '.join(OPTIMIZERS.names())}"
        )
    if not 0 < args.test_size < 1:
        raise ConfigError(f"--test-size must be between 0 and 1, got {args.test_size}")
    if args.resume and args.checkpoint_every == "0":
        raise ConfigError("--resume needs checkpoints; drop --checkpoint-every 0")
    if args.batch_size <= 0:
        raise ConfigError(f"--batch-size must be positive, got {args.batch_size}")
    if not args.lr > 0:
        raise ConfigError(f"--lr must be a positive number, got {args.lr}")
    unknown = set(names(args.augment)) - {"shift", "flip"}
    if unknown:
        raise ConfigError(f"--augment takes shift and/or flip, got {sorted(unknown)}")
    if not 0 <= args.calibration_split < 0.5:
        raise ConfigError(
            f"--calibration-split must be a fraction in [0, 0.5), got {args.calibration_split}"
        )
    if not 0 <= args.dropout < 1:
        raise ConfigError(f"--dropout must be in [0, 1), got {args.dropout}")
