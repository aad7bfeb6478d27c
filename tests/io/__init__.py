"""Tests for glassnet.io."""
