"""Gradient-descent optimizers, gradient clipping and learning-rate schedules.

Example:
    >>> import glassnet as gn
    >>> from glassnet import optim
    >>> w = gn.Tensor([3.0], requires_grad=True)
    >>> optimizer = optim.SGD([w], lr=0.25)
    >>> for _ in range(20):
    ...     optimizer.zero_grad()
    ...     ((w - 1.0) ** 2).sum().backward()
    ...     optimizer.step()
    >>> round(w.item(), 4)
    1.0
"""

from glassnet.optim.adagrad import Adagrad as Adagrad
from glassnet.optim.adam import Adam as Adam
from glassnet.optim.adam import AdamW as AdamW
from glassnet.optim.clipping import clip_grad_norm as clip_grad_norm
from glassnet.optim.clipping import clip_grad_value as clip_grad_value
from glassnet.optim.evolution import EvolutionResult as EvolutionResult
from glassnet.optim.evolution import EvolutionStrategy as EvolutionStrategy
from glassnet.optim.evolution import evolve as evolve
from glassnet.optim.factory import OPTIMIZERS as OPTIMIZERS
from glassnet.optim.factory import SCHEDULES as SCHEDULES
from glassnet.optim.factory import get_optimizer as get_optimizer
from glassnet.optim.factory import get_schedule as get_schedule
from glassnet.optim.loss_scaler import LossScaler as LossScaler
from glassnet.optim.optimizer import Optimizer as Optimizer
from glassnet.optim.optimizer import ParameterState as ParameterState
from glassnet.optim.plateau import ReduceLROnPlateau as ReduceLROnPlateau
from glassnet.optim.rmsprop import RMSprop as RMSprop
from glassnet.optim.schedules import CosineAnnealingLR as CosineAnnealingLR
from glassnet.optim.schedules import ExponentialLR as ExponentialLR
from glassnet.optim.schedules import LRSchedule as LRSchedule
from glassnet.optim.schedules import StepLR as StepLR
from glassnet.optim.sgd import SGD as SGD

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "EvolutionResult",
    "EvolutionStrategy",
    "ExponentialLR",
    "LRSchedule",
    "LossScaler",
    "Optimizer",
    "ParameterState",
    "RMSprop",
    "ReduceLROnPlateau",
    "StepLR",
    "clip_grad_norm",
    "clip_grad_value",
    "evolve",
    "get_optimizer",
    "get_schedule",
]
