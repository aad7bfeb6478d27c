"""``python -m glassnet`` runs the command line."""

from glassnet.cli import entry_point

entry_point()
