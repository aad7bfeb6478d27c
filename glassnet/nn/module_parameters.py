"""``ModuleParameters``: what ``module.parameters()`` returns — a list that knows its module.

A model built the README's way has no weights before its first forward pass, so the
list a PyTorch user hands to an optimizer (``gn.Adam(net.parameters())``) is empty at
that moment. Because this list remembers the module it came from, an optimizer given
it asks the module again at every step, exactly as one given the module itself does,
and so trains the weights that the first forward pass creates.

Everything else sees a plain ``list`` (indexing, ``len``, equality, iteration). A
slice or a copy (``list(...)``, ``params[1:]``) is a plain list and is taken as it is.

Example:
    >>> import glassnet as gn
    >>> net = gn.Sequential([gn.Dense(2)])
    >>> params = net.parameters()
    >>> params, params.module is net
    ([], True)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class ModuleParameters(list):
    """The parameters of ``module`` as they were when asked for, and the module itself.

    Args:
        module: the module whose ``parameters()`` this is.
        parameters: its parameters, in ``named_parameters()`` order.
    """

    __slots__ = ("module",)

    def __init__(self, module: Any, parameters: Iterable[Any] = ()) -> None:
        super().__init__(parameters)
        self.module = module
