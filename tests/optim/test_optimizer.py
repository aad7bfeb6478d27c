"""What every optimizer does the same way: the base class's behaviour."""

from __future__ import annotations

import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, ShapeError
from glassnet.optim import SGD, Adam
from tests.helpers import host

from ._problems import ALL_OPTIMIZERS, LazyModel, train

# -- gradients are read, never written ---------------------------------------------


@pytest.mark.parametrize(("optimizer_cls", "settings"), ALL_OPTIMIZERS)
def test_step_never_writes_into_the_gradient(optimizer_cls, settings):
    weights = gn.Tensor(np.arange(12.0).reshape(3, 4) / 10, requires_grad=True)
    optimizer = optimizer_cls([weights], **settings)
    expected = np.linspace(-2.0, 3.0, 12, dtype=np.float32).reshape(3, 4)
    # The gradient on the parameter's device, as backward leaves it there.
    grad = gn.backend.to_device_of(expected.copy(), weights.data)
    if isinstance(grad, np.ndarray):
        # A read-only array makes any in-place write raise instead of passing silently
        # (device arrays have no such flag: the comparison below still catches a write).
        grad.flags.writeable = False
    start = host(weights).copy()
    for _ in range(3):
        weights.grad = grad
        optimizer.step()
        assert weights.grad is grad
    np.testing.assert_array_equal(host(grad), expected)
    assert not np.array_equal(host(weights), start)


@pytest.mark.parametrize(("optimizer_cls", "settings"), ALL_OPTIMIZERS)
def test_parameters_sharing_one_gradient_array_update_independently(optimizer_cls, settings):
    # Autograd may hand one array to two leaves; both must see the same gradient.
    first = gn.Tensor(np.ones((2, 3)), requires_grad=True)
    second = gn.Tensor(np.ones((2, 3)), requires_grad=True)
    alone = gn.Tensor(np.ones((2, 3)), requires_grad=True)
    shared_optimizer = optimizer_cls([first, second], **settings)
    alone_optimizer = optimizer_cls([alone], **settings)
    for step in range(3):
        grad = gn.backend.to_device_of(np.full((2, 3), 0.5 + step, dtype=np.float32), first.data)
        first.grad = second.grad = grad
        alone.grad = grad.copy()
        shared_optimizer.step()
        alone_optimizer.step()
    if "global_clipnorm" in settings:
        # Clipped together, the pair's global norm is sqrt(2) times the single one's.
        np.testing.assert_array_equal(host(first), host(second))
        return
    np.testing.assert_array_equal(host(first), host(alone))
    np.testing.assert_array_equal(host(second), host(alone))


@pytest.mark.parametrize(("optimizer_cls", "settings"), ALL_OPTIMIZERS)
def test_float32_parameters_and_state_stay_float32(optimizer_cls, settings):
    weights = gn.Tensor(np.ones((2, 2)), requires_grad=True)
    optimizer = optimizer_cls([weights], **settings)
    weights.grad = np.full((2, 2), 0.5, dtype=np.float32)
    optimizer.step()
    assert weights.data.dtype == np.float32
    assert all(slot.dtype == np.float32 for slot in optimizer.state[weights].slots.values())


@pytest.mark.parametrize(("optimizer_cls", "settings"), ALL_OPTIMIZERS)
def test_non_contiguous_gradient_gives_the_same_update(optimizer_cls, settings):
    values = np.arange(6.0, dtype=np.float32).reshape(3, 2) / 4 - 0.5
    strided = gn.Tensor(np.ones((2, 3)), requires_grad=True)
    contiguous = gn.Tensor(np.ones((2, 3)), requires_grad=True)
    # On the parameters' device, so that the strided view reaches the update as it is.
    strided.grad = gn.backend.to_device_of(values, strided.data).T  # a transposed view
    contiguous.grad = gn.backend.to_device_of(np.ascontiguousarray(values.T), contiguous.data)
    optimizer_cls([strided], **settings).step()
    optimizer_cls([contiguous], **settings).step()
    np.testing.assert_array_equal(host(strided), host(contiguous))


