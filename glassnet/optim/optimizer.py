"""``Optimizer``: the base class that turns gradients into parameter updates.

A subclass writes one method, ``_update(data, grad, state)``, which changes the
parameter array ``data`` in place from its gradient ``grad`` and the per-parameter
``state`` (a step count and named arrays such as Adam's moments). This base class
does everything around it: finding the parameters (again at every step, since a
model's layers build lazily), skipping those without a gradient, clipping,
counting steps, and saving/restoring the state.

Two rules every update follows:

* ``p.grad`` is read, never written: a gradient array may be shared with another
  tensor. Clipping and weight decay work on private arrays.
* ``p.data`` is updated in place with ``out=``/in-place ufuncs into a reused
  workspace, because an optimizer's cost is its passes over memory, and a fresh
  temporary per operation adds both passes and page faults.

Example:
    >>> import glassnet as gn
    >>> from glassnet.optim import SGD
    >>> w = gn.Tensor([1.0, 2.0], requires_grad=True)
    >>> optimizer = SGD([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> optimizer.step()
    >>> [round(value, 4) for value in w.data.tolist()]   # w - 0.1 * 2w
    [0.8, 1.6]
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from glassnet import backend
from glassnet.autograd.tensor import Tensor
from glassnet.backend import Array, get_array_module
from glassnet.errors import ConfigError, ShapeError
from glassnet.optim import _validation as check
from glassnet.optim import clipping
from glassnet.optim._flat import FlatGroup
from glassnet.optim._params import ParameterSource
from glassnet.optim._saved_state import parameter_index, restored_slot


@dataclass
class ParameterState:
    """What an optimizer remembers about one parameter.

    Attributes:
        step: how many updates this parameter has received (Adam's bias correction
            counts per parameter, so a parameter that appears late starts at 1).
        slots: named arrays of the parameter's shape, e.g. ``{"exp_avg": ...}``.
    """

    step: int = 0
    slots: dict[str, Array] = field(default_factory=dict)


class Optimizer:
    """Base class of the gradient-descent optimizers.

    Args:
        params: the Tensors to optimise (an iterable, or a single Tensor), or any
            object with a ``parameters()`` method, which is asked again at every
            step so that parameters created after the optimizer are included.
        lr: the learning rate, a positive number. Schedules change it through the
            ``lr`` property.
        clipnorm: if set, each gradient is scaled so that its own L2 norm is at most
            this (Keras's ``clipnorm``).
        clipvalue: if set, each gradient entry is limited to [-clipvalue, clipvalue].
        global_clipnorm: if set, all gradients are scaled together so that their
            global L2 norm is at most this (Keras's ``global_clipnorm``, PyTorch's
            ``clip_grad_norm_``).

    At most one of the three clipping options may be set. Clipping happens on a
    private copy before the update; ``p.grad`` itself is left unchanged.

    Subclass contract: store every constructor hyperparameter (other than ``lr``)
    as an attribute of the same name, list them in ``get_config``, and name the
    per-parameter arrays in ``slot_names``; then ``state_dict``/``load_state_dict``
    work unchanged.
    """

    #: Whether ``_update`` treats every number alike (no per-tensor norms or shapes).
    #: Such an optimizer updates all parameters as one flat array, in one call per
    #: step (see :mod:`glassnet.optim._flat`).
    updates_elementwise = False

    def __init__(
        self,
        params: Any,
        lr: float,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
    ) -> None:
        self._source = ParameterSource(params)
        self._lr = check.positive_number("learning rate", lr)
        self.clipnorm = check.optional_positive_number("clipnorm", clipnorm)
        self.clipvalue = check.optional_positive_number("clipvalue", clipvalue)
        self.global_clipnorm = check.optional_positive_number("global_clipnorm", global_clipnorm)
        chosen = [v for v in (clipnorm, clipvalue, global_clipnorm) if v is not None]
        if len(chosen) > 1:
            # Their order would matter and be invisible; Keras refuses the mix too.
            raise ConfigError(
                "only one of clipnorm, clipvalue and global_clipnorm can be set, got "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        #: Number of completed ``step()`` calls (iterations, i.e. batches).
        self.iterations = 0
        #: Per-parameter state, looked up by the parameter tensor itself. Weak keys:
        #: a parameter that a rebuilt model dropped takes its moments with it.
        self.state: weakref.WeakKeyDictionary[Tensor, ParameterState] = weakref.WeakKeyDictionary()
        self._workspaces: dict[tuple[str, str], Array] = {}
        self._flat: FlatGroup | None = None

    # -- learning rate -------------------------------------------------------------

    @property
    def lr(self) -> float:
        """The learning rate used by the next ``step()``."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        # Zero is allowed here (not at construction): a cosine schedule ends at 0,
        # a warm-up starts there.
        self._lr = check.non_negative_number("learning rate", value)

    # -- configuration -------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        """The constructor's keyword arguments, as JSON-serialisable values."""
        return {
            "lr": self._lr,
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
        }

    def slot_names(self) -> tuple[str, ...]:
        """Names of the arrays kept per parameter with the current settings."""
        return ()

    def parameters(self) -> list[Tensor]:
        """The parameters this optimizer updates, as they are now."""
        return self._source.current()

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={value!r}" for name, value in self.get_config().items())
        return f"{type(self).__name__}({settings})"

    # -- the update ------------------------------------------------------------------

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (``grad = None``) before the next backward."""
        for param in self._source.current():
            param.grad = None

    def step(self) -> None:
        """Update every parameter that has a gradient; the others are left alone."""
        params = self._source.current()
        if not params and not self._source.is_dynamic:
            name = type(self).__name__
            # PyTorch refuses an empty list at construction; glassnet's own probes make
            # parameterless optimizers, so the refusal comes at the first step instead.
            raise ConfigError(
                f"{name}.step(): this optimizer has no parameters to update (it was given "
                "an empty list, so training would silently change nothing). A model's "
                f"layers create their weights on the first forward pass: pass the model "
                f"itself ({name}(model)) or model.parameters() as it is (not list(...) of "
                "it), or create the optimizer after one forward pass"
            )
        with_grad = [p for p in params if p.grad is not None]
        grads = self._prepared_gradients(with_grad)
        self.iterations += 1
        if self.updates_elementwise and self._flat_step(with_grad, grads):
            return
        for param, grad in zip(with_grad, grads, strict=True):
            state = self.state.get(param)
            if state is None:
                state = ParameterState()
                self.state[param] = state
            state.step += 1
            self._update(param.data, grad, state)

    def _flat_step(self, params: list[Tensor], grads: list[Array]) -> bool:
        """One update of all ``params`` as a single flat array; False if they cannot share one."""
        group = self._flat
        if group is None or not group.matches(params, self.state):
            group = FlatGroup.build(params, self.state, ParameterState)
            self._flat = group
            if group is None:
                return False
        group.load_gradients(grads)
        group.count_step()
        self._update(group.data, group.grad, group.state)
        group.share_new_slots()
        return True

    def _prepared_gradients(self, params: list[Tensor]) -> list[Array]:
        """The gradients of ``params``, shape-checked and clipped (clipped ones are copies)."""
        grads = []
        for index, param in enumerate(params):
            grad = param.grad
            if type(grad) is not type(param.data):
                # A gradient set by hand as a NumPy array for a GPU parameter: moved over.
                grad = param.grad = backend.to_device_of(grad, param.data)
            if grad.shape != param.data.shape:
                raise ShapeError(
                    f"{type(self).__name__}: parameter {index} has shape {param.data.shape} "
                    f"but its grad has shape {grad.shape}"
                )
            grads.append(grad)
        if self.global_clipnorm is not None:
            norm = clipping.global_norm(grads)
            return clipping.scale_arrays(grads, clipping.clip_scale(norm, self.global_clipnorm))
        if self.clipnorm is not None:
            clipped = []
            for grad in grads:
                scale = clipping.clip_scale(clipping.array_norm(grad), self.clipnorm)
                clipped.extend(clipping.scale_arrays([grad], scale))
            return clipped
        if self.clipvalue is not None:
            return clipping.clip_arrays_by_value(grads, self.clipvalue)
        return grads

    def _update(self, data: Array, grad: Array, state: ParameterState) -> None:
        """Change ``data`` in place; read ``grad`` only. ``state.step`` is already counted."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _update")

    # -- helpers for subclasses ------------------------------------------------------

    def _slot(self, state: ParameterState, name: str, like: Array, fill: float = 0.0) -> Array:
        """The parameter's array ``name``, created filled with ``fill`` on first use."""
        slot = state.slots.get(name)
        if slot is None:
            xp = get_array_module(like)
            slot = xp.full(like.shape, fill, dtype=like.dtype)
            state.slots[name] = slot
        return slot

    def _workspace(self, like: Array, count: int = 1) -> list[Array]:
        """``count`` scratch arrays shaped like ``like``, reused across parameters and steps.

        Their contents are garbage on return, and they are overwritten by the next
        parameter's update: never keep one between calls.
        """
        xp = get_array_module(like)
        key = (xp.__name__, like.dtype.str)
        size = like.size
        buffer = self._workspaces.get(key)
        if buffer is None or buffer.size < size * count:
            buffer = xp.empty(size * count, dtype=like.dtype)
            self._workspaces[key] = buffer
        return [buffer[i * size : (i + 1) * size].reshape(like.shape) for i in range(count)]

    def _decayed(self, data: Array, grad: Array, scratch: Array) -> Array:
        """``grad + weight_decay · data`` written into ``scratch`` (L2 decay as PyTorch adds it).

        The sum goes to a scratch array so that ``p.grad`` stays untouched (gradients
        may be shared arrays).
        """
        get_array_module(data).multiply(data, self.weight_decay, out=scratch)
        scratch += grad
        return scratch

    # -- saving and restoring ----------------------------------------------------------

    def state_dict(self) -> tuple[dict[str, Any], dict[str, Array]]:
        """The optimizer's state as (JSON-serialisable config, named arrays).

        Arrays are NumPy copies (from any device), named ``"<parameter index>.<slot>"`` (``"0.exp_avg"``),
        where the index is the parameter's position in ``parameters()``.

        Example:
            >>> import glassnet as gn
            >>> from glassnet.optim import Adam
            >>> config, arrays = Adam([gn.Tensor([1.0], requires_grad=True)]).state_dict()
            >>> config["type"], config["iterations"], arrays
            ('Adam', 0, {})
        """
        config: dict[str, Any] = {
            "type": type(self).__name__,
            "hyperparameters": self.get_config(),
            "iterations": self.iterations,
            "param_steps": {},
        }
        arrays: dict[str, Array] = {}
        for index, param in enumerate(self._source.current()):
            state = self.state.get(param)
            if state is None:
                continue
            config["param_steps"][str(index)] = state.step
            for name, slot in state.slots.items():
                arrays[f"{index}.{name}"] = backend.host_copy(slot)
        return config, arrays

    def load_state_dict(self, config: Mapping[str, Any], arrays: Mapping[str, Array]) -> None:
        """Restore what :meth:`state_dict` returned; nothing changes if anything is wrong.

        The hyperparameters (learning rate included) are restored as well, as in
        PyTorch. The parameters must exist already (build the model first), in the
        same order and shapes as when the state was saved.

        Raises:
            ConfigError: the state is for another optimizer, has a bad value, or
                names a parameter or array this optimizer does not have.
        """
        name = type(self).__name__
        if not isinstance(config, Mapping) or not isinstance(arrays, Mapping):
            raise ConfigError(
                f"{name}.load_state_dict expects the (config dict, arrays dict) pair from "
                f"state_dict(), got {type(config).__name__} and {type(arrays).__name__}"
            )
        missing = sorted({"type", "hyperparameters", "iterations", "param_steps"} - set(config))
        if missing:
            raise ConfigError(f"{name} state is missing the entries: {', '.join(missing)}")
        if config["type"] != name:
            raise ConfigError(
                f"this state was saved by the optimizer {config['type']}; "
                f"it cannot be loaded into {name}"
            )
        hyperparameters, lr, probe = self._checked_hyperparameters(config["hyperparameters"])
        iterations = check.non_negative_int("iterations", config["iterations"])
        params = self._source.current()
        states = self._checked_states(config["param_steps"], arrays, params, probe.slot_names())
        # Everything is valid: only now change this optimizer.
        for key in hyperparameters:
            setattr(self, key, getattr(probe, key))
        self._lr = lr
        self.iterations = iterations
        self.state = weakref.WeakKeyDictionary()
        for index, state in states.items():
            self.state[params[index]] = state

    def _checked_hyperparameters(self, given: Any) -> tuple[dict[str, Any], float, Optimizer]:
        """The saved hyperparameters (less ``lr``), the saved ``lr``, and a probe holding them."""
        name = type(self).__name__
        if not isinstance(given, Mapping):
            raise ConfigError(f"{name} state: hyperparameters must be a dict, got {given!r}")
        expected = set(self.get_config())
        missing = sorted(expected - set(given))
        unknown = sorted(set(given) - expected)
        if missing or unknown:
            raise ConfigError(
                f"{name} state: hyperparameters do not match; missing {missing}, unknown {unknown}"
            )
        hyperparameters = {key: value for key, value in given.items() if key != "lr"}
        lr = check.non_negative_number("learning rate", given["lr"])
        # Building a parameterless twin runs exactly the constructor's checks.
        probe = type(self)([], **hyperparameters)
        return hyperparameters, lr, probe

    def _checked_states(
        self,
        param_steps: Any,
        arrays: Mapping[str, Array],
        params: list[Tensor],
        names: tuple[str, ...],
    ) -> dict[int, ParameterState]:
        """New per-parameter states built from saved ``param_steps`` and ``arrays``."""
        name = type(self).__name__
        if not isinstance(param_steps, Mapping):
            raise ConfigError(f"{name} state: param_steps must be a dict, got {param_steps!r}")
        states: dict[int, ParameterState] = {}
        for key, step in param_steps.items():
            index = parameter_index(name, key, len(params))
            states[index] = ParameterState(step=check.positive_int(f"param_steps[{key}]", step))
        for key, value in arrays.items():
            index_text, _, slot_name = str(key).partition(".")
            index = parameter_index(name, index_text, len(params))
            if index not in states:
                raise ConfigError(
                    f"{name} state has array '{key}' but no step count for parameter {index}"
                )
            if slot_name not in names:
                raise ConfigError(
                    f"{name} state has an unknown array '{key}'; with these settings each "
                    f"parameter keeps: {', '.join(names) or 'nothing'}"
                )
            states[index].slots[slot_name] = restored_slot(name, key, value, params[index])
        for index, state in states.items():
            absent = [slot for slot in names if slot not in state.slots]
            if absent:
                raise ConfigError(
                    f"{name} state for parameter {index} lacks the arrays: {', '.join(absent)}"
                )
        return states
