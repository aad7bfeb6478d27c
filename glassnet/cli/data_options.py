"""The data options, one argument group shared by every command that reads a table.

``train``, ``compare``, ``tune``, ``cluster``, ``report``, ``evaluate`` and
``predict`` all take ``--target --task --impute --na-values --drop --categorical
--grayscale --strict``. A command given a saved model reads those options from the
model instead: giving one that differs is refused, since the model can only read
data the way it was trained (``--strict`` is the exception: it is about new data).
"""

from __future__ import annotations

import argparse
from typing import Any

from glassnet.errors import ConfigError
from glassnet.pipeline.options import DataOptions, names

#: The options the group adds, as (flag, attribute).
FLAGS = (
    ("--target", "target"),
    ("--task", "task"),
    ("--impute", "impute"),
    ("--na-values", "na_values"),
    ("--drop", "drop"),
    ("--categorical", "categorical"),
    ("--grayscale", "grayscale"),
)


def add_data_options(parser: argparse.ArgumentParser, tasks: tuple[str, ...] = ()) -> None:
    """Add the shared data options to ``parser``; ``tasks`` adds extra ``--task`` choices."""
    group = parser.add_argument_group("data options (how a table or image folder is read)")
    group.add_argument("--target", help="the column to predict (tables)")
    group.add_argument(
        "--task",
        choices=["auto", "classification", "regression", *tasks],
        default="auto",
        help="what the target is (default: auto, inferred from its values)",
    )
    group.add_argument(
        "--impute",
        choices=["mean", "median", "most_frequent"],
        help="fill missing values instead of refusing them",
    )
    group.add_argument(
        "--na-values", help="comma-separated strings that mean 'missing' in a CSV, e.g. ?,n/a"
    )
    group.add_argument("--drop", help="comma-separated columns to ignore (ids, free text)")
    group.add_argument(
        "--categorical", help="comma-separated numeric columns to one-hot encode (codes)"
    )
    group.add_argument(
        "--grayscale",
        action="store_true",
        help="read an image folder as one channel instead of red, green and blue",
    )
    group.add_argument(
        "--strict",
        action="store_true",
        help="make every warning about new data an error: unseen categories, values far "
        "outside the training range, extra or reordered columns",
    )


def data_options(args: argparse.Namespace) -> DataOptions:
    """The DataOptions the command line asked for."""
    return DataOptions(
        target=args.target,
        task=None if args.task == "auto" else args.task,
        impute=args.impute,
        na_values=tuple(names(args.na_values)),
        drop=tuple(names(args.drop)),
        categorical=tuple(names(args.categorical)),
        grayscale=bool(args.grayscale),
        strict=bool(args.strict),
    )


def refuse_changed_options(args: argparse.Namespace, saved: dict[str, Any], model: str) -> None:
    """A command with a saved model reads its data options from it; a different one is refused."""
    given = data_options(args).to_dict()
    defaults = DataOptions().to_dict()
    for flag, key in FLAGS:
        if given[key] == defaults[key] or key not in saved:
            continue
        if given[key] != saved[key]:
            raise ConfigError(
                f"{flag}: '{model}' was trained with {flag} {_shown(saved[key])}, and reads new "
                f"data the same way; drop {flag} (the model's options are used)"
            )


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(value) if value else "(none)"
    return str(value) if value not in (None, False) else "(none)"
