"""Tests for glassnet.train.callbacks."""
