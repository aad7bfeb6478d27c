"""Optimizers and schedules by name: the tables the CLI and ``compile``-style APIs use.

Each name is registered here, in one place, so that the list of valid names is
readable without running anything.

Example:
    >>> import glassnet as gn
    >>> w = gn.Tensor([1.0], requires_grad=True)
    >>> get_optimizer("adam", [w], lr=0.01).lr
    0.01
    >>> OPTIMIZERS.names()
    ['adagrad', 'adam', 'adamw', 'rmsprop', 'sgd']
"""

from __future__ import annotations

import inspect
from typing import Any

from glassnet.errors import ConfigError
from glassnet.optim.adagrad import Adagrad
from glassnet.optim.adam import Adam, AdamW
from glassnet.optim.optimizer import Optimizer
from glassnet.optim.plateau import ReduceLROnPlateau
from glassnet.optim.rmsprop import RMSprop
from glassnet.optim.schedules import CosineAnnealingLR, ExponentialLR, LRSchedule, StepLR
from glassnet.optim.sgd import SGD
from glassnet.registry import Registry

OPTIMIZERS: Registry[type[Optimizer]] = Registry("optimizer")
OPTIMIZERS.register("sgd")(SGD)
OPTIMIZERS.register("adam")(Adam)
OPTIMIZERS.register("adamw")(AdamW)
OPTIMIZERS.register("rmsprop")(RMSprop)
OPTIMIZERS.register("adagrad")(Adagrad)

SCHEDULES: Registry[type[LRSchedule]] = Registry("schedule")
SCHEDULES.register("step")(StepLR)
SCHEDULES.register("exponential")(ExponentialLR)
SCHEDULES.register("cosine")(CosineAnnealingLR)
SCHEDULES.register("plateau")(ReduceLROnPlateau)


def _check_settings(cls: type, first: str, settings: dict[str, Any]) -> None:
    """A ``ConfigError`` if ``settings`` has an unknown entry or lacks a required one."""
    parameters = inspect.signature(cls.__init__).parameters
    valid = [name for name in parameters if name not in ("self", first)]
    unknown = sorted(set(settings) - set(valid))
    if unknown:
        raise ConfigError(
            f"{cls.__name__} does not take the setting(s) {', '.join(unknown)}; "
            f"its settings are: {', '.join(valid)}"
        )
    required = [name for name in valid if parameters[name].default is inspect.Parameter.empty]
    absent = [name for name in required if name not in settings]
    if absent:
        raise ConfigError(f"{cls.__name__} needs the setting(s): {', '.join(absent)}")


def get_optimizer(name_or_instance: Any, params: Any = None, **settings: Any) -> Optimizer:
    """An optimizer from a name (``"adam"``), a class, or an existing instance.

    Args:
        name_or_instance: a registered name (see ``OPTIMIZERS.names()``), an
            ``Optimizer`` subclass, or an ``Optimizer``, which is returned as it is.
        params: Tensors or a model with ``parameters()``; needed unless an instance
            is given.
        **settings: the optimizer's keyword arguments (``lr=0.01``, ``momentum=0.9``).

    Raises:
        ConfigError: an unknown name (the message lists the valid ones), an unknown
            setting, settings given with an existing instance, or no ``params``.

    Example:
        >>> import glassnet as gn
        >>> get_optimizer("sgd", [gn.Tensor([1.0], requires_grad=True)], momentum=0.9).momentum
        0.9
    """
    return _build(OPTIMIZERS, Optimizer, name_or_instance, "params", params, settings)


def get_schedule(name_or_instance: Any, optimizer: Any = None, **settings: Any) -> LRSchedule:
    """A learning-rate schedule from a name (``"cosine"``), a class, or an instance.

    Args:
        name_or_instance: a registered name (see ``SCHEDULES.names()``), an
            ``LRSchedule`` subclass, or an ``LRSchedule``, which is returned as it is.
        optimizer: the optimizer to drive; needed unless an instance is given.
        **settings: the schedule's keyword arguments (``t_max=50``).

    Example:
        >>> import glassnet as gn
        >>> from glassnet.optim import SGD
        >>> optimizer = SGD([gn.Tensor([1.0], requires_grad=True)], lr=0.1)
        >>> get_schedule("step", optimizer, step_size=10)
        StepLR(step_size=10, gamma=0.1)
    """
    return _build(SCHEDULES, LRSchedule, name_or_instance, "optimizer", optimizer, settings)


def _build(
    registry: Registry, base: type, spec: Any, first: str, target: Any, settings: dict[str, Any]
) -> Any:
    """``spec`` (a name, a class or an instance of ``base``) made into an instance.

    ``target`` is the constructor's first argument (``params`` or ``optimizer``).
    """
    kind = registry.kind
    if isinstance(spec, base):
        if settings:
            raise ConfigError(
                f"settings {sorted(settings)} cannot be applied to an existing "
                f"{type(spec).__name__}; pass a name or set them when creating it"
            )
        return spec
    if isinstance(spec, type) and issubclass(spec, base):
        cls = spec
    elif isinstance(spec, str):
        cls = registry.get(spec)
    else:
        raise ConfigError(
            f"{kind} must be a name ({', '.join(registry.names())}) or an {base.__name__}, "
            f"got {type(spec).__name__}"
        )
    if target is None:
        what = "parameters to update" if first == "params" else "optimizer to drive"
        raise ConfigError(f"building the {kind} {cls.__name__} needs the {what}")
    _check_settings(cls, first, settings)
    return cls(target, **settings)
