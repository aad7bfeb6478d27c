"""Which inputs drive a prediction: gradient saliency, integrated gradients, ``explain``.

* :func:`saliency` — ∂output/∂input: how much the chosen output moves per unit
  change of each input, at this input.
* :func:`integrated_gradients` — the gradient averaged along the straight path from
  a baseline (zeros by default) to the input, times (input - baseline)
  (Sundararajan et al., 2017). The attributions add up to
  f(input) - f(baseline) ("completeness"), so each one is a share of the prediction.
* :func:`explain` — one sample's integrated gradients, ranked, with feature names.

Outputs are the model's raw outputs (logits for a classifier trained with
cross-entropy); the chosen output is ``target`` or, by default, the predicted class
(the only output of a one-output model).

Example:
    >>> import glassnet as gn, numpy as np
    >>> layer = gn.Dense(1, input_dim=2)
    >>> layer.kernel.data[:] = [[2.0], [-1.0]]
    >>> gn.inspect.saliency(gn.Sequential([layer]), [1.0, 1.0]).tolist()
    [2.0, -1.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.function import enable_grad, no_grad
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError, ShapeError
from glassnet.inspect import _trace_format as tf
from glassnet.nn.module import Module

# Path points pushed through the model at once: bounds memory for wide inputs.
_CHUNK_ROWS = 4096


def saliency(model: Module, x: Any, target: Any = None) -> np.ndarray:
    """The gradient of the chosen output with respect to each input value.

    Args:
        model: any differentiable model.
        x: one sample or a batch (samples first).
        target: the output index to explain (an int, or one per sample); default:
            the predicted class, or output 0 of a one-output model.

    Returns:
        An array shaped like ``x`` (float64).
    """
    batch, single = as_batch(model, x)
    targets = resolve_targets(model, batch, target)
    gradients = _gradients(model, batch, targets)
    return gradients[0] if single else gradients


def integrated_gradients(
    model: Module,
    x: Any,
    baseline: Any = None,
    target: Any = None,
    steps: int = 64,
    *,
    tolerance: float | None = 0.005,
) -> np.ndarray:
    """Integrated-gradients attributions of the chosen output to each input value.

    The path integral is computed with the midpoint rule over ``steps`` intervals,
    which is exact for a linear model and converges fast for smooth ones. A ReLU
    network's gradient jumps along the path, so a sample whose attributions miss
    completeness by more than ``tolerance`` (relative) is computed again with twice
    the steps, up to 64 times ``steps``.

    Args:
        model: any differentiable model.
        x: one sample or a batch.
        baseline: the "absent" input the path starts from: an array shaped like one
            sample or like ``x``; default zeros (the mean when inputs are standardized).
        target: the output to explain (see :func:`saliency`).
        steps: the number of intervals along the path (a positive integer).
        tolerance: the relative completeness error that triggers more steps;
            ``None`` uses exactly ``steps``.

    Returns:
        An array shaped like ``x``; each sample's values add up to
        f(x) - f(baseline) for the chosen output (within ``tolerance`` unless even
        64·steps did not get there).
    """
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 1:
        raise ConfigError(f"steps must be a positive integer, got {steps!r}")
    if tolerance is not None and not tolerance > 0:
        raise ConfigError(f"tolerance must be positive or None, got {tolerance!r}")
    batch, single = as_batch(model, x)
    start = _baseline(batch, baseline)
    targets = resolve_targets(model, batch, target)
    attributions = _path_integral(model, batch, start, targets, int(steps))
    if tolerance is not None:
        rows = np.arange(len(batch))
        change = _outputs(model, batch)[rows, targets] - _outputs(model, start)[rows, targets]
        used = int(steps)
        while used < 64 * steps:
            gap = np.abs(attributions.reshape(len(batch), -1).sum(axis=1) - change)
            again = gap > tolerance * np.maximum(np.abs(change), 1e-6)
            if not again.any():
                break
            used *= 2
            attributions[again] = _path_integral(
                model, batch[again], start[again], targets[again], used
            )
    return attributions[0] if single else attributions


def _path_integral(
    model: Module, batch: np.ndarray, start: np.ndarray, targets: np.ndarray, steps: int
) -> np.ndarray:
    """(x - baseline) times the mean gradient along the straight path, midpoint rule."""
    # The midpoint rule: second-order accurate like the trapezoid, and it never evaluates
    # the gradient at the baseline itself, where a ReLU network with zero biases sits
    # exactly on its kinks (gradient 0 there) and the trapezoid would lose 1/(2·steps).
    alphas = (np.arange(steps) + 0.5) / steps
    sample_shape = batch.shape[1:]
    difference = batch - start
    # All path points of all samples, one row each: (samples · steps, *sample_shape).
    points = start[:, None] + alphas.reshape(1, -1, *[1] * len(sample_shape)) * difference[:, None]
    points = points.reshape(-1, *sample_shape)
    point_targets = np.repeat(targets, steps)
    gradients = np.concatenate(
        [
            _gradients(model, points[i : i + _CHUNK_ROWS], point_targets[i : i + _CHUNK_ROWS])
            for i in range(0, len(points), _CHUNK_ROWS)
        ]
    ).reshape(len(batch), steps, *sample_shape)
    return difference * gradients.mean(axis=1)


@dataclass
class Explanation:
    """Why one prediction came out as it did: each feature's integrated-gradients share.

    Attributes:
        names: feature names; values: the sample's feature values;
        attributions: each feature's contribution (they sum to about
        ``prediction - baseline_prediction``); target: the output explained.
    """

    names: list[str]
    values: np.ndarray
    attributions: np.ndarray
    prediction: float
    baseline_prediction: float
    target: int

    def ranked(self) -> list[tuple[str, float, float]]:
        """``(name, value, attribution)`` by decreasing absolute attribution."""
        order = np.argsort(-np.abs(self.attributions), kind="stable")
        return [(self.names[i], float(self.values[i]), float(self.attributions[i])) for i in order]

    @property
    def completeness_gap(self) -> float:
        """sum(attributions) - (prediction - baseline prediction): the integration error."""
        return float(self.attributions.sum() - (self.prediction - self.baseline_prediction))

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "prediction": self.prediction,
            "baseline_prediction": self.baseline_prediction,
            "features": [
                {"name": name, "value": value, "attribution": attribution}
                for name, value, attribution in self.ranked()
            ],
        }

    def __str__(self, limit: int = 10) -> str:
        width = max([7, *(len(name) for name in self.names)])
        lines = [
            f"output {self.target} is {tf.fmt(self.prediction)} for this sample and "
            f"{tf.fmt(self.baseline_prediction)} for the baseline; the contributions add up "
            f"to the difference, {tf.fmt(self.prediction - self.baseline_prediction)}",
            f"  rank  {'feature':<{width}}  {'value':>10}  {'contribution':>12}",
        ]
        ranked = self.ranked()
        for rank, (name, value, attribution) in enumerate(ranked[:limit], start=1):
            sign = "+" if attribution >= 0 else ""
            lines.append(
                f"  {rank:>4}  {name:<{width}}  {tf.fmt(value):>10}  "
                f"{sign + tf.fmt(attribution):>12}"
            )
        if len(ranked) > limit:
            rest = np.array([a for _, _, a in ranked[limit:]])
            lines.append(f"  … and {len(rest)} more features (together {tf.fmt(rest.sum())})")
        return "\n".join(lines)


def explain(
    model: Module,
    x_row: Any,
    *,
    feature_names: list[str] | None = None,
    baseline: Any = None,
    target: Any = None,
    steps: int = 64,
) -> Explanation:
    """The features that drive one prediction, ranked (integrated gradients).

    Args:
        model: any differentiable model.
        x_row: one sample (its values are flattened into features).
        feature_names: one name per input value; default the names the model was
            trained with (``glassnet train``) or ``x1``, ``x2``, ….
        baseline: the reference input (default zeros).
        target: the output to explain (default the predicted class).
        steps: integration intervals.
    """
    batch, _ = as_batch(model, x_row)
    if len(batch) != 1:
        raise ShapeError(f"explain takes one sample, got a batch of {len(batch)}; pass x[i]")
    chosen = int(resolve_targets(model, batch, target)[0])
    attributions = integrated_gradients(model, batch, baseline, chosen, steps)[0]
    start = _baseline(batch, baseline)
    outputs = _outputs(model, np.concatenate([batch, start]))
    names = feature_names_for(model, batch[0].size, feature_names)
    return Explanation(
        names,
        batch[0].reshape(-1),
        attributions.reshape(-1),
        float(outputs[0, chosen]),
        float(outputs[1, chosen]),
        chosen,
    )


# -- shared helpers ----------------------------------------------------------------------


def as_batch(model: Module, x: Any) -> tuple[np.ndarray, bool]:
    """(``x`` as a float64 batch, whether ``x`` was one sample)."""
    try:
        array = np.asarray(tf.host_values(x), dtype=np.float64)
    except (TypeError, ValueError):
        raise ShapeError(f"inputs must be numbers, got {type(x).__name__}") from None
    sample_shape = tuple(model.input_shape[1:]) if model.input_shape is not None else None
    if array.ndim == 0:
        return array.reshape(1, 1), True
    if (sample_shape is not None and array.shape == sample_shape) or (
        sample_shape is None and array.ndim == 1
    ):
        return array[None], True
    if len(array) == 0:
        raise ShapeError("inputs hold no samples")
    return array, False


def feature_names_for(model: Module, count: int, names: list[str] | None) -> list[str]:
    """The given names (checked), the model's saved feature names, or ``x1``…``xN``."""
    if names is not None:
        names = [str(name) for name in names]
        if len(names) != count:
            raise ShapeError(f"{len(names)} feature names were given for {count} input values")
        return names
    saved = getattr(model, "preprocessing", {}).get("feature_names")
    if isinstance(saved, list) and len(saved) == count:
        return [str(name) for name in saved]
    return [f"x{i + 1}" for i in range(count)]


