"""``EvolutionStrategy``: training without gradients, by mutation and selection.

Gradient descent needs a loss that changes smoothly with the weights; a neuron with a
step activation has a gradient of zero almost everywhere, so gradient descent cannot
move it. An evolution strategy needs only the loss values: each generation it copies
the current weights (the *parent*) ``population`` times, adds Gaussian noise of scale
``sigma`` to every copy (*mutation*), measures each copy's loss, and builds the next
parent from the best few (*selection* and *recombination*).

The parameters are handled as one flat vector (kernel, then bias, layer by layer, in
``model.parameters()`` order), so any glassnet model can be evolved unchanged.

Example:
    >>> import numpy as np
    >>> import glassnet as gn
    >>> from glassnet.optim.evolution import EvolutionStrategy
    >>> w = gn.Tensor([3.0, -2.0], requires_grad=True)
    >>> es = EvolutionStrategy([w], population=20, sigma=0.5, rng=0)
    >>> for _ in range(40):
    ...     best = es.step(lambda: float(((w.data - 1.0) ** 2).sum()))
    >>> best < 0.01
    True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.function import no_grad
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.errors import ConfigError
from glassnet.optim import _validation as check
from glassnet.optim._params import ParameterSource

RECOMBINATIONS = ("mean", "best")


class EvolutionStrategy:
    """A (parent, population) evolution strategy over a model's flattened parameters.

    Args:
        model: a model with ``parameters()`` (asked again at each step, since layers
            build lazily), or an iterable of Tensors.
        population: offspring per generation, a positive integer.
        sigma: the mutation scale: the standard deviation of the Gaussian noise added
            to every parameter, a positive number.
        elite: how many of the best offspring are recombined into the next parent
            (default: a fifth of the population, at least 1).
        recombination: ``"mean"`` (the next parent is the average of the elite) or
            ``"best"`` (the next parent is the single best offspring).
        elitism: keep the best weights seen so far as parent whenever no new parent
            is better, so the loss never gets worse from one generation to the next.
        rng: a seed or ``numpy.random.Generator``; the same seed gives the same run.

    Attributes:
        evaluations: how many times ``loss_fn`` has been called.
        best_loss: the lowest loss found so far (None before the first step).
        generations: completed ``step()`` calls.
    """

    def __init__(
        self,
        model: Any,
        population: int = 50,
        sigma: float = 0.1,
        elite: int | None = None,
        recombination: str = "mean",
        elitism: bool = True,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self._source = ParameterSource(model)
        self.population = check.positive_int("EvolutionStrategy population", population)
        self.sigma = check.positive_number("EvolutionStrategy sigma", sigma)
        if elite is None:
            elite = max(1, self.population // 5)
        self.elite = check.positive_int("EvolutionStrategy elite", elite)
        if self.elite > self.population:
            raise ConfigError(
                f"EvolutionStrategy elite must be at most the population ({self.population}), "
                f"got {elite!r}"
            )
        self.recombination = check.choice(
            "EvolutionStrategy recombination", recombination, RECOMBINATIONS
        )
        self.elitism = check.flag("EvolutionStrategy elitism", elitism)
        if rng is not None and not isinstance(rng, (int, np.integer, np.random.Generator)):
            raise ConfigError(
                f"EvolutionStrategy rng must be a seed (int) or a numpy Generator, got {rng!r}"
            )
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        self.evaluations = 0
        self.generations = 0
        self.best_loss: float | None = None
        self._best: np.ndarray | None = None
        self._parent: np.ndarray | None = None
        self._parent_loss = math.inf

    def __repr__(self) -> str:
        return (
            f"EvolutionStrategy(population={self.population}, sigma={self.sigma!r}, "
            f"elite={self.elite}, recombination={self.recombination!r}, "
            f"elitism={self.elitism})"
        )

    # -- the flat parameter vector --------------------------------------------------

    def _parameters(self, loss_fn: Callable[[], Any]) -> list[Tensor]:
        params = self._source.current()
        if not params:
            # A lazy model has no weights before its first forward pass: run one.
            loss_fn()
            self.evaluations += 1
            params = self._source.current()
        if not params:
            raise ConfigError("EvolutionStrategy: the model has no parameters to evolve, got none")
        return params

    @staticmethod
    def _flatten(params: list[Tensor]) -> np.ndarray:
        # float64 for the search itself: tiny mutations must not round away.
        return np.concatenate(
            [np.asarray(backend.to_numpy(p.data), dtype=np.float64).ravel() for p in params]
        )

    @staticmethod
    def _write(params: list[Tensor], vector: np.ndarray) -> None:
        start = 0
        for param in params:
            size = param.data.size
            chunk = vector[start : start + size].reshape(param.data.shape)
            # The search runs on the host; each candidate's weights go to the model's device.
            param.data[...] = backend.to_device_of(
                chunk.astype(param.data.dtype, copy=False), param.data
            )
            start += size

    def _evaluate(self, params: list[Tensor], vector: np.ndarray, loss_fn: Callable[[], Any]):
        self._write(params, vector)
        value = loss_fn()
        self.evaluations += 1
        loss = float(value.item() if isinstance(value, Tensor) else value)
        # A diverging candidate must lose the selection, not poison the sort.
        return loss if math.isfinite(loss) else math.inf

    # -- one generation ---------------------------------------------------------------

    def step(self, loss_fn: Callable[[], Any]) -> float:
        """Run one generation; leave the best weights found so far in the model.

        Args:
            loss_fn: computes the loss of the model's *current* weights (a number or
                a one-element Tensor); it is called ``population`` (+1 or 2) times.

        Returns:
            The lowest loss found so far.
        """
        params = self._parameters(loss_fn)
        current = self._flatten(params)
        if self._parent is None or self._parent.shape != current.shape:
            self._parent = current
            self._parent_loss = self._evaluate(params, current, loss_fn)
            self._best, self.best_loss = current.copy(), self._parent_loss
        noise = self.rng.standard_normal((self.population, current.size))
        offspring = self._parent + self.sigma * noise
        losses = np.array([self._evaluate(params, child, loss_fn) for child in offspring])
        # A stable sort keeps ties in birth order, so runs are reproducible.
        order = np.argsort(losses, kind="stable")
        if losses[order[0]] < self.best_loss:
            self._best, self.best_loss = offspring[order[0]].copy(), float(losses[order[0]])
        if self.recombination == "best":
            parent, parent_loss = offspring[order[0]], float(losses[order[0]])
        else:
            parent = offspring[order[: self.elite]].mean(axis=0)
            parent_loss = self._evaluate(params, parent, loss_fn)
            if parent_loss < self.best_loss:
                self._best, self.best_loss = parent.copy(), parent_loss
        if self.elitism and self.best_loss < parent_loss:
            parent, parent_loss = self._best.copy(), self.best_loss
        self._parent, self._parent_loss = parent, parent_loss
        self._write(params, self._best)
        self.generations += 1
        return self.best_loss


@dataclass
class EvolutionResult:
    """What :func:`evolve` returns.

    Attributes:
        history: the best loss after each generation (never increasing).
        evaluations: how many times the loss was computed in all.
        best_loss: the final best loss (``history[-1]``).
    """

    history: list[float]
    evaluations: int
    best_loss: float


def evolve(
    model: Any,
    x: Any,
    y: Any,
    loss: Any,
    generations: int = 100,
    **options: Any,
) -> EvolutionResult:
    """Train ``model`` on ``(x, y)`` by evolution for ``generations`` generations.

    Args:
        model: a glassnet model (a callable Module with ``parameters()``).
        x, y: the inputs and targets, evaluated as one batch.
        loss: a loss name (``"mse"``) or object (``gn.BinaryCrossEntropy()``).
        generations: how many generations to run, a positive integer.
        **options: passed on to :class:`EvolutionStrategy` (population, sigma, rng…).

    Returns:
        An :class:`EvolutionResult`; the model keeps the best weights found.

    Example:
        >>> import numpy as np
        >>> import glassnet as gn
        >>> x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], np.float32)
        >>> y = np.array([[0.0], [0.0], [0.0], [1.0]], np.float32)   # AND
        >>> neuron = gn.Dense(1, activation="step", rng=0)
        >>> result = evolve(neuron, x, y, "mse", generations=30, sigma=0.5,
        ...                 recombination="best", rng=0)
        >>> result.best_loss
        0.0
    """
    from glassnet.nn.losses import get_loss

    generations = check.positive_int("evolve generations", generations)
    loss_object = get_loss(loss)
    inputs, targets = as_tensor(x), as_tensor(y)
    device = getattr(model, "device", None)
    if device is not None:  # moved once, not at each of the many evaluations
        inputs, targets = inputs.to(device), targets.to(device)

    def loss_fn() -> float:
        with no_grad():
            return float(loss_object(model(inputs), targets).item())

    strategy = EvolutionStrategy(model, **options)
    history = [strategy.step(loss_fn) for _ in range(generations)]
    return EvolutionResult(history, strategy.evaluations, history[-1])
