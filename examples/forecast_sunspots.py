"""Forecast the yearly sunspot numbers (1700–2008, shipped with statsmodels) with an LSTM.

Windows of the last ``window`` years predict the next year. The last ``tail`` years
are held out (a chronological split: nothing after the training years is seen in
training, the scaling included), and the LSTM's RMSE on them is printed next to the
naive forecast's ("next year = this year"), the bar any forecast has to clear.

Run:  python examples/forecast_sunspots.py            (about a minute)
Same through the CLI:
    python examples/forecast_sunspots.py --csv sunspots.csv   (writes the series)
    glassnet train sunspots.csv --model lstm --window 12 --target SUNACTIVITY \
        --lr 0.01 --epochs 60
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import glassnet as gn
from glassnet.data.sequences import make_windows


def load_sunspots() -> pd.DataFrame:
    """The yearly series: columns YEAR and SUNACTIVITY (309 rows)."""
    from statsmodels.datasets import sunspots

    frame = sunspots.load_pandas().data
    frame["YEAR"] = frame["YEAR"].astype(int)
    return frame


def chronological_windows(
    values: np.ndarray, window: int, tail: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, y_train, x_test, y_test): the test targets are the last ``tail`` values."""
    x, y = make_windows(values, window)
    return x[:-tail], y[:-tail], x[-tail:], y[-tail:]


def rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def forecast(
    window: int = 12, units: int = 32, epochs: int = 60, tail: int = 60, seed: int = 0
) -> dict[str, float]:
    """Train the LSTM and return its test RMSE and the naive forecast's."""
    values = load_sunspots()["SUNACTIVITY"].to_numpy(dtype=float)
    x_train, y_train, x_test, y_test = chronological_windows(values, window, tail)
    # z-scores from the years the training windows read, never from the tail
    seen = values[: len(x_train) + window]
    mean, std = seen.mean(), seen.std()

    def scale(a: np.ndarray) -> np.ndarray:
        return ((a - mean) / std).astype(np.float32)

    gn.seed(seed)
    model = gn.Sequential([gn.LSTM(units, rng=seed), gn.Dense(1)])
    model.compile("adam", "mse", lr=0.01)
    model.fit(scale(x_train), scale(y_train), epochs=epochs, batch_size=32, verbose=0, rng=seed)
    predicted = model.predict(scale(x_test)) * std + mean
    return {
        "lstm_rmse": rmse(predicted, y_test),
        "naive_rmse": rmse(x_test[:, -1, :], y_test),
        "test_years": tail,
        "train_windows": len(x_train),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=int, default=12)
    parser.add_argument("--units", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--tail", type=int, default=60, help="held-out years at the end")
    parser.add_argument("--csv", help="only write the series to this CSV (for the CLI) and stop")
    args = parser.parse_args()
    if args.csv:
        load_sunspots().to_csv(args.csv, index=False)
        print(f"wrote {args.csv}")
        return
    result = forecast(args.window, args.units, args.epochs, args.tail)
    print(
        f"yearly sunspots, last {result['test_years']} years held out, "
        f"{result['train_windows']} training windows of {args.window} years"
    )
    print(f"LSTM forecast RMSE {result['lstm_rmse']:.2f}")
    print(f"naive (last value) RMSE {result['naive_rmse']:.2f}")


if __name__ == "__main__":
    main()
