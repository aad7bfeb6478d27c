"""``tune``: search a network's settings with Optuna, and retrain the best one reproducibly.

Each trial trains exactly as ``glassnet train`` does (the same held-out test split,
z-scored inputs, the last tenth of the training split for validation, Adam with a
cosine schedule, the seed), so ``glassnet train DATA --config best.json`` retrains
the best trial and reaches the very validation score the search reported. The
validation score is reported to Optuna after every epoch; a median pruner stops
trials that fall behind the others at the same epoch. The test split is never
used for the search: the retrained model's test score is an honest estimate.

Example:
    >>> result = tune("iris", trials=2, epochs=3)  # doctest: +SKIP
    >>> result.best_config["lr"], result.best_score  # doctest: +SKIP
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.errors import ConfigError
from glassnet.pipeline import recipe
from glassnet.pipeline.options import DataOptions, TrainSettings
from glassnet.train.callbacks.base import Callback

# Kept to the sizes that train in seconds on two cores; see docs/decisions.md.
UNITS = (32, 64, 128, 256)
ACTIVATIONS = ("relu", "tanh", "elu", "gelu")
BATCH_SIZES = (32, 64, 128)
CONFIG_KEYS = (
    "layers",
    "activation",
    "dropout",
    "lr",
    "batch_size",
    "weight_decay",
    "epochs",
    "seed",
)


@dataclass
class TuneResult:
    """The best configuration (``glassnet train --config`` reads it), its score and the study."""

    best_config: dict[str, Any]
    best_score: float
    metric: str
    trials: list[dict[str, Any]] = field(default_factory=list)
    study: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {**self.best_config, "score": self.best_score, "metric": self.metric}

    def save(self, path: str | Path) -> None:
        """Write ``best.json`` (atomically) for ``glassnet train DATA --config PATH``."""
        from glassnet.io.atomic import write_atomic

        write_atomic(Path(path), json.dumps(self.to_dict(), indent=2).encode())


class _Reporter(Callback):
    """Reports the validation score to the trial after each epoch; prunes poor trials."""

    def __init__(self, trial: Any, key: str) -> None:
        self.trial, self.key = trial, key

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        import optuna

        self.trial.report(float(logs[self.key]), epoch)
        if self.trial.should_prune():
            raise optuna.TrialPruned(f"validation score {logs[self.key]:.4f} at epoch {epoch + 1}")


def check_config(config: dict[str, Any]) -> dict[str, Any]:
    """The training settings of a tuned configuration, checked; a ConfigError names what is off."""
    if not isinstance(config, dict):
        raise ConfigError(f"a tuned configuration is a JSON object, got {type(config).__name__}")
    missing = [key for key in CONFIG_KEYS if key not in config]
    if missing:
        raise ConfigError(
            f"the configuration lacks {missing}; expected the keys {list(CONFIG_KEYS)}"
        )
    return {key: config[key] for key in CONFIG_KEYS}


def read_config(path: str | Path) -> dict[str, Any]:
    """A configuration written by ``glassnet tune`` (``best.json``)."""
    try:
        config = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise ConfigError(f"--config '{path}' does not exist") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"--config '{path}' is not JSON: {exc}") from None
    return check_config(config)


def settings_of(config: dict[str, Any]) -> TrainSettings:
    """The training settings a tuning configuration stands for (``glassnet train``'s others)."""
    return TrainSettings(
        layers=[int(n) for n in str(config["layers"]).split(",")],
        activation=config["activation"],
        dropout=config["dropout"],
        lr=config["lr"],
        batch_size=config["batch_size"],
        weight_decay=config["weight_decay"],
        epochs=config["epochs"],
        seed=config["seed"],
    )


def train_as_cli(
    prepared: recipe.Prepared, config: dict[str, Any], callbacks: list[Callback] = ()
) -> tuple[Any, Any]:
    """Train as ``glassnet train DATA --config best.json`` does; the network and its history.

    The same recipe as ``glassnet train`` (glassnet.pipeline.recipe), without the
    overfitting monitor, so a trial's score is the score the retrain reproduces.
    """
    if not prepared.held_out:
        raise ConfigError("tuning needs a data set large enough for a test and a validation split")
    trained = recipe.train(prepared, settings_of(config), callbacks, monitor=False, verbose=0)
    return trained.pipeline.network, trained.history


def suggest(trial: Any, epochs: int, seed: int) -> dict[str, Any]:
    """One configuration from the search space."""
    depth = trial.suggest_int("depth", 1, 3)
    units = trial.suggest_categorical("units", UNITS)
    return {
        "layers": ",".join([str(units)] * depth),
        "activation": trial.suggest_categorical("activation", ACTIVATIONS),
        "dropout": trial.suggest_float("dropout", 0.0, 0.5),
        "lr": trial.suggest_float("lr", 1e-4, 1e-2, log=True),
        "batch_size": trial.suggest_categorical("batch_size", BATCH_SIZES),
        "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True),
        "epochs": epochs,
        "seed": seed,
    }


def tune(
    data: str,
    trials: int = 20,
    *,
    epochs: int = 30,
    seed: int = 0,
    target: str | None = None,
    task: str | None = None,
    report: Any = None,
    options: DataOptions | None = None,
) -> TuneResult:
    """Search layers, units, activation, learning rate, batch size, dropout and weight decay.

    Args:
        data: a bundled data set name or a table file (as for ``glassnet train``).
        trials: how many configurations to try (pruned ones count).
        epochs: epochs per trial (and for the retrain).
        seed: seeds the sampler (TPE), and every trial's weights and batches.
        target: the column to predict in a table.
        task: ``classification`` or ``regression`` (default: inferred).
        report: called with a line after each trial.
        options: how to read a table (impute, drop, ...); ``target`` and ``task`` are
            shorthands for a DataOptions with only those.

    Returns:
        The :class:`TuneResult`; its ``best_score`` is the validation score at the last
        epoch of the best trial, which ``glassnet train DATA --config best.json`` reproduces.
    """
    import optuna

    if not isinstance(trials, int) or trials < 1 or not isinstance(epochs, int) or epochs < 1:
        raise ConfigError(
            f"trials and epochs must be positive integers, got {trials!r}, {epochs!r}"
        )
    options = options or DataOptions(target=target, task=task)
    # Every trial reads and splits the data as glassnet train does (the seed does not
    # change the split), so it is prepared once.
    prepared = recipe.prepare(data, options, TrainSettings())
    metric = "accuracy" if prepared.source.task == "classification" else "r2"
    key = f"val_{metric}"
    pruner = optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=max(1, epochs // 5))
    sampler = optuna.samplers.TPESampler(seed=seed)
    study = optuna.create_study(direction="maximize", sampler=sampler, pruner=pruner)
    log: list[dict[str, Any]] = []

    def objective(trial: Any) -> float:
        config = suggest(trial, epochs, seed)
        trial.set_user_attr("config", config)
        _, history = train_as_cli(prepared, config, [_Reporter(trial, key)])
        value = float(history[key][-1])
        return value if np.isfinite(value) else -np.inf

    def after(study: Any, trial: Any) -> None:
        entry = {
            "number": trial.number,
            "state": trial.state.name,
            "value": trial.value,
            "config": trial.user_attrs.get("config"),
        }
        log.append(entry)
        if report is not None:
            # A pruned trial keeps its last reported score as its value.
            value = f"{metric} {trial.value:.4f}" if trial.value is not None else "failed"
            if trial.state.name == "PRUNED":
                value = f"pruned after epoch {len(trial.intermediate_values)} ({value})"
            report(f"trial {trial.number + 1}/{trials}: {value} · {trial.user_attrs.get('config')}")

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study.optimize(objective, n_trials=trials, callbacks=[after], catch=())
    finished = [t for t in study.trials if t.state.name == "COMPLETE"]
    if not finished:
        raise ConfigError("every trial was pruned or failed; run more trials")
    best = study.best_trial
    config = {**best.user_attrs["config"], "data": data, "trial": best.number}
    return TuneResult(config, float(best.value), metric, log, study)
