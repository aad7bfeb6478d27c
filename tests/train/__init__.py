"""Tests for glassnet.train."""
