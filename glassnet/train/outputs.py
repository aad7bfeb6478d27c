"""Reading a model's raw outputs as probabilities, class labels or values.

What the outputs mean depends on the loss the model was compiled with:
categorical cross-entropy on logits → softmax gives probabilities; binary
cross-entropy on logits → sigmoid; on probabilities → the outputs themselves;
any other loss → a regression, whose outputs are the values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glassnet.errors import ConfigError
from glassnet.nn.losses import BinaryCrossEntropy, CategoricalCrossEntropy, Loss
from glassnet.ops.activation import stable_log_softmax, stable_sigmoid


@dataclass(frozen=True)
class OutputReader:
    """How to turn outputs into probabilities and labels, decided by the loss."""

    task: str  # "multiclass", "binary" or "regression"
    from_logits: bool

    @classmethod
    def for_loss(cls, loss: Loss) -> OutputReader:
        if isinstance(loss, CategoricalCrossEntropy):
            return cls("multiclass", loss.from_logits)
        if isinstance(loss, BinaryCrossEntropy):
            return cls("binary", loss.from_logits)
        return cls("regression", False)

    @property
    def is_classifier(self) -> bool:
        return self.task != "regression"

    def probabilities(self, outputs: np.ndarray) -> np.ndarray:
        if self.task == "regression":
            raise ConfigError(
                "class probabilities need a classification loss; this model was compiled "
                "for regression (compile(loss='categorical_crossentropy' or 'binary_crossentropy'))"
            )
        if not self.from_logits:
            return outputs
        if self.task == "multiclass":
            return np.exp(stable_log_softmax(outputs, axis=-1))
        return stable_sigmoid(outputs)

    def labels(self, outputs: np.ndarray) -> np.ndarray:
        """Class index per sample: argmax for many classes, probability ≥ 0.5 for binary."""
        probabilities = self.probabilities(outputs)
        if self.task == "multiclass":
            return probabilities.argmax(axis=-1)
        return (probabilities.reshape(len(probabilities), -1)[:, 0] >= 0.5).astype(np.int64)

    def scores(self, outputs: np.ndarray) -> np.ndarray:
        """The probability of the positive class (class 1), for ROC-AUC."""
        probabilities = self.probabilities(outputs)
        if self.task == "multiclass":
            if probabilities.shape[-1] != 2:
                raise ConfigError(
                    f"ROC-AUC is for two classes; this model has {probabilities.shape[-1]} outputs"
                )
            return probabilities[:, 1]
        return probabilities.reshape(len(probabilities), -1)[:, 0]


def true_labels(y: np.ndarray) -> np.ndarray:
    """Class indices from integer labels, (samples, 1) columns or one-hot rows."""
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    return y.reshape(len(y)).astype(np.int64)
