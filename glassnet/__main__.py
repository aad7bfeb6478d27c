"""``python -m glassnet``: the command line (its entry point is the top floor, ``cli``)."""

from .cli import entry_point

entry_point()
