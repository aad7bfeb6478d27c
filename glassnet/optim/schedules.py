"""Learning-rate schedules: change ``optimizer.lr`` once per epoch.

Call ``schedule.step()`` at the end of every epoch (after the optimizer's steps),
as in PyTorch. The schedules here are closed-form: ``lr_at(epoch)`` gives the
learning rate of any epoch without running the others, so the whole curve can be
printed before training, and the state is just the epoch counter.
:class:`~glassnet.optim.plateau.ReduceLROnPlateau` instead reacts to a measured metric.

Example:
    >>> import glassnet as gn
    >>> from glassnet.optim import SGD
    >>> optimizer = SGD([gn.Tensor([1.0], requires_grad=True)], lr=0.1)
    >>> schedule = StepLR(optimizer, step_size=2, gamma=0.5)
    >>> [round(schedule.lr_at(epoch), 4) for epoch in range(5)]
    [0.1, 0.1, 0.05, 0.05, 0.025]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from glassnet.errors import ConfigError
from glassnet.optim import _validation as check


class LRSchedule:
    """Base class: owns the optimizer link, the epoch counter and saving/restoring.

    Args:
        optimizer: anything with a settable ``lr`` (every glassnet optimizer).

    Subclass contract: store each constructor argument (after ``optimizer``) as an
    attribute of the same name and list it in ``get_config``; closed-form schedules
    implement ``lr_at``.
    """

    #: Whether ``step`` needs the monitored metric (``ReduceLROnPlateau``) or not.
    requires_metric = False

    def __init__(self, optimizer: Any) -> None:
        if not hasattr(optimizer, "lr"):
            raise ConfigError(
                f"{type(self).__name__} needs an optimizer with an 'lr', "
                f"got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        #: The learning rate at epoch 0: the optimizer's when the schedule was made.
        self.base_lr = float(optimizer.lr)
        #: Completed epochs, i.e. calls of ``step()``.
        self.epoch = 0

    @property
    def lr(self) -> float:
        """The optimizer's current learning rate."""
        return float(self.optimizer.lr)

    def lr_at(self, epoch: int) -> float:
        """The learning rate this schedule gives for ``epoch`` (0 = before any step)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement lr_at")

    def step(self) -> None:
        """End an epoch: advance the counter and set the optimizer's learning rate."""
        self.epoch += 1
        self.optimizer.lr = self.lr_at(self.epoch)

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments after ``optimizer``, JSON-serialisable."""
        return {}

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={value!r}" for name, value in self.get_config().items())
        return f"{type(self).__name__}({settings})"

    # -- saving and restoring ----------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """The schedule's state as a plain JSON-serialisable dict."""
        return {
            "type": type(self).__name__,
            "config": self.get_config(),
            "epoch": self.epoch,
            "base_lr": self.base_lr,
            "lr": self.lr,
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned, the optimizer's learning rate included.

        Nothing changes if anything in ``state`` is wrong (a ``ConfigError`` says what).
        """
        name = type(self).__name__
        if not isinstance(state, Mapping):
            raise ConfigError(f"{name}.load_state_dict expects a dict, got {type(state).__name__}")
        required = {"type", "config", "epoch", "base_lr", "lr", *self._extra_state()}
        missing = sorted(required - set(state))
        if missing:
            raise ConfigError(f"{name} state is missing the entries: {', '.join(missing)}")
        if state["type"] != name:
            raise ConfigError(
                f"this state was saved by the schedule {state['type']}; "
                f"it cannot be loaded into {name}"
            )
        config = state["config"]
        if not isinstance(config, Mapping) or set(config) != set(self.get_config()):
            raise ConfigError(
                f"{name} state: config must have the entries {sorted(self.get_config())}, "
                f"got {config!r}"
            )
        # A twin built from the saved config runs exactly the constructor's checks;
        # the constructor does not change the optimizer.
        probe = type(self)(self.optimizer, **config)
        epoch = check.non_negative_int("epoch", state["epoch"])
        base_lr = check.non_negative_number("base_lr", state["base_lr"])
        lr = check.non_negative_number("learning rate", state["lr"])
        extra = self._checked_extra_state(state)
        for key in config:
            setattr(self, key, getattr(probe, key))
        self.epoch = epoch
        self.base_lr = base_lr
        for key, value in extra.items():
            setattr(self, key, value)
        self.optimizer.lr = lr

    def _extra_state(self) -> dict[str, Any]:
        """Further JSON-serialisable entries of the state (ReduceLROnPlateau's counters)."""
        return {}

    def _checked_extra_state(self, state: Mapping[str, Any]) -> dict[str, Any]:
        """The further entries of a saved ``state``, checked, as attribute name -> value."""
        return {}


class StepLR(LRSchedule):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    ``lr(epoch) = base_lr * gamma ** (epoch // step_size)``

    Args:
        optimizer: the optimizer whose ``lr`` is set.
        step_size: epochs between reductions (a positive integer).
        gamma: the factor applied at each reduction (> 0).

    Example:
        >>> import glassnet as gn
        >>> from glassnet.optim import SGD
        >>> optimizer = SGD([gn.Tensor([1.0], requires_grad=True)], lr=1.0)
        >>> schedule = StepLR(optimizer, step_size=1, gamma=0.5)
        >>> schedule.step()
        >>> optimizer.lr
        0.5
    """

    def __init__(self, optimizer: Any, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = check.positive_int("step_size", step_size)
        self.gamma = check.positive_number("gamma", gamma)

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)

    def get_config(self) -> dict[str, Any]:
        return {"step_size": self.step_size, "gamma": self.gamma}


class ExponentialLR(LRSchedule):
    """Multiply the learning rate by ``gamma`` every epoch.

    ``lr(epoch) = base_lr * gamma ** epoch``

    Args:
        optimizer: the optimizer whose ``lr`` is set.
        gamma: the factor applied each epoch (> 0).

    Example:
        >>> import glassnet as gn
        >>> from glassnet.optim import SGD
        >>> optimizer = SGD([gn.Tensor([1.0], requires_grad=True)], lr=1.0)
        >>> ExponentialLR(optimizer, gamma=0.9).lr_at(2)
        0.81
    """

    def __init__(self, optimizer: Any, gamma: float) -> None:
        super().__init__(optimizer)
        self.gamma = check.positive_number("gamma", gamma)

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma**epoch

    def get_config(self) -> dict[str, Any]:
        return {"gamma": self.gamma}


class CosineAnnealingLR(LRSchedule):
    """Follow half a cosine from ``base_lr`` down to ``eta_min`` over ``t_max`` epochs.

    ``lr(epoch) = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / t_max)) / 2``

    As in PyTorch, the formula is not clamped: after ``t_max`` epochs the learning
    rate climbs back along the cosine. Set ``t_max`` to the number of epochs.

    Args:
        optimizer: the optimizer whose ``lr`` is set.
        t_max: epochs from ``base_lr`` to ``eta_min`` (a positive integer).
        eta_min: the smallest learning rate (>= 0).

    Example:
        >>> import glassnet as gn
        >>> from glassnet.optim import SGD
        >>> optimizer = SGD([gn.Tensor([1.0], requires_grad=True)], lr=1.0)
        >>> schedule = CosineAnnealingLR(optimizer, t_max=2)
        >>> [round(schedule.lr_at(epoch), 4) for epoch in range(3)]
        [1.0, 0.5, 0.0]
    """

    def __init__(self, optimizer: Any, t_max: int, eta_min: float = 0.0) -> None:
        super().__init__(optimizer)
        self.t_max = check.positive_int("t_max", t_max)
        self.eta_min = check.non_negative_number("eta_min", eta_min)

    def lr_at(self, epoch: int) -> float:
        cosine = math.cos(math.pi * epoch / self.t_max)
        return self.eta_min + (self.base_lr - self.eta_min) * (1.0 + cosine) / 2.0

    def get_config(self) -> dict[str, Any]:
        return {"t_max": self.t_max, "eta_min": self.eta_min}
