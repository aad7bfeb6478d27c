"""The two GAN objectives, written on the discriminator's raw scores (logits).

With D(x) = sigmoid(logit), the discriminator minimises

    d_loss = BCE(D(real), 1 - s) + BCE(D(fake), 0)

where s is one-sided label smoothing (only the real labels move, as Salimans et al.
2016 recommend: smoothing the fake labels too rewards the generator for staying put).
The generator minimises either

    "minimax":         mean(log(1 - D(G(z))))   = -BCE(D(G(z)), 0)   (Goodfellow 2014)
    "non_saturating":  -mean(log D(G(z)))       =  BCE(D(G(z)), 1)

The minimax form's gradient vanishes while D confidently rejects the fakes (early
training), which is why the non-saturating form is the default.

Example:
    >>> import glassnet as gn
    >>> round(generator_loss(gn.Tensor([[0.0]]), "non_saturating").item(), 4)  # log 2
    0.6931
    >>> round(generator_loss(gn.Tensor([[0.0]]), "minimax").item(), 4)
    -0.6931
"""

from __future__ import annotations

from glassnet import ops
from glassnet.autograd.tensor import Tensor
from glassnet.backend import get_array_module
from glassnet.errors import ConfigError

GAN_LOSSES = ("non_saturating", "minimax")


def check_loss_name(loss: object) -> str:
    """Return ``loss`` if it names a GAN objective, else raise a ``ConfigError``."""
    if loss not in GAN_LOSSES:
        raise ConfigError(f"GAN loss must be one of {list(GAN_LOSSES)}, got {loss!r}")
    return str(loss)


def check_label_smoothing(value: object) -> float:
    """Return ``value`` as a float in [0, 1), else raise a ``ConfigError``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ConfigError(f"label_smoothing must be a number in [0, 1), got {value!r}")
    return float(value)


def _filled(like: Tensor, value: float) -> Tensor:
    """A constant target with the logits' shape and dtype (no broadcasting surprises)."""
    xp = get_array_module(like.data)
    return Tensor._wrap(xp.full(like.shape, value, dtype=like.dtype))


def discriminator_loss(
    real_logits: Tensor, fake_logits: Tensor, label_smoothing: float = 0.0
) -> Tensor:
    """BCE on real samples (target 1 - label_smoothing) plus BCE on fakes (target 0).

    Args:
        real_logits: the discriminator's scores on real samples, shape (N, 1).
        fake_logits: its scores on generated samples, shape (M, 1).
        label_smoothing: s in [0, 1); the real targets become 1 - s.

    Returns:
        A scalar tensor.
    """
    real_target = _filled(real_logits, 1.0 - label_smoothing)
    fake_target = _filled(fake_logits, 0.0)
    real = ops.sigmoid_binary_cross_entropy(real_logits, real_target)
    fake = ops.sigmoid_binary_cross_entropy(fake_logits, fake_target)
    return real + fake


def generator_loss(fake_logits: Tensor, loss: str = "non_saturating") -> Tensor:
    """The generator's objective on the discriminator's scores of its samples.

    Args:
        fake_logits: the discriminator's scores on generated samples, shape (M, 1).
        loss: ``"non_saturating"`` (-mean log D) or ``"minimax"`` (mean log(1 - D)).

    Returns:
        A scalar tensor.
    """
    check_loss_name(loss)
    if loss == "minimax":
        # log(1 - sigmoid(l)) = -BCE(l, 0): the fused op stays exact for any logit.
        return -ops.sigmoid_binary_cross_entropy(fake_logits, _filled(fake_logits, 0.0))
    return ops.sigmoid_binary_cross_entropy(fake_logits, _filled(fake_logits, 1.0))
