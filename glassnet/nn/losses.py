"""Losses ("errors" in the articles), by name or as objects: ``loss(prediction, target)``.

Example:
    >>> import glassnet as gn
    >>> gn.MSE()(gn.Tensor([1.0, 2.0]), gn.Tensor([1.0, 4.0])).item()
    2.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend, ops
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.errors import ConfigError, DataError, ShapeError
from glassnet.ops.loss import REDUCTIONS
from glassnet.registry import Registry

LOSSES: Registry[type[Loss]] = Registry("loss")

# Probabilities are kept this far from 0 and 1 before a log (as Keras does).
_PROBABILITY_EPS = 1e-7


class Loss:
    """Base class: ``__call__(prediction, target)`` returns a scalar tensor (or per-sample).

    Args:
        reduction: ``"mean"`` over all elements (default), ``"sum"``, or ``"none"``.
    """

    def __init__(self, reduction: str = "mean") -> None:
        if reduction not in REDUCTIONS:
            raise ConfigError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
        self.reduction = reduction

    def __call__(self, prediction: Any, target: Any) -> Tensor:
        prediction = _loss_input(prediction)
        target = _target_like(prediction, target, type(self).__name__)
        return self.compute(prediction, target)

    def compute(self, prediction: Tensor, target: Tensor) -> Tensor:
        raise NotImplementedError

    def check_targets(self, target: np.ndarray, output_shape: tuple[int, ...]) -> None:
        """Refuse targets this loss cannot use with outputs of ``output_shape``, all at once.

        ``fit`` calls it on the whole training set before the first update, so a bad
        label in the last batch is reported before any weight has changed.
        """

    def reduce(self, values: Tensor) -> Tensor:
        if self.reduction == "mean":
            return values.mean()
        if self.reduction == "sum":
            return values.sum()
        return values

    def get_config(self) -> dict[str, Any]:
        return {"name": LOSSES.name_of(type(self)), "reduction": self.reduction}


def _loss_input(prediction: Any) -> Tensor:
    """The prediction as a tensor; a float16 one (mixed precision) is cast to float32.

    Losses compute in float32 or wider: a float16 mean of many terms loses digits, and
    the loss scaler multiplies the loss by up to 2**24.
    """
    prediction = as_tensor(prediction)
    if prediction.dtype == np.float16:
        return ops.cast(prediction, np.float32)
    return prediction


def _target_like(prediction: Tensor, target: Any, loss_name: str) -> Tensor:
    """The target as a constant tensor of the prediction's shape and dtype.

    A (samples,) target against a (samples, 1) prediction is reshaped: silently
    broadcasting it to (samples, samples) is a classic, invisible bug.
    """
    target_data = target.data if isinstance(target, Tensor) else target
    if backend.device_of(target_data) == "cpu":
        target_data = np.asarray(target_data)
    if target_data.shape != prediction.shape:
        if target_data.size == prediction.size and target_data.ndim == prediction.ndim - 1:
            target_data = target_data.reshape(prediction.shape)
        else:
            raise ShapeError(
                f"{loss_name}: prediction shape {prediction.shape} and target shape "
                f"{target_data.shape} differ"
            )
    # dtype= given: without it the default-dtype policy would round float64 targets to float32.
    return Tensor(target_data, dtype=prediction.dtype, device=prediction.device)


@LOSSES.register("mse", "mean_squared_error")
class MSE(Loss):
    """Mean squared error, mean((prediction - target)²); ``reduction="sum"`` sums instead."""

    def compute(self, prediction, target):
        diff = prediction - target
        return self.reduce(diff * diff)


@LOSSES.register("mae", "mean_absolute_error")
class MAE(Loss):
    """Mean absolute error, mean(|prediction - target|): less swayed by outliers."""

    def compute(self, prediction, target):
        return self.reduce(ops.abs(prediction - target))


@LOSSES.register("huber")
class Huber(Loss):
    """Squared error for small errors (|e| ≤ delta), absolute error beyond: ½e² or delta·(|e| - ½delta)."""

    def __init__(self, delta: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        if not delta > 0:
            raise ConfigError(f"Huber delta must be positive, got {delta}")
        self.delta = delta

    def compute(self, prediction, target):
        error = ops.abs(prediction - target)
        small = error.data <= self.delta
        quadratic = 0.5 * error * error
        linear = self.delta * (error - 0.5 * self.delta)
        return self.reduce(ops.where(small, quadratic, linear))

    def get_config(self):
        return {**super().get_config(), "delta": self.delta}


@LOSSES.register("arctan")
class ArctanError(Loss):
    """The articles' arctan error: mean(arctan²(prediction - target)), bounded by (π/2)²."""

    def compute(self, prediction, target):
        angle = ops.arctan(prediction - target)
        return self.reduce(angle * angle)


