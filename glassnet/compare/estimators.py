"""scikit-learn estimators around any glassnet network: ``NeuralNetClassifier``, ``NeuralNetRegressor``.

They follow scikit-learn's contract, so ``Pipeline``, ``GridSearchCV``,
``cross_val_score``, ``clone`` and MAPIE accept them: the constructor only stores its
arguments, ``fit`` builds a fresh network every time (nothing is shared between
clones or between fits), the fitted state lives in attributes ending in ``_``, and
a fixed ``random_state`` gives the same weights, batches and predictions.

The network is a multilayer perceptron (``hidden_layers``, ``activation``,
``dropout``) unless ``module`` gives another architecture: a glassnet module, which
is rebuilt from its configuration for every fit (its own weights are never trained),
or a callable ``module(n_features, n_outputs)`` returning a new module.

Example:
    >>> from sklearn.datasets import load_iris
    >>> from glassnet.sklearn import NeuralNetClassifier
    >>> x, y = load_iris(return_X_y=True)
    >>> clf = NeuralNetClassifier((16,), learning_rate=0.01, epochs=60, random_state=0)
    >>> clf.fit(x, y).score(x, y) > 0.9
    True
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from glassnet import backend
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn.dense import Dense
from glassnet.nn.dropout import Dropout
from glassnet.nn.layers_registry import LAYERS, layer_from_config
from glassnet.nn.module import Module
from glassnet.nn.sequential import Sequential
from glassnet.ops.activation import stable_log_softmax
from glassnet.train.api import inference_mode

_PREDICT_BATCH = 1024


@contextlib.contextmanager
def _global_generator(generator: np.random.Generator) -> Iterator[None]:
    """Within the block, glassnet's global generator is ``generator``.

    Layers built from a configuration (a custom ``module``) draw their initial
    weights, and dropout its masks, from the global generator; swapping it for the
    duration of ``fit`` makes ``random_state`` govern them without disturbing the
    user's own ``gn.seed`` stream.
    """
    previous = backend.get_rng()
    backend._state["rng"] = generator
    try:
        yield
    finally:
        backend._state["rng"] = previous


def _check_number(name: str, value: Any, low: float, high: float | None, integer: bool) -> None:
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    ok = isinstance(value, kinds) and not isinstance(value, bool)
    ok = ok and value >= low and (high is None or value < high)
    if not ok:
        span = f">= {low}" if high is None else f"in [{low}, {high})"
        what = "an integer" if integer else "a number"
        raise ConfigError(f"{name} must be {what} {span}, got {value!r}")


def _check_outputs(network: Module, sample: np.ndarray, n_outputs: int) -> None:
    """Build ``network`` on one sample; a ShapeError unless it gives ``n_outputs`` values."""
    with inference_mode(network):
        sample_tensor = Tensor(sample.astype(backend.get_default_dtype()), device=network.device)
        shape = network(sample_tensor).shape
    if shape[1:] != (n_outputs,):
        raise ShapeError(
            f"the network gives outputs of shape {shape[1:]} per sample; this task needs "
            f"({n_outputs},): one per class, or one per target"
        )


class _NeuralNetEstimator(BaseEstimator):
    """What the classifier and the regressor share: parameters, building, training."""

    _loss = "mse"

    def __init__(
        self,
        hidden_layers: tuple[int, ...] = (64,),
        activation: str = "relu",
        dropout: float = 0.0,
        optimizer: str = "adam",
        learning_rate: float = 1e-3,
        batch_size: int = 32,
        epochs: int = 100,
        weight_decay: float = 0.0,
        random_state: int | np.random.RandomState | None = None,
        module: Module | Callable[[int, int], Module] | None = None,
        verbose: int = 0,
    ) -> None:
        # scikit-learn's rule: store the arguments as given; ``fit`` checks them.
        self.hidden_layers = hidden_layers
        self.activation = activation
        self.dropout = dropout
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.weight_decay = weight_decay
        self.random_state = random_state
        self.module = module
        self.verbose = verbose

    # -- building -----------------------------------------------------------------

    def _check_params(self) -> None:
        _check_number("epochs", self.epochs, 1, None, integer=True)
        _check_number("batch_size", self.batch_size, 1, None, integer=True)
        _check_number("dropout", self.dropout, 0, 1, integer=False)
        _check_number("learning_rate", self.learning_rate, 0, None, integer=False)
        _check_number("weight_decay", self.weight_decay, 0, None, integer=False)
        if self.module is None:
            sizes = self.hidden_layers
            if not isinstance(sizes, (tuple, list)) or not all(
                isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0
                for s in sizes
            ):
                raise ConfigError(
                    f"hidden_layers must be a tuple of positive integers such as (64, 32), "
                    f"got {sizes!r}"
                )

    def _build_network(self, n_features: int, n_outputs: int) -> Module:
        """A new, untrained network: the MLP, a clone of ``module``, or ``module(...)``."""
        if self.module is None:
            layers: list[Module] = []
            for size in self.hidden_layers:
                layers.append(Dense(int(size), activation=self.activation))
                if self.dropout:
                    layers.append(Dropout(float(self.dropout)))
            layers.append(Dense(n_outputs, name="output"))
            return Sequential(layers)
        if isinstance(self.module, Module):
            # A fresh copy from its description: the given module's weights (if any) are
            # neither reused nor changed, and every fit and every clone starts anew.
            spec = {"class": LAYERS.name_of(type(self.module)), "config": self.module.get_config()}
            network = layer_from_config(spec)
            # A template moved with .to("gpu") says where to train: the copy goes there too.
            placed = self.module._device
            return network if placed is None else network.to(placed)
        if callable(self.module):
            network = self.module(n_features, n_outputs)
            if not isinstance(network, Module):
                raise ConfigError(
                    f"module(n_features, n_outputs) must return a glassnet Module, got "
                    f"{type(network).__name__}"
                )
            return network
        raise ConfigError(
            "module must be None (a multilayer perceptron), a glassnet Module, or a callable "
            f"module(n_features, n_outputs) returning one; got {type(self.module).__name__}"
        )

    def _train(self, x: np.ndarray, targets: np.ndarray, n_outputs: int) -> None:
        """Build, compile and train a new network on ``x`` and encoded ``targets``."""
        self._check_params()
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        generator = np.random.default_rng(seed)
        with _global_generator(generator):
            network = self._build_network(x.shape[1], n_outputs)
            _check_outputs(network, x[:1], n_outputs)
            options: dict[str, Any] = {"lr": float(self.learning_rate)}
            if self.weight_decay:
                options["weight_decay"] = float(self.weight_decay)
            network.compile(self.optimizer, self._loss, **options)
            history = network.fit(
                x,
                targets,
                epochs=int(self.epochs),
                batch_size=int(self.batch_size),
                verbose=self.verbose,
                rng=generator,
            )
        self.network_ = network
        self.loss_curve_ = list(history["loss"])
        self.n_iter_ = history.epochs

    def _outputs(self, x: Any) -> np.ndarray:
        """The network's raw outputs, in float64, for checked inputs ``x``."""
        check_is_fitted(self, "network_")
        x = validate_data(self, x, reset=False, dtype=[np.float64, np.float32])
        return self.network_.predict(x, batch_size=_PREDICT_BATCH).astype(np.float64)

    def __getstate__(self) -> dict[str, Any]:
        # A copy: BaseEstimator may hand back the instance's own __dict__.
        state = dict(super().__getstate__())
        network = state.get("network_")
        if network is not None and "training_config" in network.__dict__:
            # The optimizer keeps per-parameter state in a WeakKeyDictionary, which
            # cannot be pickled (joblib, GridSearchCV with n_jobs); a fitted estimator
            # only predicts, so its network travels without the optimizer.
            light = copy.copy(network)
            del light.__dict__["training_config"]
            state["network_"] = light
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags


