"""Tests for glassnet.cli: the ``glassnet`` command."""
