"""``glassnet trace MODEL --input "1,0.5"``: a saved model's arithmetic for one sample.

With ``--target`` it also traces one gradient-descent step (``--lr``, ``--loss``)
on that sample; the step is computed on a copy in memory and the file is not changed.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

import glassnet as gn
from glassnet.cli.model_data import model_file, print_findings
from glassnet.data import scaler_from_state
from glassnet.errors import ConfigError
from glassnet.inspect.trace_step import loss_names
from glassnet.io.atomic import write_atomic


def add_parsers(commands: Any) -> None:
    trace = commands.add_parser(
        "trace",
        help="print every number a saved model computes for one input (and one training step)",
        description=(
            "Write out a saved model's forward pass for one sample, neuron by neuron "
            "(Σ w·x + b = value → activation → output). With --target, also trace one "
            "gradient-descent step on that sample; the model file is not changed."
        ),
    )
    trace.add_argument(
        "model", help="a model file (model.safetensors) or the run folder holding it"
    )
    given = trace.add_mutually_exclusive_group(required=True)
    given.add_argument(
        "--input",
        help='the sample\'s values, comma-separated, e.g. "1,0.5" (in the units of the '
        "training data, in the training file's column order: encoded and scaled as in training)",
    )
    given.add_argument(
        "--data",
        help="trace a row of this file instead (the training file: one of its held-out test rows)",
    )
    trace.add_argument(
        "--row", type=int, default=1, help="with --data: which row (1 = the first; default 1)"
    )
    trace.add_argument(
        "--max-neurons", type=int, default=6, help="neurons spelled out per layer (default 6)"
    )
    trace.add_argument(
        "--target",
        help="the sample's target (a value, comma-separated values or a class name): "
        "trace one gradient-descent step towards it",
    )
    trace.add_argument("--lr", type=float, help="learning rate of the step (default 0.1)")
    trace.add_argument(
        "--loss",
        help="loss of the step: " + ", ".join(loss_names()) + " (default: the model's own, "
        "else mse; 'quadratic' is the articles' ½(y - t)²)",
    )
    trace.add_argument(
        "--no-scale", action="store_true", help="use --input as the network's inputs, unscaled"
    )
    trace.add_argument("--json", help="also write the trace as JSON to this file")
    trace.add_argument(
        "--strict",
        action="store_true",
        help="make every warning about the input an error (unseen categories, values far "
        "outside the training range)",
    )
    trace.set_defaults(run=run_trace)


def run_trace(args: argparse.Namespace) -> int:
    if args.max_neurons < 0:
        raise ConfigError(f"--max-neurons must be 0 or more, got {args.max_neurons}")
    if args.target is None and (args.lr is not None or args.loss is not None):
        raise ConfigError("--lr and --loss set the traced training step; give --target too")
    loaded = gn.load(model_file(args.model))
    pipeline = loaded if isinstance(loaded, gn.Pipeline) else None
    model = loaded.network if pipeline is not None else loaded
    preprocessing = getattr(model, "preprocessing", {})
    if args.data is not None:
        x = _row_of(args, pipeline)
    elif pipeline is not None and _raw_row(args.input, pipeline, model):
        values = [piece.strip() for piece in args.input.replace(";", ",").split(",")]
        x = pipeline.read([values], strict=args.strict, where="--input").x
        shown = ", ".join(f"{value:.4g}" for value in x.reshape(-1))
        print(f"inputs encoded and scaled as in training (the saved pipeline): {shown}")
    else:
        x = parse_input(args.input, model)
        if "scaler" in preprocessing and not args.no_scale and x.ndim == 2:
            x = scaler_from_state(preprocessing["scaler"]).transform(x)
            shown = ", ".join(f"{value:.4g}" for value in x.reshape(-1))
            print(f"inputs scaled as in training (the saved scaler): {shown}")
    if args.target is None:
        result = gn.inspect.trace(model, x, max_neurons=args.max_neurons)
    else:
        target = parse_target(args.target, preprocessing)
        loss = args.loss
        if loss is None:
            config = getattr(model, "training_config", None)
            loss = config.loss if config is not None else "mse"
        result = gn.inspect.trace_step(
            model,
            x,
            target,
            loss=loss,
            lr=0.1 if args.lr is None else args.lr,
            max_neurons=args.max_neurons,
        )
        print(f"(the step was taken in memory only; '{args.model}' was not changed)")
    if args.json:
        write_atomic(args.json, json.dumps(result.to_dict(), indent=1).encode())
        print(f"wrote the trace to {args.json}")
    return 0


def _raw_row(text: str, pipeline: gn.Pipeline, model: gn.Module) -> bool:
    """Whether ``--input`` holds a table's raw values (its columns, not the encoded inputs)."""
    if pipeline.kind != "table" or pipeline.schema is None:
        return False
    count = len(text.replace(";", ",").split(","))
    # As many values as the file has feature columns: raw values, encoded here. As many
    # as the network has inputs (and a different count): already encoded, as before.
    return count == len(pipeline.schema.feature_names) or count != model.input_shape[1]


