"""Automatic differentiation: ``Tensor``, ``Function`` and the backward pass."""
