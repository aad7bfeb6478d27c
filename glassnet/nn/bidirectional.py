"""``Bidirectional``: a recurrent layer run forwards and a copy of it run backwards.

Both read the whole sequence, one from the first step and one from the last; their
outputs are merged (concatenated by default), so each step's output sees both its
past and its future. With ``return_sequences`` the backward half is aligned with the
input (``out[:, t]`` holds both halves' state after reading step t), as in Keras and
PyTorch. Masks are honoured by both halves: with post-padding the backward half
starts at each sequence's last real step.

Weights: ``forward_layer.*`` and ``backward_layer.*``, each the wrapped layer's own.

Example:
    >>> import numpy as np, glassnet as gn
    >>> layer = gn.Bidirectional(gn.GRU(4, return_sequences=True))
    >>> layer(gn.Tensor(np.zeros((2, 5, 3)))).shape
    (2, 5, 8)
"""

from __future__ import annotations

from typing import Any

from glassnet import ops
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError
from glassnet.nn.layers_registry import LAYERS, layer_from_config
from glassnet.nn.masking import attach_mask, get_mask
from glassnet.nn.module import Module
from glassnet.nn.recurrent import _Recurrent

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


@LAYERS.register("Bidirectional")
class Bidirectional(Module):
    """Runs ``layer`` forwards and a copy backwards, and merges their outputs.

    Args:
        layer: a SimpleRNN, LSTM or GRU (its config, not its weights, is copied), or its
            saved description ``{"class": ..., "config": ...}``.
        merge_mode: ``"concat"`` (features side by side, forward first), ``"sum"``,
            ``"mul"``, ``"ave"``, or None (return ``[forward, backward]``).
        name: a display name.

    With ``return_state`` the result is ``[output, *forward_states, *backward_states]``,
    and ``initial_state`` takes the forward states followed by the backward ones.
    """

    def __init__(self, layer: Any, merge_mode: str | None = "concat", name: str | None = None):
        super().__init__(name)
        if isinstance(layer, dict):
            layer = layer_from_config(layer)
        if not isinstance(layer, _Recurrent):
            raise ConfigError(
                f"Bidirectional wraps a SimpleRNN, LSTM or GRU layer, got {type(layer).__name__}"
            )
        if merge_mode not in MERGE_MODES:
            raise ConfigError(
                f"Bidirectional merge_mode must be one of {MERGE_MODES}, got {merge_mode!r}"
            )
        self.merge_mode = merge_mode
        config = layer.get_config()
        self.forward_layer = layer
        backward_config = {
            **config,
            "go_backwards": not layer.go_backwards,
            "name": f"{layer.name}_backward",
        }
        self.backward_layer = type(layer).from_config(backward_config)
        if layer.rng is not None:
            self.backward_layer.rng = layer.rng

    def forward(self, x: Any, mask: Any = None, initial_state: Any = None) -> Any:
        if mask is None:
            mask = get_mask(x)
        forward_states = backward_states = None
        if initial_state is not None:
            count = len(self.forward_layer.state_names)
            states = list(initial_state)
            if len(states) != 2 * count:
                raise ConfigError(
                    f"Bidirectional '{self.name}' takes {2 * count} initial states (forward "
                    f"then backward), got {len(states)}"
                )
            forward_states, backward_states = states[:count], states[count:]
        ahead = self.forward_layer(x, mask=mask, initial_state=forward_states)
        behind = self.backward_layer(x, mask=mask, initial_state=backward_states)
        states: list[Tensor] = []
        if self.forward_layer.return_state:
            states = [*ahead[1:], *behind[1:]]
            ahead, behind = ahead[0], behind[0]
        merged = self._merge(ahead, behind)
        if self.forward_layer.return_sequences and isinstance(merged, Tensor):
            attach_mask(merged, get_mask(ahead))
        return [merged, *states] if states else merged

    def _merge(self, ahead: Tensor, behind: Tensor) -> Any:
        if self.merge_mode == "concat":
            return ops.concatenate([ahead, behind], axis=-1)
        if self.merge_mode == "sum":
            return ahead + behind
        if self.merge_mode == "mul":
            return ahead * behind
        if self.merge_mode == "ave":
            return (ahead + behind) * 0.5
        return [ahead, behind]

    def get_config(self) -> dict[str, Any]:
        return {
            "layer": {
                "class": LAYERS.name_of(type(self.forward_layer)),
                "config": self.forward_layer.get_config(),
            },
            "merge_mode": self.merge_mode,
            "name": self.name,
        }