def _row_of(args: argparse.Namespace, pipeline: gn.Pipeline | None) -> np.ndarray:
    """Row ``--row`` of ``--data``, read through the pipeline; held-out rows of the training file."""
    if pipeline is None:
        raise ConfigError(
            f"--data needs a model saved by 'glassnet train' (it says how to read files); "
            f"'{args.model}' is a bare network: give --input values"
        )
    read = pipeline.read(args.data, strict=args.strict, where=args.data)
    print_findings(read)
    rows = np.arange(len(read.x))
    words = f"'{args.data}' (new data, {len(rows)} rows)"
    if pipeline.trained_on(read.source) and pipeline.record.count("test"):
        rows = pipeline.record.parts["test"]
        words = pipeline.record.describe_test()
    if not 1 <= args.row <= len(rows):
        raise ConfigError(f"--row must be between 1 and {len(rows)} for {words}, got {args.row}")
    print(f"tracing row {args.row} of {words}")
    return read.x[rows[args.row - 1] : rows[args.row - 1] + 1]


def parse_input(text: str, model: gn.Module) -> np.ndarray:
    """The ``--input`` values as one sample of the model's input shape.

    Raises:
        ConfigError: a value is not a number, or there are not as many as the model takes.
    """
    sample_shape = tuple(model.input_shape[1:])
    width = int(np.prod(sample_shape))
    names = getattr(model, "preprocessing", {}).get("feature_names")
    expected = f"{width} comma-separated number{'s' * (width != 1)} (the model's input width"
    if isinstance(names, list) and len(names) == width and width <= 12:
        expected += ": " + ", ".join(map(str, names))
    expected += ")"
    pieces = [piece.strip() for piece in text.replace(";", ",").split(",")]
    values = []
    for position, piece in enumerate(pieces, start=1):
        try:
            value = float(piece)
        except ValueError:
            raise ConfigError(
                f"--input value {position} ({piece!r}) is not a number; expected {expected}"
            ) from None
        if not np.isfinite(value):
            raise ConfigError(f"--input value {position} is {piece}; expected finite numbers")
        values.append(value)
    if len(values) != width:
        raise ConfigError(f"--input has {len(values)} value(s); expected {expected}")
    return np.asarray(values).reshape(1, *sample_shape)


def parse_target(text: str, preprocessing: dict[str, Any]) -> np.ndarray:
    """``--target``: a class name of a classifier (its index), or numbers."""
    classes = preprocessing.get("classes") or []
    names = [str(name) for name in classes]
    if text.strip() in names:
        return np.asarray(names.index(text.strip()))
    try:
        values = np.asarray([float(piece) for piece in text.split(",")])
    except ValueError:
        hint = f" or one of the classes {', '.join(names)}" if names else ""
        raise ConfigError(f"--target {text!r} is not a number{hint}") from None
    if "target_scaler" in preprocessing:
        # The network learned scaled targets; the step must aim at the same scale.
        scaler = scaler_from_state(preprocessing["target_scaler"])
        values = scaler.transform(values.reshape(1, -1)).reshape(-1)
        print(f"target scaled as in training: {', '.join(f'{v:.4g}' for v in values)}")
    return values