class NeuralNetClassifier(ClassifierMixin, _NeuralNetEstimator):
    """A glassnet network as a scikit-learn classifier (softmax outputs, cross-entropy).

    Args:
        hidden_layers: units of each hidden Dense layer of the default perceptron.
        activation: the hidden layers' activation (``"relu"``, ``"tanh"``, ...).
        dropout: dropout rate after each hidden layer (0 = none).
        optimizer: an optimizer name (``"adam"``, ``"sgd"``, ``"adamw"``, ...).
        learning_rate: the optimizer's learning rate.
        batch_size: samples per gradient step.
        epochs: passes over the training data.
        weight_decay: L2 weight decay given to the optimizer.
        random_state: seed (or RandomState) for the weights, batches and dropout.
        module: another architecture: a glassnet module made of glassnet layers
            (rebuilt from its ``get_config()`` for every fit, never trained itself), or a
            callable ``module(n_features, n_outputs)`` returning a new module (for
            custom Module subclasses). Its output must have one value per class.
        verbose: 0 silent, 2 a line per epoch.

    Attributes:
        classes_: the class labels, sorted (any labels: strings, sparse integers).
        n_features_in_: features seen in ``fit``; ``feature_names_in_`` for DataFrames.
        network_: the trained glassnet module.
        loss_curve_: the training loss of each epoch; ``n_iter_``: epochs run.
    """

    _loss = "categorical_crossentropy"

    def fit(self, X: Any, y: Any) -> NeuralNetClassifier:
        """Train a new network on ``X`` (samples, features) and labels ``y``."""
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        self._train(X, encoded.astype(np.int64), len(self.classes_))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, one column per entry of ``classes_``."""
        return np.exp(self.predict_log_proba(X))

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """The logarithms of :meth:`predict_proba`, computed stably from the logits."""
        # The softmax is taken in float64 on the network's logits, so the
        # probabilities sum to 1 to float64 precision, not float32's.
        return stable_log_softmax(self._outputs(X), axis=-1)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each sample, as one of ``classes_``."""
        best = np.argmax(self.predict_log_proba(X), axis=1)
        return self.classes_[best]