# -- which parameters are updated ------------------------------------------------------


def test_parameters_without_gradient_are_skipped():
    trained = gn.Tensor([1.0, 2.0], requires_grad=True)
    frozen = gn.Tensor([3.0, 4.0], requires_grad=True)
    optimizer = Adam([trained, frozen], lr=0.1)
    trained.grad = np.array([1.0, 1.0], dtype=np.float32)
    optimizer.step()
    np.testing.assert_array_equal(host(frozen), [3.0, 4.0])
    assert frozen not in optimizer.state
    assert optimizer.state[trained].step == 1
    assert optimizer.iterations == 1


def test_zero_grad_forgets_all_gradients():
    a = gn.Tensor([1.0], requires_grad=True)
    b = gn.Tensor([2.0], requires_grad=True)
    optimizer = SGD([a, b])
    (a * b).sum().backward()
    assert a.grad is not None and b.grad is not None
    optimizer.zero_grad()
    assert a.grad is None and b.grad is None


def test_model_parameters_created_after_the_optimizer_are_trained():
    model = LazyModel()
    optimizer = Adam(model, lr=0.05)
    assert optimizer.parameters() == []
    optimizer.step()  # nothing to do yet, and no error
    model.build()
    start = [host(w).copy() for w in model.weights]
    first_loss = model.loss().item()
    train(optimizer, model, steps=20)
    assert model.loss().item() < first_loss
    for weight, before in zip(model.weights, start, strict=True):
        assert not np.array_equal(host(weight), before)
    assert optimizer.parameters() == model.weights


def test_a_parameter_that_appears_late_gets_its_own_bias_correction():
    early = gn.Tensor([0.0], requires_grad=True, dtype=np.float64)
    late = gn.Tensor([0.0], requires_grad=True, dtype=np.float64)
    params = [early]
    model = type("Model", (), {"parameters": lambda self: params})()
    optimizer = Adam(model, lr=0.1)
    for _ in range(5):
        early.grad = np.array([1.0])
        optimizer.step()
    params.append(late)
    late.grad = np.array([3.0])
    early.grad = np.array([1.0])
    optimizer.step()
    # Adam's first step for a parameter has size lr: its step count starts at 1.
    np.testing.assert_allclose(host(late), [-0.1], rtol=1e-6)
    assert optimizer.state[late].step == 1
    assert optimizer.state[early].step == 6


def test_a_single_tensor_is_accepted_and_duplicates_are_updated_once():
    weights = gn.Tensor([1.0], requires_grad=True, dtype=np.float64)
    assert SGD(weights).parameters() == [weights]
    optimizer = SGD([weights, weights], lr=0.5)
    assert optimizer.parameters() == [weights]
    weights.grad = np.array([1.0])
    optimizer.step()
    assert weights.item() == 0.5


