"""``glassnet train DATA``: load, split, scale, build, train, test and save a network."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import glassnet as gn
from glassnet import data
from glassnet.cli import sequence_training, train_options, tune_command
from glassnet.cli.report import (
    classification_metrics,
    format_confusion,
    format_metrics,
    regression_metrics,
)
from glassnet.cli.sources import Source, as_images, can_hold_out, load_source
from glassnet.cli.train_options import check_choices, hidden_sizes, names, training_length
from glassnet.data import MinMaxScaler, StandardScaler, train_test_split
from glassnet.errors import ConfigError, DataError
from glassnet.io.atomic import write_atomic

CHECKPOINT = "checkpoint.safetensors"
SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler}


def add_parser(commands: Any) -> None:
    # Under mpiexec: a rank that fails stops all ranks, naming itself (glassnet.parallel).
    train_options.add_parser(commands, gn.parallel.abort_on_error(run))


def build_mlp(source: Source, hidden: list[int], activation: str, dropout: float) -> gn.Sequential:
    """Flatten (for images) → Dense hidden layers → one output per class, or per target."""
    layers: list[gn.Module] = []
    if source.x.ndim > 2:
        layers.append(gn.Flatten())
    for size in hidden:
        layers.append(gn.Dense(size, activation=activation, kernel_initializer="he_uniform"))
        if dropout:
            layers.append(gn.Dropout(dropout))
    if source.task == "classification":
        outputs = len(source.class_names) if source.class_names else int(source.y.max()) + 1
    else:
        outputs = 1 if source.y.ndim == 1 else source.y.shape[1]
    layers.append(gn.Dense(outputs, name="output"))
    return gn.Sequential(layers)


def augmentation(x: np.ndarray, kinds: list[str]) -> list[gn.Module]:
    """The augmentation layers asked for (``shift``, ``flip``); they need images."""
    if kinds and x.ndim != 4:
        raise ConfigError("--augment works on images (an image folder, or --model cnn on digits)")
    layers: list[gn.Module] = []
    if "shift" in kinds:
        layers.append(gn.RandomShift(1, name="shift"))
    if "flip" in kinds:
        layers.append(gn.RandomFlip("horizontal", name="flip"))
    return layers


def build_cnn(source: Source, image_shape: tuple[int, ...], augment: list[str]) -> gn.Sequential:
    """The small LeNet-style CNN for the images, after any augmentation layers."""
    classes = len(source.class_names) if source.class_names else int(source.y.max()) + 1
    if source.task != "classification":
        raise ConfigError("--model cnn is for classifying images; this is a regression")
    cnn = gn.models.small_cnn(tuple(image_shape), classes)
    return gn.Sequential([*augmentation(np.zeros((1, *image_shape)), augment), *cnn.layers])


def split_source(source: Source, test_size: float, seed: int | None) -> tuple[np.ndarray, ...]:
    """The held-out test split: a bundled data set's fixed split, else a stratified one.

    ``seed`` None means the default: the fixed split for bundled data sets
    (``Dataset.split``), seed 0 for files.
    """
    if source.description["kind"] == "bundled":
        dataset = data.load(source.description["name"])
        if seed is None:
            return dataset.split(test_size=test_size)
        return dataset.split(test_size=test_size, seed=seed)
    stratify = source.task == "classification"
    return train_test_split(source.x, source.y, test_size, stratify=stratify, rng=seed or 0)


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
    hidden = hidden_sizes(args.layers)
    task = None if args.task == "auto" else args.task
    out = Path(args.out) if args.out else Path("runs") / Path(args.data).stem
    check_out_folder(out)
    source = load_source(
        args.data,
        args.target,
        task,
        args.impute,
        grayscale=args.grayscale,
        na_values=names(args.na_values),
        drop=names(args.drop),
        categorical=names(args.categorical),
    )
    if source.y is None:
        raise DataError(f"'{args.data}' has no target to learn")
    gn.seed(args.seed)

    held_out = can_hold_out(source, args.test_size)
    if source.description["kind"] == "bundled":
        # So that evaluate and predict read the very test split this run held out.
        source.description.update(
            {"test_size": args.test_size, "split_seed": args.split_seed, "held_out": held_out}
        )
    if held_out:
        x_train, x_test, y_train, y_test = split_source(source, args.test_size, args.split_seed)
    else:
        x_train, x_test, y_train, y_test = source.x, source.x, source.y, source.y
    preprocessing: dict[str, Any] = {
        "source": source.description,
        "task": source.task,
        "feature_names": source.feature_names,
        "classes": [
            c if isinstance(c, (str, int, float)) else str(c) for c in source.class_names or []
        ],
    }
    if args.model == "cnn":
        x_train, x_test = as_images(source, x_train), as_images(source, x_test)
    if args.scale != "none" and x_train.ndim == 2:
        scaler = SCALERS[args.scale]().fit(x_train)
        x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
        preprocessing["scaler"] = scaler.get_state()
    if source.task == "regression":
        target_scaler = StandardScaler().fit(y_train.reshape(len(y_train), -1))
        y_train = target_scaler.transform(y_train.reshape(len(y_train), -1))
        preprocessing["target_scaler"] = target_scaler.get_state()

    if args.model == "cnn":
        model = build_cnn(source, x_train.shape[1:], names(args.augment))
    else:
        model = build_mlp(source, hidden, args.activation, args.dropout)
        if args.augment:
            model = gn.Sequential([*augmentation(x_train, names(args.augment)), *model.layers])
    model.preprocessing = preprocessing
    decay = {"weight_decay": args.weight_decay} if getattr(args, "weight_decay", 0) else {}
    if source.task == "classification":
        loss, metrics = "categorical_crossentropy", ["accuracy"]
    else:
        loss, metrics = "mse", ["r2"]
    model.compile(
        args.optimizer,
        loss,
        metrics,
        precision=getattr(args, "precision", "float32"),
        lr=args.lr,
        **decay,
    )

    # Too few samples for a test split are too few for a validation split as well.
    validation_split = 0.1 if held_out else 0.0
    epochs, patience, checkpoint_every = training_length(
        args, math.floor(len(x_train) * (1 - validation_split))
    )
    # Printed as soon as it is seen (the validation loss rising while the training loss
    # falls), and again in the summary below.
    callbacks: list[Any] = [gn.OverfitMonitor(action="print")] if held_out else []
    if patience > 0 and held_out:
        callbacks.append(gn.EarlyStopping("val_loss", patience=patience, restore_best_weights=True))
    if args.schedule == "cosine":
        # Each epoch's rate is set as the epoch begins, so the rate left in the saved
        # optimizer is the last one used, not the schedule's final 0.
        cosine = gn.CosineAnnealingLR(model.training_config.optimizer, t_max=epochs)
        callbacks.append(gn.LearningRateScheduler(lambda epoch, lr: cosine.lr_at(epoch)))
    started = time.perf_counter()
    # Under mpiexec with several ranks: data-parallel, each rank computing on its part.
    fit = partial(gn.parallel.fit, model) if gn.parallel.under_mpi() else model.fit
    if gn.parallel.under_mpi() and gn.parallel.world().is_root:
        print(f"data-parallel training on {gn.parallel.world().describe()}", flush=True)
    history = fit(
        x_train,
        y_train,
        epochs=epochs,
        batch_size=args.batch_size,
        validation_split=validation_split,
        callbacks=callbacks,
        verbose=0 if args.quiet else "auto",
        rng=args.seed,
        checkpoint=out / CHECKPOINT if checkpoint_every > 0 else None,
        checkpoint_every=checkpoint_every or None,
        resume=args.resume,
    )
    seconds = time.perf_counter() - started
    if not gn.parallel.world().is_root:
        return 0  # rank 0 alone tests, reports and saves
    results = _test_report(model, source, x_test, y_test, preprocessing)
    if not args.quiet:
        model.summary()
    validation = " (a tenth of them for validation)" if held_out else ""
    print(
        f"\n{source.task}: trained on {len(x_train)} samples{validation} "
        f"for {history.epochs} epochs, "
        f"{history.iterations} iterations, in {seconds:.1f} s"
        + (" (early stop; best weights restored)" if history.stopped_early_at else "")
    )
    if held_out:
        print(f"test split: {len(x_test)} samples held out, never seen in training")
    else:
        print(
            f"test split: none; '{args.data}' has only {len(x_train)} samples, too few to hold "
            "some out for a test (every class needs samples on both sides), so the network "
            "learned all of them and the metrics below are measured on the training data"
        )
    overfitting = getattr(history, "overfitting", None)
    if overfitting is not None:
        print(f"warning: {overfitting.message()}")
    print(results["text"])
    if tuned is not None:
        print(tune_command.retrain_line(tuned, history))
    summary: dict[str, Any] = {
        "task": source.task,
        "test": results["metrics"] if held_out else None,
        "epochs": history.epochs,
        "iterations": history.iterations,
        "seconds": seconds,
        "overfitting_since_epoch": (overfitting.started + 1 if overfitting is not None else None),
    }
    if not held_out:
        summary["training"] = results["metrics"]
    # Everything is written after training succeeded, each file atomically: a failed
    # or interrupted run leaves the previous run's files as they were.
    model.save(out / "model.safetensors")
    write_atomic(out / "history.csv", history_csv(history).encode())
    write_atomic(out / "metrics.json", json.dumps(summary, indent=2).encode())
    print(f"\nsaved {out / 'model.safetensors'} (and history.csv, metrics.json)")
    if args.report:
        from glassnet.cli.report_command import run_report

        run_report(model, out, x_test, y_test, source, args.data, held_out)
    return 0


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


def _test_report(model: gn.Module, source: Source, x_test, y_test, preprocessing) -> dict[str, Any]:
    if source.task == "classification":
        predicted = model.training_config.reader.labels(model.predict(x_test))
        values = classification_metrics(y_test, predicted)
        names = source.class_names or list(range(int(max(y_test.max(), predicted.max())) + 1))
        text = (
            "test metrics:\n"
            + format_metrics(values)
            + "\n\n"
            + format_confusion(y_test, predicted, names)
        )
        return {"metrics": values, "text": text}
    predicted = predict_values(model, x_test, preprocessing)
    values = regression_metrics(y_test, predicted.reshape(y_test.shape))
    return {"metrics": values, "text": "test metrics:\n" + format_metrics(values)}


def predict_values(model: gn.Module, x: np.ndarray, preprocessing: dict[str, Any]) -> np.ndarray:
    """Regression outputs in the target's own units (undoing the target scaling)."""
    from glassnet.data import scaler_from_state

    outputs = model.predict(x)
    if "target_scaler" in preprocessing:
        outputs = scaler_from_state(preprocessing["target_scaler"]).inverse_transform(outputs)
    return outputs
