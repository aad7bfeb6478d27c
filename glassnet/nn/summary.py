"""The text table of ``Module.summary()``: layer, output shape, parameter count."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from glassnet.autograd.function import no_grad
from glassnet.autograd.tensor import Tensor

if TYPE_CHECKING:
    from glassnet.nn.module import Module


def _shape_text(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return "?"
    return "(" + ", ".join(["None", *map(str, shape[1:])]) + ")"


def render_summary(model: Module, input_shape: tuple[int, ...] | None) -> str:
    if input_shape is not None:
        was_training = model.training
        model.eval()
        with no_grad():
            model(Tensor(np.zeros((1, *input_shape))))
        model.train(was_training)
    rows = [("Layer (type)", "Output shape", "Params")]
    for path, module in model.named_modules():
        if not path:
            continue
        own = sum(p.size for p in module._parameters.values())
        label = f"{module.name} ({type(module).__name__})"
        rows.append(("  " * path.count(".") + label, _shape_text(module.output_shape), f"{own:,}"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    rule = "-" * (sum(widths) + 4)

    def line(row: tuple[str, str, str]) -> str:
        return f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}"

    total = model.count_params()
    out = [f"Model: {model.name} ({type(model).__name__})", rule, line(rows[0]), rule]
    out += [line(row) for row in rows[1:]]
    out += [rule, f"Total parameters: {total:,}"]
    if not model.built or (total == 0 and len(rows) > 1):
        out.append(
            "(shapes and counts appear once the model has seen data: summary(input_shape=...))"
        )
    return "\n".join(out)
