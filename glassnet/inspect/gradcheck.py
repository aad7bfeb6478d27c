"""A numerical gradient check that anyone can run on any function or module.

``gradcheck`` compares the gradients backpropagation computes with central
differences in float64: for each input (and each parameter of a module) it
perturbs every element (or a random sample of them for large tensors) by ±eps,
and it also checks the derivative along one random direction through all of them
at once. On disagreement it raises ``GradcheckError`` with a readable report.

Example:
    >>> import numpy as np, glassnet as gn
    >>> report = gn.gradcheck(lambda x: (x * x).sum(), np.array([1.0, 2.0]))
    >>> report.ok
    True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.function import no_grad
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError, GradcheckError


@dataclass
class TensorCheck:
    """The comparison for one tensor: the worst element and its two gradients."""

    name: str
    shape: tuple[int, ...]
    checked: int
    max_abs_error: float
    worst_index: tuple[int, ...]
    analytic: float
    numeric: float
    ok: bool


@dataclass
class GradcheckReport:
    """The outcome of :func:`gradcheck`; ``str(report)`` is a readable table."""

    tensors: list[TensorCheck] = field(default_factory=list)
    direction_analytic: float = 0.0
    direction_numeric: float = 0.0
    direction_ok: bool = True

    @property
    def ok(self) -> bool:
        return self.direction_ok and all(t.ok for t in self.tensors)

    def __str__(self) -> str:
        lines = ["gradient check: " + ("passed" if self.ok else "FAILED")]
        for t in self.tensors:
            mark = "ok  " if t.ok else "FAIL"
            lines.append(
                f"  {mark} {t.name} {t.shape}: {t.checked} elements, max |error| "
                f"{t.max_abs_error:.3e} at {t.worst_index} "
                f"(backprop {t.analytic:.8g}, numerical {t.numeric:.8g})"
            )
        mark = "ok  " if self.direction_ok else "FAIL"
        lines.append(
            f"  {mark} random direction: backprop {self.direction_analytic:.10g}, "
            f"numerical {self.direction_numeric:.10g}"
        )
        return "\n".join(lines)


def _as_input(value: Any) -> Tensor:
    if isinstance(value, Tensor):
        if value.dtype.kind == "f" and value.dtype != np.float64:
            raise ConfigError(
                f"gradcheck needs float64 inputs for exact differences, got a {value.dtype} "
                "tensor; build it inside gn.default_dtype('float64')"
            )
        return value
    # Host data goes to the current device; a device array stays where it is.
    array = value if backend.device_of(value) != "cpu" else np.asarray(value)
    if array.dtype.kind == "f":
        return Tensor(array, requires_grad=True, dtype=np.float64)
    return Tensor(array)


def _close(analytic: np.ndarray, numeric: np.ndarray, atol: float, rtol: float) -> np.ndarray:
    return np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric)


def gradcheck(
    fn: Callable[..., Tensor],
    *inputs: Any,
    params: Iterable[tuple[str, Tensor]] | None = None,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    max_elements: int = 200,
    seed: int = 0,
    raise_on_failure: bool = True,
) -> GradcheckReport:
    """Check ``fn``'s backpropagated gradients against central differences.

    Args:
        fn: a function of tensors, or a module, returning a tensor. It must be
            deterministic (same inputs → same output).
        *inputs: its inputs; float arrays become float64 tensors that require
            gradients, integer arrays (labels, indices) stay constant.
        params: extra ``(name, tensor)`` pairs to check; defaults to
            ``fn.named_parameters()`` when ``fn`` is a module.
        eps: the step of the central difference.
        atol, rtol: an element passes when |backprop - numerical| ≤ atol + rtol·|numerical|.
        max_elements: at most this many elements per tensor, chosen at random, are perturbed.
        seed: seeds the random output weights, the elements chosen and the direction.
        raise_on_failure: raise ``GradcheckError`` (with the report) instead of returning it.

    Returns:
        The report; ``report.ok`` tells whether every check passed.
    """
    rng = np.random.default_rng(seed)
    tensors = [_as_input(x) for x in inputs]
    named = [(f"input {i}", t) for i, t in enumerate(tensors) if t.requires_grad]
    if params is None and hasattr(fn, "named_parameters"):
        params = fn.named_parameters()
    for name, p in params or ():
        if p.dtype != np.float64:
            raise ConfigError(
                f"gradcheck needs float64 parameters, but '{name}' is {p.dtype}; build the "
                "module inside gn.default_dtype('float64')"
            )
        named.append((name, p))
    if not named:
        raise ConfigError("gradcheck found nothing to check: no float input or parameter")

    # The scalar checked is Σ out·u for a fixed random u, so every output element matters.
    out = fn(*tensors)
    upstream = Tensor(rng.standard_normal(out.shape), dtype=np.float64, device=out.device)

    def objective() -> float:
        with no_grad():
            return float((fn(*tensors).data * upstream.data).sum())

    for _, t in named:
        t.grad = None
    (out * upstream).sum().backward()
    # Compared on the host: the checks below index and report with NumPy.
    analytic = {
        id(t): backend.to_numpy(t.grad) if t.grad is not None else np.zeros(t.shape)
        for _, t in named
    }

    report = GradcheckReport()
    for name, t in named:
        report.tensors.append(
            _check_tensor(name, t, analytic[id(t)], objective, eps, atol, rtol, max_elements, rng)
        )
    _check_direction(report, named, analytic, objective, eps, atol, rtol, rng)
    if raise_on_failure and not report.ok:
        raise GradcheckError(str(report))
    return report


def _numeric_derivative(t: Tensor, flat_index: int, objective: Callable[[], float], eps: float):
    flat = t.data.reshape(-1)
    original = flat[flat_index]
    flat[flat_index] = original + eps
    plus = objective()
    flat[flat_index] = original - eps
    minus = objective()
    flat[flat_index] = original
    return (plus - minus) / (2 * eps)


def _check_tensor(name, t, grad, objective, eps, atol, rtol, max_elements, rng) -> TensorCheck:
    if not t.data.flags.c_contiguous:
        raise ConfigError(f"gradcheck needs contiguous arrays, '{name}' is not")
    count = t.data.size
    chosen = np.arange(count) if count <= max_elements else rng.choice(count, max_elements, False)
    numeric = np.array([_numeric_derivative(t, int(i), objective, eps) for i in chosen])
    backprop = grad.reshape(-1)[chosen]
    errors = np.abs(backprop - numeric)
    worst = int(np.argmax(errors)) if len(errors) else 0
    return TensorCheck(
        name=name,
        shape=t.shape,
        checked=len(chosen),
        max_abs_error=float(errors[worst]) if len(errors) else 0.0,
        worst_index=tuple(int(i) for i in np.unravel_index(chosen[worst], t.shape))
        if len(errors)
        else (),
        analytic=float(backprop[worst]) if len(errors) else 0.0,
        numeric=float(numeric[worst]) if len(errors) else 0.0,
        ok=bool(np.all(_close(backprop, numeric, atol, rtol))),
    )


def _check_direction(report, named, analytic, objective, eps, atol, rtol, rng) -> None:
    """d/dε objective(θ + ε·v) for one random v through every tensor at once."""
    directions = [rng.standard_normal(t.shape) for _, t in named]
    originals = [t.data.copy() for _, t in named]

    def shifted(sign: float) -> float:
        for (_, t), v, original in zip(named, directions, originals, strict=True):
            t.data[...] = original + backend.to_device_of(sign * eps * v, original)
        return objective()

    numeric = (shifted(1.0) - shifted(-1.0)) / (2 * eps)
    for (_, t), original in zip(named, originals, strict=True):
        t.data[...] = original
    backprop = sum(
        float((analytic[id(t)] * v).sum()) for (_, t), v in zip(named, directions, strict=True)
    )
    report.direction_analytic = backprop
    report.direction_numeric = numeric
    report.direction_ok = bool(_close(np.array(backprop), np.array(numeric), atol, rtol))
