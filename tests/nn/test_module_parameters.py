"""What ``module.parameters()`` returns: a plain list that remembers its module."""

from __future__ import annotations

import doctest

import numpy as np

import glassnet as gn
from glassnet.nn import module_parameters


def test_parameters_is_a_list_equal_to_the_parameters_and_knows_its_module():
    net = gn.Sequential([gn.Dense(3), gn.Dense(1)])
    net(gn.Tensor(np.zeros((1, 2))))
    params = net.parameters()
    assert isinstance(params, list)
    assert params == [p for _, p in net.named_parameters()]
    assert params.module is net


def test_a_slice_or_copy_is_a_plain_list():
    net = gn.Sequential([gn.Dense(3)])
    net(gn.Tensor(np.zeros((1, 2))))
    assert type(net.parameters()[1:]) is list
    assert type(list(net.parameters())) is list


def test_docstring_examples():
    result = doctest.testmod(module_parameters)
    assert result.attempted > 0
    assert result.failed == 0
