"""All parameters of an optimizer laid end to end in one array, updated by one call.

Why: an elementwise update (SGD, Adam, RMSprop, Adagrad) does the same arithmetic on
every number, so one update over a flat array equals one update per parameter. Per
parameter, a step pays the Python and kernel-launch overhead once per tensor (about
10 µs for Adam); a small tabular network spends more time on that than on its
arithmetic. Flat, the whole model is updated by one call.

How: on the first step, the parameters' values are copied into one array and each
parameter's ``data`` becomes a view into it (PyTorch's ``flatten_parameters`` does
the same for its RNN weights). Each step, the gradients are copied into a second
flat array (clipping has already made private copies where it applies), and the
optimizer's per-parameter arrays (Adam's moments) are views into flat arrays too,
so ``optimizer.state``, ``state_dict`` and ``load_state_dict`` work as before.

The group is rebuilt whenever something changed behind its back: a parameter was
added or dropped, a parameter's ``data`` was replaced by another array, or the
optimizer's state was reloaded. Where parameters cannot share one array (different
dtypes or array libraries, different step counts), the optimizer updates them one
by one instead.

A consequence to know: hold the parameter tensor, not its ``data`` array, across an
optimizer step; the array a parameter had before its first step is replaced by a view
holding the same numbers.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import TYPE_CHECKING

from glassnet.backend import Array, get_array_module

if TYPE_CHECKING:
    from glassnet.autograd.tensor import Tensor
    from glassnet.optim.optimizer import ParameterState


class FlatGroup:
    """Parameters sharing one flat data array, one flat gradient and flat slot arrays.

    Build with :meth:`build`; it returns None where the parameters cannot share arrays.
    """

    def __init__(
        self,
        params: Sequence[Tensor],
        states: list[ParameterState],
        state_table: MutableMapping[Tensor, ParameterState],
        flat_state: ParameterState,
    ) -> None:
        xp = get_array_module(params[0].data)
        sizes = [p.data.size for p in params]
        self.params = tuple(params)
        self.states = states
        self.state_table = state_table
        self.state = flat_state
        self.data = xp.concatenate([p.data.reshape(-1) for p in params])
        self.grad = xp.empty_like(self.data)
        self._bounds: list[tuple[int, int]] = []
        start = 0
        for size in sizes:
            self._bounds.append((start, start + size))
            start += size
        self._shapes = [p.data.shape for p in params]
        self._data_views = [self._view(self.data, i) for i in range(len(params))]
        for param, view in zip(params, self._data_views, strict=True):
            param.data = view
        self._grad_views = [self._view(self.grad, i) for i in range(len(params))]
        self._shared_slots: set[str] = set()
        self.share_new_slots()

    @classmethod
    def build(
        cls,
        params: Sequence[Tensor],
        state_table: MutableMapping[Tensor, ParameterState],
        new_state: type[ParameterState],
    ) -> FlatGroup | None:
        """A group over ``params``, or None if they cannot share one array.

        Args:
            params: the parameters to update together (each has a gradient).
            state_table: the optimizer's per-parameter states; a parameter without
                one gets a fresh state.
            new_state: the state class, to make fresh states and the flat one.
        """
        if not params:
            return None
        first = params[0].data
        xp = get_array_module(first)
        if first.dtype.kind != "f":
            return None
        for param in params:
            data = param.data
            if get_array_module(data) is not xp or data.dtype != first.dtype:
                return None
        existing = [state_table.get(p) for p in params]
        if any(s is None for s in existing):
            if any(s is not None for s in existing):
                return None  # some parameters are new: their step counts differ
            states = [new_state() for _ in params]
            for param, state in zip(params, states, strict=True):
                state_table[param] = state
            flat_state = new_state()
        else:
            states = existing  # type: ignore[assignment]
            step = states[0].step
            names = set(states[0].slots)
            for state in states:
                if state.step != step or set(state.slots) != names:
                    return None
            flat_state = new_state(step=step)
            for name in names:
                flat_state.slots[name] = xp.concatenate(
                    [state.slots[name].reshape(-1) for state in states]
                ).astype(first.dtype, copy=False)
        return cls(params, states, state_table, flat_state)

    def _view(self, flat: Array, index: int) -> Array:
        start, stop = self._bounds[index]
        return flat[start:stop].reshape(self._shapes[index])

    def matches(
        self, params: Sequence[Tensor], state_table: MutableMapping[Tensor, ParameterState]
    ) -> bool:
        """Whether ``params`` are still exactly this group's, viewing its arrays."""
        if state_table is not self.state_table or len(params) != len(self.params):
            return False
        for param, own, view in zip(params, self.params, self._data_views, strict=True):
            if param is not own or param.data is not view:
                return False
        return True

    def load_gradients(self, grads: Sequence[Array]) -> None:
        """Copy each parameter's gradient into the flat gradient array."""
        xp = get_array_module(self.grad)
        for view, grad in zip(self._grad_views, grads, strict=True):
            xp.copyto(view, grad)

    def count_step(self) -> None:
        """One more update for every parameter (and for the flat state)."""
        for state in self.states:
            state.step += 1
        self.state.step += 1

    def share_new_slots(self) -> None:
        """Point each parameter's state at its part of any flat slot created since."""
        for name, flat in self.state.slots.items():
            if name in self._shared_slots:
                continue
            for index, state in enumerate(self.states):
                state.slots[name] = self._view(flat, index)
            self._shared_slots.add(name)