def test_parameters_from_a_generator_are_kept():
    tensors = [gn.Tensor([1.0], requires_grad=True) for _ in range(3)]
    optimizer = SGD(t for t in tensors)
    assert optimizer.parameters() == tensors
    assert optimizer.parameters() == tensors  # a second read still sees them


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([1.0, 2.0], "params: item 0 must be a glassnet Tensor, got float"),
        (5, "params must be an iterable of glassnet Tensors or an object with a .parameters()"),
        ({"w": 1}, "params must be an iterable of glassnet Tensors"),
    ],
)
def test_bad_params_raise_config_error(params, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        SGD(params)


def test_a_model_returning_non_tensors_is_reported_at_step():
    model = type("Broken", (), {"parameters": lambda self: [np.zeros(2)]})()
    optimizer = SGD(model)
    with pytest.raises(ConfigError, match=re.escape("Broken.parameters(): item 0 must be")):
        optimizer.step()


def test_a_gradient_of_the_wrong_shape_raises_shape_error():
    weights = gn.Tensor(np.zeros((2, 3)), requires_grad=True)
    weights.grad = np.zeros((3,), dtype=np.float32)
    with pytest.raises(ShapeError, match=re.escape("has shape (2, 3) but its grad has shape (3,)")):
        SGD([weights]).step()


# -- the learning rate ---------------------------------------------------------------


def test_lr_can_be_changed_between_steps():
    weights = gn.Tensor([0.0], requires_grad=True, dtype=np.float64)
    optimizer = SGD([weights], lr=0.1)
    weights.grad = np.array([1.0])
    optimizer.step()
    optimizer.lr = 0.5
    optimizer.step()
    assert weights.item() == pytest.approx(-0.6, rel=1e-15)
    optimizer.lr = 0  # a schedule may reach 0 (cosine's end, a warm-up's start)
    optimizer.step()
    assert weights.item() == pytest.approx(-0.6, rel=1e-15)


@pytest.mark.parametrize("bad", [-0.1, float("nan"), "fast", None])
def test_setting_a_bad_lr_raises_and_keeps_the_old_one(bad):
    optimizer = SGD([], lr=0.1)
    with pytest.raises(ConfigError, match="learning rate must be a non-negative number, got"):
        optimizer.lr = bad
    assert optimizer.lr == 0.1


def test_repr_shows_the_settings():
    text = repr(SGD([], lr=0.5, momentum=0.9))
    assert text.startswith("SGD(lr=0.5, ")
    assert "momentum=0.9" in text


def test_a_lazily_built_glassnet_model_is_trained():
    gn.seed(0)
    model = gn.Sequential([gn.Dense(8, activation="tanh"), gn.Dense(1)])
    optimizer = Adam(model, lr=0.05)
    assert optimizer.parameters() == []  # the layers have not seen an input yet
    x = gn.Tensor(np.linspace(-1.0, 1.0, 32).reshape(16, 2))
    y = gn.Tensor(np.sin(np.linspace(0.0, 3.0, 16)).reshape(16, 1))
    losses = []
    for _ in range(60):
        optimizer.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert len(optimizer.parameters()) == 4  # two kernels, two biases
    assert losses[-1] < 0.1 * losses[0]


def _pytorch_style_run(make_optimizer) -> list[float]:
    """Losses of the PyTorch loop: optimizer made from an unbuilt model, then zero_grad/backward/step."""
    gn.seed(0)
    net = gn.Sequential([gn.Dense(8, activation="tanh"), gn.Dense(1)])
    optimizer = make_optimizer(net)
    x = gn.Tensor(np.linspace(-1.0, 1.0, 32).reshape(16, 2))
    y = gn.Tensor(np.sin(np.linspace(0.0, 3.0, 16)).reshape(16, 1))
    losses = []
    for _ in range(60):
        optimizer.zero_grad()
        loss = ((net(x) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize(("optimizer_cls", "settings"), ALL_OPTIMIZERS)
def test_an_optimizer_made_from_parameters_of_an_unbuilt_model_trains_it(optimizer_cls, settings):
    # gn.Adam(net.parameters()) before the first forward pass: the list is empty then,
    # and the optimizer must still train the weights the forward pass creates.
    settings = {"lr": 0.05, **settings}
    losses = _pytorch_style_run(lambda net: optimizer_cls(net.parameters(), **settings))
    assert losses[-1] < 0.5 * losses[0]


def test_module_parameters_are_re_read_so_the_optimizer_sees_the_built_weights():
    gn.seed(0)
    net = gn.Sequential([gn.Dense(8), gn.Dense(1)])
    optimizer = Adam(net.parameters(), lr=0.01)
    assert optimizer.parameters() == []
    net(gn.Tensor(np.zeros((1, 3))))
    assert optimizer.parameters() == net.parameters()
    assert len(optimizer.parameters()) == 4


def test_an_empty_copied_parameter_list_is_refused_at_step_naming_the_fix():
    net = gn.Sequential([gn.Dense(8), gn.Dense(1)])
    optimizer = Adam(list(net.parameters()), lr=0.01)  # a copy: a fixed, empty list
    with pytest.raises(ConfigError, match=r"no parameters to update.*Adam\(model\)"):
        optimizer.step()
