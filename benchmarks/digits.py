"""Time to reach scikit-learn MLPClassifier's test accuracy on the bundled digits split.

Data: ``gn.datasets.load("digits").split()`` (scikit-learn's ``train_test_split``,
25 % test, stratified, the split glassnet reports on), pixels scaled to [0, 1],
float32. Both sides use one hidden layer of 100 ReLU units and Adam.

* **scikit-learn**: ``MLPClassifier(hidden_layer_sizes=(100,), random_state=seed)``
  with its defaults (Adam lr 1e-3, batch 200, up to 200 epochs, stops when the loss
  improves by less than 1e-4 for 10 epochs), timed over ``fit``; its test accuracy is
  the target.
* **glassnet**: ``Sequential([Dense(100, relu), Dense(10)])``, ``compile(Adam(lr=3e-3),
  categorical_crossentropy)``, ``fit(batch_size=32)`` with a callback that measures
  the test accuracy after every epoch (inside the timed region) and stops as soon as
  it reaches the target. The time from building the model to that moment is timed.

Repeated ``--repeats`` times with seeds 0, 1, … (scikit-learn first: it sets the target); the
report gives medians and the median of the per-seed speed-ups.

Usage:
    python -m benchmarks digits [--quick] [--repeats 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np

from benchmarks import harness

GOAL = 2.5


def load() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    import glassnet as gn

    x_train, x_test, y_train, y_test = gn.datasets.load("digits").split()
    scale = np.float32(1 / 16)
    return (
        (x_train * scale).astype(np.float32),
        (x_test * scale).astype(np.float32),
        y_train.astype(np.int64),
        y_test.astype(np.int64),
    )


def sklearn_run(data: tuple[np.ndarray, ...], seed: int) -> dict[str, float]:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    x_train, x_test, y_train, y_test = data
    start = time.perf_counter()
    model = MLPClassifier(hidden_layer_sizes=(100,), random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x_train, y_train)
    seconds = time.perf_counter() - start
    accuracy = float((model.predict(x_test) == y_test).mean())
    return {"seconds": seconds, "accuracy": accuracy, "epochs": float(model.n_iter_)}


def glassnet_run(
    data: tuple[np.ndarray, ...], seed: int, target: float, max_epochs: int
) -> dict[str, float]:
    import glassnet as gn

    x_train, x_test, y_train, y_test = data

    from glassnet.train.callbacks import Callback

    class StopAtTarget(Callback):
        def __init__(self) -> None:
            self.accuracy = 0.0
            self.epochs = 0

        def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
            self.epochs = epoch + 1
            self.accuracy = float((model.predict_classes(x_test) == y_test).mean())
            if self.accuracy >= target:
                model.stop_training = True

    start = time.perf_counter()
    gn.seed(seed)
    model = gn.Sequential([gn.Dense(100, activation="relu"), gn.Dense(10)])
    model.compile(gn.Adam(model, lr=3e-3), "categorical_crossentropy")
    stop = StopAtTarget()
    model.fit(
        x_train, y_train, epochs=max_epochs, batch_size=32, callbacks=[stop], verbose=0, rng=seed
    )
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "accuracy": stop.accuracy, "epochs": float(stop.epochs)}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks digits", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="seeds (runs per framework)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-epochs", type=int, default=100)
    parser.add_argument("--gap", type=float, default=0.2)
    parser.add_argument("--quick", action="store_true", help="2 seeds")
    parser.add_argument("--no-memory", action="store_true", help="(no memory is measured here)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.quick:
        args.repeats = min(args.repeats, 2)
    data = load()
    runs: dict[str, list[dict[str, float]]] = {"scikit-learn": [], "glassnet": []}
    with harness.thread_limits(args.threads):
        sklearn_run(data, 99)  # warm-up: imports, first-call costs
        glassnet_run(data, 99, 0.5, 2)
        for seed in range(args.repeats):
            # scikit-learn first: its accuracy is glassnet's target.
            order = ["scikit-learn", "glassnet"]
            results: dict[str, dict[str, float]] = {}
            target = 1.0
            for name in order:
                time.sleep(args.gap)
                if name == "scikit-learn":
                    results[name] = sklearn_run(data, seed)
                    target = results[name]["accuracy"]
                else:
                    results[name] = glassnet_run(data, seed, target, args.max_epochs)
            for name, result in results.items():
                runs[name].append(result)
    print(report(args, runs))
    return 0


def report(args: argparse.Namespace, runs: dict[str, list[dict[str, float]]]) -> str:
    lines = [
        f"Time to reach scikit-learn MLPClassifier's test accuracy on digits (bundled split, "
        f"{args.repeats} seeds, {args.threads} thread(s)); load average {harness.load_average()}.",
        "",
        "| seed | scikit-learn s | its test accuracy (target) | its epochs | glassnet s | "
        "glassnet accuracy | glassnet epochs | speed-up |",
        "|---|---|---|---|---|---|---|---|",
    ]
    speedups = []
    for seed, (s, g) in enumerate(zip(runs["scikit-learn"], runs["glassnet"], strict=True)):
        reached = g["accuracy"] >= s["accuracy"]
        speedup = s["seconds"] / g["seconds"] if reached else float("nan")
        speedups.append(speedup)
        lines.append(
            f"| {seed} | {s['seconds']:.3f} | {s['accuracy']:.4f} | {s['epochs']:.0f} | "
            f"{g['seconds']:.3f} | {g['accuracy']:.4f} | {g['epochs']:.0f} | "
            f"{speedup:.2f}× {'' if reached else '(target not reached)'} |"
        )
    finite = [v for v in speedups if np.isfinite(v)]
    median = statistics.median(finite) if finite else float("nan")
    lines += [
        "",
        f"- median time: scikit-learn {statistics.median(r['seconds'] for r in runs['scikit-learn']):.3f} s, "
        f"glassnet {statistics.median(r['seconds'] for r in runs['glassnet']):.3f} s",
        f"- glassnet reached the target in {len(finite)} of {len(speedups)} seeds",
        f"- goal ≥ {GOAL}× faster than scikit-learn: measured **{median:.2f}×** (median) → "
        f"**{'met' if median >= GOAL else 'not met'}**",
    ]
    return "\n".join(lines)
