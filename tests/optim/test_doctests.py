"""The examples in glassnet.optim's docstrings run and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "glassnet.optim",
    "glassnet.optim._params",
    "glassnet.optim._validation",
    "glassnet.optim.adagrad",
    "glassnet.optim.adam",
    "glassnet.optim.clipping",
    "glassnet.optim.evolution",
    "glassnet.optim.factory",
    "glassnet.optim.optimizer",
    "glassnet.optim.plateau",
    "glassnet.optim.rmsprop",
    "glassnet.optim.schedules",
    "glassnet.optim.sgd",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
