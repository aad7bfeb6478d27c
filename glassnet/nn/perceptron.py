"""``Perceptron``: Rosenblatt's step-activation neuron and his learning rule.

The perceptron outputs 1 when ``x · w + b > 0`` and 0 otherwise. It learns without
gradients: for each misclassified point it adds the point to the weights (if it
should have fired) or subtracts it (if it should not). The convergence theorem says
that on linearly separable data this stops after finitely many updates; on data no
straight line can separate (XOR) it never stops, so ``fit`` gives up after
``max_epochs`` and says that a hidden layer is needed.

Example:
    >>> import numpy as np
    >>> from glassnet.nn.perceptron import Perceptron
    >>> x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> result = Perceptron(2).fit(x, [0, 1, 1, 1])          # OR: separable
    >>> result.converged, Perceptron(2).fit(x, [0, 1, 1, 0]).converged   # XOR: not
    (True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, DataError, ShapeError


@dataclass(frozen=True)
class PerceptronResult:
    """What :meth:`Perceptron.fit` returns.

    Attributes:
        converged: True if an epoch passed with every point classified correctly.
        updates: how many weight updates (mistakes) the rule made in all.
        epochs: how many passes over the data were made.
        errors: points still misclassified at the end.
        message: a sentence saying what happened, for people.
    """

    converged: bool
    updates: int
    epochs: int
    errors: int
    message: str

    @property
    def linearly_separable(self) -> bool | None:
        """True if proven separable (converged); None if unknown after ``max_epochs``."""
        return True if self.converged else None


class Perceptron:
    """One step-activation neuron trained by Rosenblatt's perceptron rule.

    Args:
        inputs: the number of input features, a positive integer.
        lr: the step of each update; with zero initial weights it only rescales
            the weights, so the default 1.0 is the textbook rule.

    Attributes:
        weights: the learned weights, shape ``(inputs,)``.
        bias: the learned bias (a float).
    """

    def __init__(self, inputs: int, lr: float = 1.0) -> None:
        if not isinstance(inputs, Integral) or isinstance(inputs, bool) or inputs <= 0:
            raise ConfigError(f"Perceptron inputs must be a positive integer, got {inputs!r}")
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
            raise ConfigError(f"Perceptron lr must be a positive number, got {lr!r}")
        self.inputs = int(inputs)
        self.lr = float(lr)
        # Zero start: the rule then needs no randomness, and the result is reproducible.
        self.weights = np.zeros(self.inputs, dtype=np.float64)
        self.bias = 0.0

    def __repr__(self) -> str:
        return (
            f"Perceptron(inputs={self.inputs}, weights={self.weights.tolist()}, bias={self.bias})"
        )

    def _inputs(self, x: Any) -> np.ndarray:
        array = np.asarray(x, dtype=np.float64)
        if array.ndim != 2 or array.shape[1] != self.inputs:
            raise ShapeError(
                f"Perceptron expects inputs of shape (samples, {self.inputs}), got shape "
                f"{array.shape}"
            )
        return array

    def predict(self, x: Any) -> np.ndarray:
        """The 0/1 outputs for the rows of ``x`` (1 where ``x · w + b > 0``)."""
        return (self._inputs(x) @ self.weights + self.bias > 0).astype(np.int64)

    def fit(self, x: Any, y: Any, max_epochs: int = 100) -> PerceptronResult:
        """Apply the perceptron rule, pass after pass, until no point is misclassified.

        Args:
            x: inputs, shape (samples, inputs).
            y: the targets, 0 or 1, one per sample.
            max_epochs: passes after which to give up, a positive integer.

        Returns:
            A :class:`PerceptronResult`; on non-separable data ``converged`` is False
            and ``message`` says that a hidden layer is needed.
        """
        inputs = self._inputs(x)
        targets = np.asarray(y).reshape(-1)
        if targets.shape[0] != inputs.shape[0]:
            raise ShapeError(
                f"Perceptron.fit: x has {inputs.shape[0]} samples but y has {targets.shape[0]}"
            )
        if not np.isin(targets, (0, 1)).all():
            raise DataError(
                f"Perceptron.fit expects targets 0 or 1, got the values {np.unique(targets)[:5]}"
            )
        if not isinstance(max_epochs, Integral) or isinstance(max_epochs, bool) or max_epochs < 1:
            raise ConfigError(
                f"Perceptron max_epochs must be a positive integer, got {max_epochs!r}"
            )
        updates = 0
        for epoch in range(1, int(max_epochs) + 1):
            mistakes = 0
            for point, target in zip(inputs, targets, strict=True):
                output = int(point @ self.weights + self.bias > 0)
                if output != target:
                    # +x when it should have fired, -x when it should not.
                    direction = self.lr * (int(target) - output)
                    self.weights += direction * point
                    self.bias += direction
                    mistakes += 1
            updates += mistakes
            if mistakes == 0:
                message = (
                    f"converged after {updates} updates in {epoch} epochs: a straight line "
                    "separates the two classes"
                )
                return PerceptronResult(True, updates, epoch, 0, message)
        errors = int((self.predict(inputs) != targets).sum())
        message = (
            f"did not converge in {max_epochs} epochs ({updates} updates, {errors} points "
            "still wrong): the data look not linearly separable (like XOR), so one neuron "
            "cannot learn them; a hidden layer is needed"
        )
        return PerceptronResult(False, updates, int(max_epochs), errors, message)
