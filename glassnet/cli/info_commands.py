"""``glassnet datasets`` and ``glassnet summary MODEL``."""

from __future__ import annotations

import argparse
from typing import Any

import glassnet as gn
from glassnet import data


def add_parsers(commands: Any) -> None:
    datasets = commands.add_parser("datasets", help="list the bundled data sets")
    datasets.set_defaults(run=run_datasets)
    summary = commands.add_parser(
        "summary", help="show a saved model's layers, shapes and training"
    )
    summary.add_argument(
        "model", help="a model file written by 'glassnet train' (model.safetensors)"
    )
    summary.set_defaults(run=run_summary)


def run_datasets(args: argparse.Namespace) -> int:
    for name in data.names():
        dataset = data.load(name)
        classes = f"{dataset.num_classes} classes" if dataset.num_classes else "regression"
        print(
            f"{name:<15} {len(dataset.x):>5} samples × {dataset.x.shape[1]:>3} features  {classes}"
        )
    return 0


def run_summary(args: argparse.Namespace) -> int:
    model = gn.load(args.model)
    model.summary()
    preprocessing = getattr(model, "preprocessing", {})
    if preprocessing.get("task"):
        print(f"task: {preprocessing['task']}")
    if preprocessing.get("classes"):
        print(f"classes: {', '.join(map(str, preprocessing['classes']))}")
    history = getattr(model, "history", None)
    if history is not None and history.epochs:
        last = {key: values[-1] for key, values in history.history.items() if values}
        shown = ", ".join(f"{key} {value:.4g}" for key, value in last.items())
        print(
            f"trained {history.epochs} epochs ({history.iterations} iterations); last epoch: {shown}"
        )
    record = model.record if isinstance(model, gn.Pipeline) else None
    if record is not None:
        parts = ", ".join(f"{record.count(part)} {part}" for part in record.parts)
        print(f"trained on '{record.file}' ({record.rows} rows: {parts})")
    config = getattr(model, "training_config", None)
    if config is not None:
        print(f"optimizer: {config.optimizer}")
        print(f"loss: {type(config.loss).__name__}")
    return 0
