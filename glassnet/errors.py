"""The exceptions glassnet raises for a user's mistake.

Every message says what was wrong, where, what was expected and what was received.
They subclass the built-in exception a Python user would expect (``ValueError`` for a
bad value, ``KeyError`` is avoided because it quotes its message), so ``except
ValueError`` keeps working, and ``GlassnetError`` catches them all (the CLI does).
"""

from __future__ import annotations


class GlassnetError(Exception):
    """Base class of every error glassnet raises for a user's mistake."""


class ShapeError(GlassnetError, ValueError):
    """An array or tensor has a shape the operation cannot accept."""


class ConfigError(GlassnetError, ValueError):
    """A setting (a name, a number, an option) is not valid."""


class DataError(GlassnetError, ValueError):
    """User data (an array, a file, a column) cannot be used as given."""


class GradientError(GlassnetError, RuntimeError):
    """The backward pass produced something inconsistent (a wrong gradient shape)."""


class GradcheckError(GlassnetError, AssertionError):
    """``gradcheck`` found analytic gradients that disagree with numerical ones."""