class NeuralNetRegressor(RegressorMixin, _NeuralNetEstimator):
    """A glassnet network as a scikit-learn regressor (linear outputs, mean squared error).

    The targets are standardised (zero mean, unit variance) for training and the
    predictions brought back to the targets' units, as ``glassnet train`` does: a
    network learns targets in the hundreds badly. The inputs are used as given;
    put a ``StandardScaler`` before it in a ``Pipeline``. Arguments as for
    :class:`NeuralNetClassifier`; ``y`` may have several columns.

    Attributes:
        n_features_in_, feature_names_in_, network_, loss_curve_, n_iter_: as for the
        classifier; ``y_mean_``, ``y_scale_``: the targets' standardisation.
    """

    _loss = "mse"

    def fit(self, X: Any, y: Any) -> NeuralNetRegressor:
        """Train a new network on ``X`` (samples, features) and targets ``y``."""
        X, y = validate_data(
            self, X, y, dtype=[np.float64, np.float32], y_numeric=True, multi_output=True
        )
        y = np.asarray(y, dtype=np.float64)
        columns = y.reshape(len(y), -1)
        self.y_mean_ = columns.mean(axis=0)
        scale = columns.std(axis=0)
        self.y_scale_ = np.where(scale > 0, scale, 1.0)
        self._train(X, (columns - self.y_mean_) / self.y_scale_, columns.shape[1])
        self._y_ndim = y.ndim
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets, shaped like the ``y`` given to ``fit``."""
        values = self._outputs(X) * self.y_scale_ + self.y_mean_
        return values.ravel() if self._y_ndim == 1 else values

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