@LOSSES.register("binary_crossentropy", "bce", "binary_cross_entropy")
class BinaryCrossEntropy(Loss):
    """-mean(t·log p + (1-t)·log(1-p)) for targets in [0, 1].

    Args:
        from_logits: predictions are raw scores (fused with the sigmoid, exact for
            any logit) instead of probabilities (clipped to [1e-7, 1 - 1e-7]).
    """

    def __init__(self, from_logits: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = from_logits

    def compute(self, prediction, target):
        _check_binary_targets(target.data)
        if self.from_logits:
            return ops.sigmoid_binary_cross_entropy(prediction, target, self.reduction)
        p = ops.clip(prediction, _PROBABILITY_EPS, 1 - _PROBABILITY_EPS)
        return self.reduce(-(target * ops.log(p) + (1 - target) * ops.log(1 - p)))

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}

    def check_targets(self, target: np.ndarray, output_shape: tuple[int, ...]) -> None:
        _check_binary_targets(target)


@LOSSES.register("categorical_crossentropy", "cross_entropy", "ce", "categorical_cross_entropy")
class CategoricalCrossEntropy(Loss):
    """Cross-entropy between class probabilities and the true classes.

    The target is integer class labels of shape (samples,) or one-hot / probability
    rows of shape (samples, classes). With ``from_logits=True`` (the default) the
    prediction is raw scores and the softmax is fused into the loss, which is exact
    for any logit and gives the gradient softmax - target; with ``from_logits=False``
    it is probabilities (a softmax output), clipped before the log.
    """

    def __init__(self, from_logits: bool = True, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = from_logits

    def __call__(self, prediction: Any, target: Any) -> Tensor:
        prediction = _loss_input(prediction)
        if prediction.ndim != 2:
            raise ShapeError(
                f"CategoricalCrossEntropy expects predictions of shape (samples, classes), "
                f"got {prediction.shape}"
            )
        # Labels are read and checked on the host (a GPU would wrap a bad index silently).
        target_data = backend.to_numpy(target.data if isinstance(target, Tensor) else target)
        as_labels = class_labels(target_data)
        if as_labels is not None:
            _check_labels(as_labels, prediction.shape)
            labels = Tensor(as_labels, device=prediction.device)
        else:
            labels = _target_like(prediction, target_data, "CategoricalCrossEntropy")
        if self.from_logits:
            return ops.softmax_cross_entropy(prediction, labels, self.reduction)
        p = ops.clip(prediction, _PROBABILITY_EPS, 1.0)
        log_p = ops.log(p)
        if labels.dtype.kind == "i":
            picked = log_p[np.arange(len(labels.data)), labels.data]
        else:
            picked = (labels * log_p).sum(axis=-1)
        return self.reduce(-picked)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}

    def check_targets(self, target: np.ndarray, output_shape: tuple[int, ...]) -> None:
        labels = class_labels(target)
        if labels is not None:
            _check_labels(labels, (len(labels), output_shape[-1]))


def class_labels(target: np.ndarray) -> np.ndarray | None:
    """Integer class labels from a target, or None when it is one-hot / probability rows.

    Accepted as labels: integers of shape (samples,) or (samples, 1), and floats of
    shape (samples,) that are whole numbers (``[0., 2., 1.]``, as Keras accepts).
    """
    if target.ndim == 2 and target.shape[1] == 1 and target.dtype.kind in "iub":
        target = target[:, 0]
    if target.ndim != 1:
        return None
    if target.dtype.kind in "iub":
        return target.astype(np.int64, copy=False)
    if (
        target.dtype.kind == "f"
        and np.isfinite(target).all()
        and np.all(target == np.round(target))
    ):
        return target.astype(np.int64)
    return None


def _check_labels(labels: np.ndarray, prediction_shape: tuple[int, ...]) -> None:
    samples, classes = prediction_shape
    if len(labels) != samples:
        raise ShapeError(f"{len(labels)} labels for {samples} predictions")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = labels[(labels < 0) | (labels >= classes)][:5].tolist()
        raise DataError(
            f"class labels must lie in 0..{classes - 1} for a model with {classes} outputs, "
            f"got {bad}"
        )


def _check_binary_targets(target: np.ndarray) -> None:
    if target.size and (target.min() < 0 or target.max() > 1):
        raise DataError(
            "binary cross-entropy needs targets between 0 and 1, got values from "
            f"{target.min()} to {target.max()}"
        )


def get_loss(spec: Any) -> Loss:
    """A loss from a name (``"mse"``), a config dict or a ``Loss`` instance."""
    if isinstance(spec, Loss):
        return spec
    if isinstance(spec, str):
        return LOSSES.get(spec)()
    if isinstance(spec, dict) and isinstance(spec.get("name"), str):
        options = {k: v for k, v in spec.items() if k != "name"}
        return LOSSES.get(spec["name"])(**options)
    raise ConfigError(
        f"a loss must be a name or a Loss, got {type(spec).__name__}; valid names are: "
        + ", ".join(LOSSES.names())
    )
