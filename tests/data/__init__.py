"""Tests for glassnet.data."""
