"""``trace_step``: one gradient-descent step written out, from the error back to every weight.

For each Dense neuron it prints the error signal δ = ∂L/∂z (the gradient arriving
from above times the activation's slope), then for each weight the chain rule
∂L/∂w = input · δ with the value the engine's backward pass computed, and the
update w - lr·∂L/∂w. The step is really taken (plain SGD on every parameter).

The articles' single-weight example, with their quadratic loss ½(y - t)²::

    >>> import glassnet as gn
    >>> layer = gn.Dense(1, use_bias=False, input_dim=1)
    >>> layer.kernel.data[:] = 5.0
    >>> step = gn.inspect.trace_step(gn.Sequential([layer]), [2.0], [6.0],
    ...                              loss="quadratic", lr=0.1, file=None)
    >>> "∂L/∂w = x1 · δ = 2 · 4 = 8 → 5 - 0.1·8 = 4.2" in str(step)
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from glassnet import backend
from glassnet.autograd.function import enable_grad, no_grad
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError
from glassnet.inspect import _trace_format as tf
from glassnet.inspect._step_lines import LayerStep, layer_step, loss_lines
from glassnet.inspect.trace import ForwardTrace, dense_pieces, trace
from glassnet.nn.dense import Dense
from glassnet.nn.losses import LOSSES, Loss, get_loss
from glassnet.nn.module import Module
from glassnet.optim import SGD


class QuadraticLoss(Loss):
    """The articles' quadratic loss: ½·Σ(prediction - target)² per sample, mean over samples.

    The ½ makes its derivative the error itself (y - t), which is why the articles'
    single-weight example has gradient (10 - 6)·2 = 8 and not 16 as with MSE.
    """

    def compute(self, prediction: Tensor, target: Tensor) -> Tensor:
        diff = prediction - target
        per_sample = (diff * diff).reshape(len(diff), -1).sum(axis=1) * 0.5
        return self.reduce(per_sample)

    def get_config(self) -> dict[str, Any]:
        return {"name": "quadratic", "reduction": self.reduction}


def resolve_loss(spec: Any) -> Loss:
    """A loss from a name of :data:`glassnet.nn.losses.LOSSES`, ``"quadratic"``, or an object."""
    if isinstance(spec, str):
        if spec.lower() == "quadratic":
            return QuadraticLoss()
        if spec.lower().replace("-", "_") not in LOSSES.names():
            raise ConfigError(f"unknown loss '{spec}'; valid names are: {', '.join(loss_names())}")
    return get_loss(spec)


def loss_names() -> list[str]:
    """Every loss name ``trace_step`` accepts."""
    return sorted([*LOSSES.names(), "quadratic"])


@dataclass
class StepTrace:
    """A traced gradient-descent step; ``str()`` is the printed text, ``to_dict()`` the data.

    ``layers`` are in backward order (output layer first), as the error flows;
    ``parameters`` maps each parameter's path (``"0.kernel"``) to its ``before``,
    ``gradient`` and ``after`` arrays.
    """

    forward: ForwardTrace
    target: np.ndarray
    loss: str
    loss_before: float
    loss_after: float
    output_grad: np.ndarray
    lr: float
    layers: list[LayerStep]
    text: str
    parameters: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "forward": self.forward.to_dict(),
            "target": tf.to_list(self.target),
            "loss": self.loss,
            "loss_before": self.loss_before,
            "loss_after": self.loss_after,
            "output_grad": tf.to_list(self.output_grad),
            "lr": self.lr,
            "layers": [layer.to_dict() for layer in self.layers],
            "parameters": {
                key: {part: tf.to_list(values) for part, values in parts.items()}
                for key, parts in self.parameters.items()
            },
            "text": self.text,
        }


def trace_step(
    model: Module,
    x: Any,
    y: Any,
    loss: Any = "mse",
    lr: float = 0.1,
    *,
    max_neurons: int = 6,
    file: TextIO | None = tf.STDOUT,
) -> StepTrace:
    """Take one plain gradient-descent step on one sample and print every number of it.

    Args:
        model: a Sequential (Dense and activation layers written out; others summed up).
        x: one sample; y: its target (a value, a vector, or a class label for
            categorical cross-entropy).
        loss: a loss name (``"mse"``, ``"quadratic"`` for the articles' ½(y - t)², …)
            or a Loss object.
        lr: the learning rate; every parameter moves by ``-lr · gradient``.
        max_neurons: neurons per layer spelled out (forward and backward).
        file: where to print (default ``sys.stdout``); ``None`` prints nothing.

    Returns:
        A :class:`StepTrace`; the model's weights are updated in place. The pass
        runs in eval mode (no dropout) so that the step shown is reproducible.
    """
    max_neurons = tf.check_count("max_neurons", max_neurons)
    loss_fn = resolve_loss(loss)
    sample = tf.one_sample(model, x, "trace_step")
    forward = trace(model, sample, max_neurons=max_neurons, file=None)
    target = _target(y, forward.output.shape)
    optimizer = SGD(model.parameters(), lr=lr)  # validates lr before anything changes
    parameters = dict(model.named_parameters())
    with tf.eval_mode(model), enable_grad():
        model.zero_grad()
        records = _forward_with_graph(model, sample)
        prediction = records[-1]["output"]
        prediction.retain_grad()
        data_loss = loss_fn(prediction, target)
        objective, penalty = data_loss, None
        if any(p.regularizer is not None for p in parameters.values()):
            penalty = model.regularization_loss()
            objective = data_loss + penalty
        objective.backward()
        before = {id(p): tf.host(p) for p in parameters.values()}
        optimizer.step()
        with no_grad():
            loss_after = float(loss_fn(model(sample), target).item())
    loss_before = float(data_loss.item())
    output_grad = backend.host_copy(prediction.grad)[0]
    lines = ["forward pass:", *_indented(forward.text)]
    lines += loss_lines(loss_fn, forward.output, target, loss_before, output_grad)
    if penalty is not None:
        lines.append(
            f"  + weight penalty {tf.fmt(penalty.item())} (regularizers; its gradient is "
            "added to the weights' gradients below)"
        )
    lines.append(f"backward pass (chain rule) and update w ← w - {tf.fmt(lr)}·∂L/∂w:")
    steps: list[LayerStep] = []
    for index in range(len(records), 0, -1):
        step = layer_step(index, records[index - 1], before, lr, max_neurons)
        steps.append(step)
        lines += step.lines
    lines.append(f"loss after the step: {tf.fmt(loss_after)} (before: {tf.fmt(loss_before)})")
    result = StepTrace(
        forward,
        np.array(target),
        type(loss_fn).__name__,
        loss_before,
        loss_after,
        output_grad,
        float(lr),
        steps,
        "\n".join(lines),
        {
            key: {
                "before": before[id(p)],
                "gradient": tf.host_grad(p),
                "after": tf.host(p),
            }
            for key, p in parameters.items()
        },
    )
    tf.emit(result.text, file)
    return result


def _indented(text: str) -> list[str]:
    return ["  " + line for line in text.splitlines()]


def _target(y: Any, output_shape: tuple[int, ...]) -> np.ndarray:
    try:
        target = np.asarray(tf.host_values(y), dtype=np.float64)
    except (TypeError, ValueError):
        raise ConfigError(f"trace_step needs a numeric target, got {y!r}") from None
    width = int(np.prod(output_shape))
    if target.size == width and width > 1:
        return target.reshape(1, *output_shape)
    return target.reshape(1) if target.size == 1 else target


def _forward_with_graph(model: Module, sample: Tensor) -> list[dict[str, Any]]:
    """Each layer's input, weighted sums (Dense) and output, kept for their gradients."""
    records = []
    current = sample
    for layer in tf.leaf_layers(model):
        record: dict[str, Any] = {"layer": layer, "input": current, "z": None}
        if isinstance(layer, Dense) and current.ndim == 2:
            record["z"], current = dense_pieces(layer, current)
            record["z"].retain_grad()
        else:
            current = layer(current)
        current.retain_grad()
        record["output"] = current
        records.append(record)
    return records
