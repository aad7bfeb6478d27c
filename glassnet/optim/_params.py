"""Where an optimizer finds its parameters: a fixed list, or a model asked every time.

A model's layers build lazily (their weights appear on the first forward pass), so
an optimizer made from a model before training must not take a snapshot of
``model.parameters()``: it asks again at every step. The list that
``model.parameters()`` returns remembers its model, so ``Adam(model.parameters())``,
the PyTorch way, is read from the model at every step too. Any other list or
generator of tensors is taken once, at construction.

Example:
    >>> import glassnet as gn
    >>> w = gn.Tensor([1.0], requires_grad=True)
    >>> ParameterSource([w, w]).current() == [w]
    True
"""

from __future__ import annotations

from typing import Any

from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError
from glassnet.nn.module_parameters import ModuleParameters


def _checked(items: Any, origin: str) -> list[Tensor]:
    """The tensors in ``items``, each once, in order; a ``ConfigError`` for anything else."""
    if isinstance(items, (str, bytes, dict)) or not hasattr(items, "__iter__"):
        raise ConfigError(
            f"{origin} must be an iterable of glassnet Tensors or an object with a "
            f".parameters() method, got {type(items).__name__}"
        )
    params: list[Tensor] = []
    seen: set[int] = set()
    for index, item in enumerate(items):
        if not isinstance(item, Tensor):
            raise ConfigError(
                f"{origin}: item {index} must be a glassnet Tensor, got {type(item).__name__}"
            )
        # A weight shared by two layers may be listed twice; it must be updated once.
        if id(item) in seen:
            continue
        seen.add(id(item))
        params.append(item)
    return params


class ParameterSource:
    """The parameters to update, re-read from a model at every call of :meth:`current`.

    Args:
        params: an iterable of Tensors, a single Tensor, any object with a
            ``parameters()`` method (a ``gn.nn.Module``), or what a module's
            ``parameters()`` returned (then read from that module every time).
    """

    def __init__(self, params: Any) -> None:
        self._owner: Any = None
        self._fixed: list[Tensor] = []
        # The owner's last answer, checked, with the identities it was checked for.
        self._checked_ids: tuple[int, ...] = ()
        if isinstance(params, Tensor):
            # A Tensor is iterable (over its rows), which would silently give the
            # optimizer fresh row tensors instead of the parameter itself.
            self._fixed = [params]
        elif callable(getattr(params, "parameters", None)):
            self._owner = params
        elif isinstance(params, ModuleParameters):
            # ``Adam(net.parameters())`` before the first forward pass: the list is
            # empty now, the weights come later, so the module is asked every time.
            self._owner = params.module
        else:
            self._fixed = _checked(params, "params")

    @property
    def is_dynamic(self) -> bool:
        """Whether the parameters are re-read from an object at every call."""
        return self._owner is not None

    def current(self) -> list[Tensor]:
        """The parameters as they are now, each once, in a stable order."""
        if self._owner is None:
            return list(self._fixed)
        given = self._owner.parameters()
        # Asked twice per training step: the same tensors as last time need no new
        # checks. ``_fixed`` holds them, so their ids cannot be reused meanwhile.
        if isinstance(given, list):
            ids = tuple(map(id, given))
            if ids == self._checked_ids:
                return list(self._fixed)
        checked = _checked(given, f"{type(self._owner).__name__}.parameters()")
        if isinstance(given, list) and len(checked) == len(given):
            self._fixed, self._checked_ids = checked, ids
        return checked


def collect_parameters(params: Any) -> list[Tensor]:
    """The tensors named by ``params`` (a Tensor, an iterable of them, or a model)."""
    return ParameterSource(params).current()