def resolve_targets(model: Module, batch: np.ndarray, target: Any) -> np.ndarray:
    """The output index explained for each sample."""
    if target is None:
        outputs = _outputs(model, batch)
        if outputs.shape[1] == 1:
            return np.zeros(len(batch), dtype=np.int64)
        return outputs.argmax(axis=1)
    targets = np.broadcast_to(np.asarray(target), (len(batch),)).astype(np.int64)
    return targets


def _outputs(model: Module, batch: np.ndarray) -> np.ndarray:
    """The model's outputs as (samples, values), in eval mode."""
    with tf.eval_mode(model), no_grad():
        out = model(Tensor(batch, dtype=tf.model_dtype(model), device=model.device))
    return np.asarray(out.numpy(), dtype=np.float64).reshape(len(batch), -1)


def _gradients(model: Module, batch: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """d(output[target of each row]) / d(input row), for every row at once.

    Rows do not interact in eval mode, so the gradient of the sum of the chosen
    outputs is each row's own gradient.
    """
    inputs = Tensor(batch, requires_grad=True, dtype=tf.model_dtype(model), device=model.device)
    # backward also fills the weights' gradients; the model's own are put back after.
    kept = [(parameter, parameter.grad) for parameter in model.parameters()]
    with tf.eval_mode(model), enable_grad():
        out = model(inputs)
        flat = out.reshape(len(batch), -1)
        if targets.size and (targets.min() < 0 or targets.max() >= flat.shape[1]):
            raise ConfigError(
                f"target must be an output index in 0..{flat.shape[1] - 1}, got "
                f"{sorted(set(targets.tolist()))[:5]}"
            )
        mask = np.zeros(flat.shape, dtype=flat.dtype)
        mask[np.arange(len(batch)), targets] = 1.0
        (flat * Tensor(mask, dtype=flat.dtype, device=flat.device)).sum().backward()
    for parameter, grad in kept:
        parameter.grad = grad
    return np.asarray(backend.to_numpy(inputs.grad), dtype=np.float64)


def _baseline(batch: np.ndarray, baseline: Any) -> np.ndarray:
    if baseline is None:
        return np.zeros_like(batch)
    start = np.asarray(tf.host_values(baseline), dtype=np.float64)
    if start.shape == batch.shape[1:]:
        return np.broadcast_to(start, batch.shape).copy()
    if start.shape == batch.shape:
        return start
    raise ShapeError(
        f"baseline must have the shape of one sample {batch.shape[1:]} or of the inputs "
        f"{batch.shape}, got {start.shape}"
    )
