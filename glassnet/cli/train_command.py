"""``glassnet train DATA``: train through the one recipe, print the test report, save the run.

The recipe (read → split → encode → scale → build → compile → schedule → fit)
lives in :mod:`glassnet.pipeline.recipe`; this command turns options into its
settings and prints what it did.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

import glassnet as gn
from glassnet.cli import confidence, sequence_training, train_options, tune_command
from glassnet.cli.data_options import data_options
from glassnet.cli.report import (
    classification_metrics,
    format_confusion,
    format_metrics,
    regression_metrics,
)
from glassnet.cli.train_options import check_choices
from glassnet.errors import ConfigError
from glassnet.io.atomic import write_atomic
from glassnet.pipeline import recipe

CHECKPOINT = "checkpoint.safetensors"


def add_parser(commands: Any) -> None:
    # Under mpiexec: a rank that fails stops all ranks, naming itself (glassnet.parallel).
    train_options.add_parser(commands, gn.parallel.abort_on_error(run))


def check_out_folder(out: Path) -> None:
    """Refuse an --out that cannot be a folder before training, not after it."""
    for folder in (out, *out.parents):
        if folder.exists():
            if not folder.is_dir():
                where = "is a file" if folder == out else f"is inside the file '{folder}'"
                raise ConfigError(
                    f"--out '{out}' {where}; --out names a folder to write model.safetensors, "
                    "history.csv and metrics.json into"
                )
            return


def run(args: argparse.Namespace) -> int:
    # A tuned configuration replaces the options it sets (glassnet tune, best.json).
    tuned = tune_command.apply_config(args) if getattr(args, "config", None) else None
    check_choices(args)
    if getattr(args, "device", None):
        gn.set_device(args.device)  # a clear error, before any data is read, without a GPU
    if sequence_training.wants_sequences(args):
        return sequence_training.run(args)  # a recurrent forecast of a time series
    settings = train_options.settings(args)
    out = Path(args.out) if args.out else Path("runs") / Path(args.data).stem
    check_out_folder(out)
    prepared = recipe.prepare(args.data, data_options(args), settings)
    if settings.calibration_split and not prepared.held_out:
        raise ConfigError(
            f"--calibration-split: '{args.data}' is too small to hold rows out of training"
        )
    _, _, checkpoint_every = settings.length(len(prepared.x_fit))
    if gn.parallel.under_mpi() and gn.parallel.world().is_root:
        print(f"data-parallel training on {gn.parallel.world().describe()}", flush=True)
    trained = recipe.train(
        prepared,
        settings,
        verbose=0 if args.quiet else "auto",
        checkpoint=out / CHECKPOINT if checkpoint_every > 0 else None,
        checkpoint_every=checkpoint_every or None,
        resume=args.resume,
    )
    if not gn.parallel.world().is_root:
        return 0  # rank 0 alone tests, reports and saves
    pipeline, history = trained.pipeline, trained.history
    if len(prepared.x_calibration):
        x, y = prepared.x_calibration, prepared.y_calibration
        pipeline.record.calibration_scores = confidence.scores(pipeline, x, y)
    results = test_report(pipeline, prepared.x_test, prepared.y_test)
    if not args.quiet:
        pipeline.network.summary()
    print_run(args.data, prepared, history, trained.seconds)
    overfitting = getattr(history, "overfitting", None)
    if overfitting is not None:
        print(f"warning: {overfitting.message()}")
    print(results["text"])
    if tuned is not None:
        print(tune_command.retrain_line(tuned, history))
    summary: dict[str, Any] = {
        "task": prepared.source.task,
        "test": results["metrics"] if prepared.held_out else None,
        "test_rows": len(prepared.x_test) if prepared.held_out else 0,
        "epochs": history.epochs,
        "iterations": history.iterations,
        "seconds": trained.seconds,
        "overfitting_since_epoch": (overfitting.started + 1 if overfitting is not None else None),
    }
    if not prepared.held_out:
        summary["training"] = results["metrics"]
    # Everything is written after training succeeded, each file atomically: a failed
    # or interrupted run leaves the previous run's files as they were.
    pipeline.save(out / "model.safetensors")
    write_atomic(out / "history.csv", history_csv(history).encode())
    write_atomic(out / "metrics.json", json.dumps(summary, indent=2).encode())
    print(f"\nsaved {out / 'model.safetensors'} (and history.csv, metrics.json)")
    if args.report:
        from glassnet.cli.report_command import run_report

        run_report(pipeline, out, prepared, args.data)
    return 0


def print_run(data: str, prepared: recipe.Prepared, history: Any, seconds: float) -> None:
    """What was trained on, for how long, and what was held out."""
    record = prepared.record
    trained_rows = record.count("train")
    aside = []
    if record.count("validation"):
        aside.append(f"{record.count('validation')} for validation")
    if record.count("calibration"):
        aside.append(f"{record.count('calibration')} for calibration")
    kept = f" ({', '.join(aside)} kept aside)" if aside else ""
    print(
        f"\n{prepared.source.task}: trained on {trained_rows} samples{kept} "
        f"for {history.epochs} epochs, {history.iterations} iterations, in {seconds:.1f} s"
        + (" (early stop; best weights restored)" if history.stopped_early_at else "")
    )
    if prepared.held_out:
        print(f"test split: {len(prepared.x_test)} samples held out, never seen in training")
    else:
        print(
            f"test split: none; '{data}' has only {trained_rows} samples, too few to hold "
            "some out for a test (every class needs samples on both sides), so the network "
            "learned all of them and the metrics below are measured on the training data"
        )


def history_csv(history: Any) -> str:
    """One row per epoch: ``epoch`` and every logged value (as ``gn.CSVLogger`` writes)."""
    columns = list(history.history)
    # A value first logged after epoch 1 has a shorter list: its cells start later.
    padded = {
        key: [""] * (history.epochs - len(values)) + list(values)
        for key, values in history.history.items()
    }
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["epoch", *columns])
    for epoch in range(history.epochs):
        writer.writerow([epoch + 1, *(padded[key][epoch] for key in columns)])
    return text.getvalue()


def test_report(pipeline: gn.Pipeline, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """The metrics (and, for a classifier, the confusion matrix) of ``pipeline`` on ``x``."""
    if pipeline.task == "classification":
        predicted = pipeline.labels(x)
        values = classification_metrics(y, predicted)
        names = pipeline.classes or list(range(int(max(y.max(), predicted.max())) + 1))
        text = (
            "test metrics:\n"
            + format_metrics(values)
            + "\n\n"
            + format_confusion(y, predicted, names)
        )
        return {"metrics": values, "text": text}
    predicted = pipeline.values(x)
    values = regression_metrics(y, predicted.reshape(y.shape))
    return {"metrics": values, "text": "test metrics:\n" + format_metrics(values)}
