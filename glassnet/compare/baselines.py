"""The scikit-learn baselines a network is compared with, and how big a fitted model is.

Models that depend on the scale of the features (linear models, k-nearest
neighbours, SVMs) get a ``StandardScaler`` in a ``Pipeline``, so the scaling is
fitted on each training fold only; trees and forests do not need it.

Example:
    >>> [name for name, _ in baselines("classification")]
    ['logistic regression', 'decision tree', 'k-nearest neighbours', 'random forest', 'SVM']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ConfigError

# scikit-learn is imported inside the functions: ``import glassnet`` stays quick.

TASKS = ("classification", "regression", "anomaly")


def _scaled(estimator: Any) -> Any:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), estimator)


def baselines(task: str, seed: int = 0) -> list[tuple[str, Any]]:
    """Unfitted baselines for ``task``, with scikit-learn's default settings.

    Args:
        task: ``"classification"``, ``"regression"`` or ``"anomaly"`` (a binary
            classification whose positive class is the rare anomaly: the supervised
            classifiers plus an unsupervised isolation forest, scored by ROC-AUC).
        seed: the ``random_state`` of the randomised models.

    Returns:
        ``(name, estimator)`` pairs, in the order of the comparison table.

    Raises:
        ConfigError: an unknown task.
    """
    from sklearn.ensemble import IsolationForest, RandomForestClassifier, RandomForestRegressor
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
    from sklearn.svm import SVC, SVR
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    if task == "regression":
        return [
            ("linear regression", _scaled(LinearRegression())),
            ("decision tree", DecisionTreeRegressor(random_state=seed)),
            ("k-nearest neighbours", _scaled(KNeighborsRegressor())),
            ("random forest", RandomForestRegressor(random_state=seed)),
            ("SVM", _scaled(SVR())),
        ]
    if task not in TASKS:
        raise ConfigError(f"task must be one of {TASKS}, got {task!r}")
    models: list[tuple[str, Any]] = [
        ("logistic regression", _scaled(LogisticRegression(max_iter=5000))),
        ("decision tree", DecisionTreeClassifier(random_state=seed)),
        ("k-nearest neighbours", _scaled(KNeighborsClassifier())),
        ("random forest", RandomForestClassifier(random_state=seed)),
        ("SVM", _scaled(SVC(random_state=seed))),
    ]
    if task == "anomaly":
        models.append(("isolation forest", IsolationForest(random_state=seed)))
    return models


def positive_scores(estimator: Any, x: np.ndarray) -> np.ndarray:
    """A score that grows with the chance that a sample is the positive class (the anomaly).

    Classifiers give their probability or decision value; an isolation forest,
    which never saw a label, gives the negated normality score (shorter paths are
    more anomalous).
    """
    from sklearn.ensemble import IsolationForest
    from sklearn.pipeline import Pipeline

    model = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    if isinstance(model, IsolationForest):
        return -estimator.score_samples(x)
    if hasattr(estimator, "decision_function"):
        return np.asarray(estimator.decision_function(x), dtype=float)
    return np.asarray(estimator.predict_proba(x), dtype=float)[:, 1]


def model_bytes(estimator: Any) -> int:
    """The bytes of the arrays a fitted scikit-learn model keeps in order to predict.

    Walks the estimator's attributes (and those of its steps, trees and search
    trees) and adds up every NumPy array once: coefficients, support vectors, tree
    nodes, the training samples a k-nearest-neighbours model stores. Settings and
    other scalars count nothing. No pickle: this is a measure, not a file.
    """
    from sklearn.base import BaseEstimator

    seen: dict[int, Any] = {}
    return _walk(estimator, seen, 0, BaseEstimator)


def _walk(value: Any, seen: dict[int, Any], depth: int, estimator_class: type) -> int:
    # ``seen`` keeps every visited object alive: the states read below are temporary,
    # and a freed object's id could be reused by the next one, hiding it.
    if depth > 12 or id(value) in seen:
        return 0
    if isinstance(value, np.ndarray):
        seen[id(value)] = value
        if value.dtype == object:
            return sum(_walk(item, seen, depth + 1, estimator_class) for item in value.ravel())
        return int(value.nbytes)
    if isinstance(value, (str, bytes, int, float, bool, type(None), np.generic)):
        return 0
    seen[id(value)] = value
    if isinstance(value, dict):
        return sum(_walk(item, seen, depth + 1, estimator_class) for item in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_walk(item, seen, depth + 1, estimator_class) for item in value)
    if isinstance(value, memoryview):
        return value.nbytes
    if isinstance(value, estimator_class):
        return sum(_walk(item, seen, depth + 1, estimator_class) for item in vars(value).values())
    state = getattr(value, "__getstate__", None)
    # scikit-learn's compiled objects (tree structures, KD-trees) expose their arrays
    # through their pickling state; reading it pickles nothing.
    if state is not None and type(value).__module__.startswith("sklearn"):
        return _walk(state(), seen, depth + 1, estimator_class)
    return 0
