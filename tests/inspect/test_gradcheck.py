"""gn.gradcheck: passes on right gradients, fails loudly and readably on wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.autograd.function import Function
from glassnet.errors import ConfigError, GradcheckError
from glassnet.inspect import GradcheckReport
from tests.helpers import random_array


class SquareWrongBackward(Function):
    """x² whose backward forgets the factor 2."""

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, grad):
        return (grad * self.x,)


class MulWrongSecondGradient(Function):
    """a·b whose gradient for b is off by a sign."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, grad):
        return grad * self.b, -grad * self.a


class WrongAtOneElement(Function):
    """The identity, with a wrong gradient for the last element only."""

    def forward(self, x):
        return x.copy()

    def backward(self, grad):
        out = grad.copy()
        out.reshape(-1)[-1] *= 3.0
        return (out,)


def test_passes_on_a_correct_function_and_returns_a_report():
    report = gn.gradcheck(lambda x: (x * x).sum(), np.array([1.0, 2.0, -3.0]))
    assert isinstance(report, GradcheckReport)
    assert report.ok
    text = str(report)
    assert text.startswith("gradient check: passed")
    assert "input 0 (3,)" in text
    assert "random direction" in text


def test_fails_on_a_wrong_backward():
    x = random_array((3, 2), seed=1)
    with pytest.raises(GradcheckError, match="FAIL input 0") as info:
        gn.gradcheck(SquareWrongBackward(), x)
    assert "gradient check: FAILED" in str(info.value)
    assert isinstance(info.value, AssertionError)  # pytest and plain asserts treat it as a failure


def test_failure_without_raising_returns_the_report():
    x = random_array((3, 2), seed=2)
    report = gn.gradcheck(lambda t: SquareWrongBackward()(t), x, raise_on_failure=False)
    assert report.ok is False
    text = str(report)
    assert "FAIL input 0 (3, 2)" in text
    check = report.tensors[0]
    assert check.name == "input 0"
    assert not check.ok
    # The worst element: backprop gives x·u where the truth is 2x·u.
    assert check.analytic == pytest.approx(check.numeric / 2, rel=1e-6)
    assert not report.direction_ok


def test_report_names_the_failing_tensor_among_several():
    a, b = random_array((2, 3), seed=3), random_array((2, 3), seed=4)
    report = gn.gradcheck(lambda x, y: MulWrongSecondGradient()(x, y), a, b, raise_on_failure=False)
    assert not report.ok
    by_name = {t.name: t.ok for t in report.tensors}
    assert by_name == {"input 0": True, "input 1": False}
    text = str(report)
    assert "ok   input 0" in text
    assert "FAIL input 1" in text


def test_report_names_a_failing_module_parameter():
    class Broken(gn.Module):
        def __init__(self):
            super().__init__()
            with gn.default_dtype("float64"):
                self.scale = gn.Parameter(random_array((3,), seed=5))
                self.shift = gn.Parameter(random_array((3,), seed=6))

        def forward(self, x):
            return SquareWrongBackward()(self.scale) * x + self.shift

    report = gn.gradcheck(Broken(), random_array((2, 3), seed=7), raise_on_failure=False)
    assert [t.name for t in report.tensors] == ["input 0", "scale", "shift"]
    assert [t.ok for t in report.tensors] == [True, False, True]
    assert "FAIL scale (3,)" in str(report)


def test_random_direction_catches_an_error_in_elements_not_sampled():
    x = random_array((30, 30), seed=8)
    report = gn.gradcheck(WrongAtOneElement(), x, max_elements=5, raise_on_failure=False)
    assert report.tensors[0].checked == 5
    assert not report.direction_ok
    assert not report.ok


def test_samples_at_most_max_elements():
    x = random_array((20, 20), seed=9)
    report = gn.gradcheck(lambda t: t * 2.0, x, max_elements=17)
    assert report.tensors[0].checked == 17
    report = gn.gradcheck(lambda t: t * 2.0, random_array((3, 4), seed=10))
    assert report.tensors[0].checked == 12


def test_inputs_are_restored_after_the_check():
    data = random_array((3, 4), seed=11)
    t = gn.Tensor(data.copy(), requires_grad=True, dtype=np.float64)
    gn.gradcheck(lambda x: (x * x).sum(), t)
    np.testing.assert_array_equal(t.numpy(), data)


def test_integer_inputs_stay_constant():
    x = random_array((4, 3), seed=12)
    index = np.array([0, 0, 3])
    report = gn.gradcheck(lambda t, i: t[i], x, index)
    assert [t.name for t in report.tensors] == ["input 0"]


def test_float32_inputs_and_parameters_are_refused():
    with pytest.raises(ConfigError, match="float64"):
        gn.gradcheck(lambda t: t * 2.0, gn.Tensor([1.0], requires_grad=True))
    layer = gn.Dense(2, input_dim=3)  # float32 weights
    with pytest.raises(ConfigError, match="kernel"):
        gn.gradcheck(layer, random_array((2, 3)))


def test_nothing_to_check_is_an_error():
    with pytest.raises(ConfigError, match="nothing to check"):
        gn.gradcheck(lambda i: gn.Tensor(np.ones(3))[i], np.array([0, 1]))


def test_tolerances_are_honoured():
    # A backward that is off by 1e-4 relative passes only with a loose tolerance.
    class SlightlyOff(Function):
        def forward(self, x):
            return 3.0 * x

        def backward(self, grad):
            return (3.0 * (1 + 1e-4) * grad,)

    x = random_array((4,), seed=13)
    assert not gn.gradcheck(SlightlyOff(), x, raise_on_failure=False).ok
    assert gn.gradcheck(SlightlyOff(), x, rtol=1e-3, atol=1e-3).ok
