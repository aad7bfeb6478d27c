"""``Module``: the base of every layer and model, and ``Parameter``, a trainable tensor.

A module registers its parameters and sub-modules when they are assigned as
attributes (``self.w = Parameter(...)``, ``self.hidden = Dense(8)``), in that order,
as PyTorch users expect. Layers create weights lazily: ``build(input_shape)`` runs on
the first call and creates weights with ``add_weight``, so a layer needs no input size.

Example:
    >>> import glassnet as gn
    >>> class TwoLayer(gn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = gn.Dense(4, activation="relu")
    ...         self.out = gn.Dense(1)
    ...     def forward(self, x):
    ...         return self.out(self.hidden(x))
    >>> model = TwoLayer()
    >>> model(gn.Tensor([[1.0, 2.0]])).shape
    (1, 1)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.tensor import Tensor
from glassnet.backend.memory import check_allocation
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn._placement import input_on_device, move_tensors
from glassnet.nn.module_parameters import ModuleParameters

_name_counters: dict[str, Iterator[int]] = {}


def _default_name(cls: type) -> str:
    """``dense``, ``dense_1``, ``dense_2``, … per class, for display (never for state keys)."""
    base = re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", cls.__name__).lower()
    number = next(_name_counters.setdefault(base, count()))
    return base if number == 0 else f"{base}_{number}"


class Parameter(Tensor):
    """A tensor the optimizer trains; it always requires gradients.

    Args:
        data: the initial values.
        regularizer: optional callable ``penalty(parameter) -> Tensor`` added to the loss.
    """

    __slots__ = ("regularizer",)

    def __init__(
        self,
        data: Any,
        regularizer: Callable[[Tensor], Tensor] | None = None,
        device: str | None = None,
    ) -> None:
        super().__init__(data, requires_grad=True, device=device)
        self.regularizer = regularizer


class Module:
    """Base class of layers and models: parameters, sub-modules, modes and state.

    Subclasses implement ``forward``; layers also implement ``build(input_shape)``
    (create weights with ``add_weight``) and ``get_config()`` (their constructor
    arguments, for saving).
    """

    def __init__(self, name: str | None = None) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_buffers", {})
        # Set by .to(device): where weights built later go, and where inputs are moved.
        object.__setattr__(self, "_device", None)
        self.name = name if name is not None else _default_name(type(self))
        self.training = True
        self.built = False
        self.input_shape: tuple[int, ...] | None = None
        self.output_shape: tuple[int, ...] | None = None

    # -- registration ---------------------------------------------------------------

    def __setattr__(self, key: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise ConfigError(
                f"{type(self).__name__}.__init__ must call super().__init__() before "
                f"setting attributes (it set '{key}')"
            )
        # Membership tests before pops: most assignments (plain attributes, and the
        # shapes set on every call) are in no table, and this runs per layer per step.
        for table in (self._parameters, self._modules, self._buffers):
            if key in table:
                del table[key]
        if isinstance(value, Parameter):
            self._parameters[key] = value
        elif isinstance(value, Module):
            self._modules[key] = value
        object.__setattr__(self, key, value)

    def register_buffer(self, key: str, value: Any) -> Tensor:
        """Keep a non-trained array (e.g. running statistics) in the module's state."""
        tensor = value if isinstance(value, Tensor) else Tensor(value, device=self._device)
        if self._device is not None and tensor.device != self._device:
            tensor.data = backend.to_device(tensor.data, self._device)
        object.__setattr__(self, key, tensor)
        self._buffers[key] = tensor
        return tensor

    def add_weight(
        self,
        name: str,
        shape: tuple[int, ...],
        initializer: Any = "glorot_uniform",
        regularizer: Any = None,
        rng: np.random.Generator | int | None = None,
    ) -> Parameter:
        """Create, register and return a parameter initialised by ``initializer``.

        Args:
            name: the attribute name (and state-dict key) of the weight.
            shape: its shape; a Dense kernel is (inputs, outputs).
            initializer: a name (``"he_normal"``) or an initializer object.
            regularizer: a name (``"l2"``), a regularizer object or None.
            rng: the generator to draw from; defaults to the layer's or the global one.
        """
        from glassnet.nn.initializers import get_initializer
        from glassnet.nn.regularizers import get_regularizer

        init = get_initializer(initializer)
        # Refused before anything is allocated: a size the machine cannot hold, or more
        # weights than a model file being loaded can describe (glassnet.backend.memory).
        check_allocation(
            tuple(shape), backend.get_default_dtype(), f"{type(self).__name__} '{self.name}' {name}"
        )
        generator = backend.get_rng(rng if rng is not None else getattr(self, "rng", None))
        values = init(tuple(shape), generator, backend.get_default_dtype())
        parameter = Parameter(values, regularizer=get_regularizer(regularizer), device=self._device)
        setattr(self, name, parameter)
        return parameter

    # -- calling --------------------------------------------------------------------

    def build(self, input_shape: tuple[int, ...]) -> None:
        """Create weights for inputs of ``input_shape`` (batch axis first). Default: none."""

    def forward(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args and self._device is not None:
            args = (input_on_device(args[0], self._device), *args[1:])
        if args:
            shape = getattr(args[0], "shape", None)
            if shape is None and isinstance(args[0], (list, tuple)):
                shape = np.shape(args[0])  # nested lists of numbers: build from them too
            if shape is not None:
                # object.__setattr__: a shape is never a parameter or sub-module, so the
                # registration bookkeeping of Module.__setattr__ is skipped (per call cost).
                object.__setattr__(self, "input_shape", tuple(shape))
        if not self.built:
            if self.input_shape is not None:
                self.build(self.input_shape)
            self.built = True
        out = self.forward(*args, **kwargs)
        if isinstance(out, Tensor):
            object.__setattr__(self, "output_shape", out.data.shape)
        return out

    def check_features(self, x: Any, expected: int) -> None:
        """Raise a ``ShapeError`` naming this layer unless ``x`` has ``expected`` features."""
        if x.ndim < 2 or x.shape[-1] != expected:
            raise ShapeError(
                f"{type(self).__name__} '{self.name}' expects inputs with {expected} features "
                f"(shape (samples, {expected})), got shape {tuple(x.shape)}"
            )

    # -- traversal ------------------------------------------------------------------

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every sub-module, with dotted paths (``"0"``, ``"hidden"``)."""
        yield prefix, self
        for key, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{key}" if prefix else key)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def children(self) -> Iterator[Module]:
        yield from self._modules.values()

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted path, e.g. ``("0.kernel", Parameter)``."""
        for path, module in self.named_modules():
            for key, parameter in module._parameters.items():
                yield (f"{path}.{key}" if path else key), parameter

    def parameters(self) -> ModuleParameters:
        # A list that remembers this module: an optimizer made from it before the first
        # forward pass (lazy layers, no weights yet) re-reads the module at every step.
        # The same order as named_parameters(), without building the dotted names:
        # optimizers ask for this list twice per training step.
        if type(self).named_parameters is not Module.named_parameters or (
            type(self).named_modules is not Module.named_modules
        ):
            return ModuleParameters(self, (p for _, p in self.named_parameters()))
        found = ModuleParameters(self)
        stack: list[Module] = [self]
        while stack:
            module = stack.pop()
            found.extend(module._parameters.values())
            # Reversed onto the stack: children are visited in registration order.
            stack.extend(reversed(module._modules.values()))
        return found

    def named_buffers(self) -> Iterator[tuple[str, Tensor]]:
        for path, module in self.named_modules():
            for key, buffer in module._buffers.items():
                yield (f"{path}.{key}" if path else key), buffer

    def count_params(self) -> int:
        return sum(p.size for p in self.parameters())

    # -- devices --------------------------------------------------------------------

    @property
    def device(self) -> str:
        """Where this module's weights live (``"cpu"`` or ``"gpu"``)."""
        for parameter in self.parameters():
            return parameter.device
        return self._device if self._device is not None else backend.get_device()

    def to(self, device: str) -> Module:
        """Move every parameter and buffer to ``device`` (``"cpu"`` or ``"gpu"``); returns self.

        Layers not built yet create their weights there, and inputs given to the module
        are moved there. Create the optimizer after moving, as in PyTorch. An unknown or
        unavailable device is a ConfigError.
        """
        target = backend.get_device_object(device).name
        for module in self.modules():
            object.__setattr__(module, "_device", target)
            move_tensors([*module._parameters.values(), *module._buffers.values()], target)
        return self

    # -- modes and gradients --------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active, batch statistics); returns self."""
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Inference mode (dropout off, running statistics); returns self."""
        return self.train(False)

    def zero_grad(self) -> None:
        for parameter in self.parameters():
            parameter.grad = None

    def regularization_loss(self) -> Tensor:
        """The sum of every parameter's regularization penalty (0 if none); add it to the loss."""
        total: Tensor | None = None
        for parameter in self.parameters():
            if parameter.regularizer is not None:
                penalty = parameter.regularizer(parameter)
                total = penalty if total is None else total + penalty
        return total if total is not None else Tensor(0.0)

    # -- state ------------------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """Parameters and buffers by dotted path, as (copied) NumPy arrays."""
        state = {name: backend.host_copy(p.data) for name, p in self.named_parameters()}
        state.update({name: backend.host_copy(b.data) for name, b in self.named_buffers()})
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Copy values into the parameters and buffers; keys and shapes must match exactly."""
        own = dict(self.named_parameters())
        own.update(self.named_buffers())
        missing = sorted(set(own) - set(state))
        unexpected = sorted(set(state) - set(own))
        if missing or unexpected:
            raise ConfigError(
                f"state does not match {type(self).__name__} '{self.name}': "
                f"missing keys {missing}, unexpected keys {unexpected}"
                + ("; the model may not be built yet (call it once on data)" if not own else "")
            )
        values = {key: backend.to_numpy(state[key]) for key in own}
        # Every shape is checked before anything is copied: a failed load leaves the model as it was.
        for key, tensor in own.items():
            if values[key].shape != tensor.shape:
                raise ShapeError(
                    f"state '{key}' has shape {values[key].shape}, the model expects {tensor.shape}"
                )
        for key, tensor in own.items():
            tensor.data[...] = backend.to_device_of(values[key], tensor.data)

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this layer (layers override this)."""
        raise ConfigError(
            f"{type(self).__name__} does not describe its configuration (get_config), so it "
            "cannot be saved as an architecture; save its state_dict() instead"
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Module:
        """The layer that ``get_config()`` described."""
        return cls(**config)

    # -- training ---------------------------------------------------------------------
    # The loop lives in glassnet.train (a higher layer); these methods are the doors to
    # it, as in Keras, so that ``model.fit(x, y)`` works on any module.

    def compile(
        self,
        optimizer: Any = "adam",
        loss: Any = "mse",
        metrics: Any = (),
        precision: str = "float32",
        **options: Any,
    ):
        """Choose the optimizer, loss and metrics that ``fit`` and ``evaluate`` use.

        Args:
            optimizer: a name (``"adam"``) or an optimizer object.
            loss: a name (``"categorical_crossentropy"``) or a loss object.
            metrics: names or metric objects reported per epoch (``["accuracy"]``).
            precision: ``"float32"``, or ``"mixed_float16"``: dense layers, matrix
                products and convolutions compute in float16 while the weights, their
                gradients and the loss stay float32, with dynamic loss scaling.
            **options: optimizer settings when it is given by name (``lr=0.01``).
        """
        from glassnet.train.api import compile_model

        compile_model(self, optimizer, loss, metrics, precision=precision, **options)
        return self

    def fit(self, x: Any, y: Any = None, **kwargs: Any):
        """Train on ``x``, ``y``; see :func:`glassnet.train.fit.fit` for every option."""
        from glassnet.train.fit import fit

        return fit(self, x, y, **kwargs)

    def evaluate(self, x: Any, y: Any, batch_size: int = 256) -> dict[str, float]:
        """The loss and metrics on ``x``, ``y`` (eval mode, no gradients)."""
        from glassnet.train.api import evaluate

        return evaluate(self, x, y, batch_size=batch_size)

    def predict(self, x: Any, batch_size: int = 256) -> np.ndarray:
        """The model's outputs for ``x`` as a NumPy array (eval mode, in batches)."""
        from glassnet.train.api import predict

        return predict(self, x, batch_size=batch_size)

    def predict_proba(self, x: Any, batch_size: int = 256) -> np.ndarray:
        """Class probabilities for ``x`` (softmax or sigmoid applied to logits when needed)."""
        from glassnet.train.api import predict_proba

        return predict_proba(self, x, batch_size=batch_size)

    def predict_classes(self, x: Any, batch_size: int = 256) -> np.ndarray:
        """The predicted class of each sample (original labels when the model knows them)."""
        from glassnet.train.api import predict_classes

        return predict_classes(self, x, batch_size=batch_size)

    def save(self, path: Any) -> None:
        """Save architecture, weights, preprocessing and optimizer state to the folder ``path``."""
        from glassnet.io.save import save_model

        save_model(self, path)

    def export_onnx(self, path: Any = None, **options: Any) -> Any:
        """Write the model as an ONNX graph (scalers included); see glassnet.io.onnx_export."""
        from glassnet.io.onnx_export import export_onnx

        return export_onnx(self, path, **options)

    # -- display ----------------------------------------------------------------------

    def summary(
        self, input_shape: tuple[int, ...] | None = None, print_fn: Callable = print
    ) -> str:
        """Print (and return) each layer, its output shape and its parameter count.

        Args:
            input_shape: the shape of one sample (no batch axis); when given, a
                zero batch is run through the model first so that every shape is known.
        """
        from glassnet.nn.summary import render_summary

        text = render_summary(self, input_shape)
        print_fn(text)
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name='{self.name}')"
