"""Module and Parameter: registration, traversal, modes, state, summary, regularization, seeding."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, ShapeError
from tests.helpers import host, random_array, set_values


class TwoLayer(gn.Module):
    """A user model: a scale parameter, a hidden layer and an output layer."""

    def __init__(self):
        super().__init__(name="two_layer")
        self.scale = gn.Parameter(np.ones(1))
        self.hidden = gn.Dense(4, activation="tanh", name="hidden")
        self.out = gn.Dense(1, name="out")

    def forward(self, x):
        return self.out(self.hidden(x)) * self.scale


def _built_two_layer():
    model = TwoLayer()
    model(gn.Tensor(np.zeros((2, 3))))
    return model


# -- Parameter ------------------------------------------------------------------------------


def test_parameter_requires_grad_and_keeps_a_regularizer():
    p = gn.Parameter([1.0, 2.0])
    assert p.requires_grad
    assert p.is_leaf
    assert p.regularizer is None
    assert p.dtype == np.float32
    penalty = gn.L2(0.5)
    assert gn.Parameter([1.0], regularizer=penalty).regularizer is penalty


# -- registration and traversal ---------------------------------------------------------------


def test_named_parameters_order_and_paths():
    model = _built_two_layer()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["scale", "hidden.kernel", "hidden.bias", "out.kernel", "out.bias"]
    assert [p.shape for _, p in model.named_parameters()] == [(1,), (3, 4), (4,), (4, 1), (1,)]
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert model.count_params() == 1 + 12 + 4 + 4 + 1


def test_parameters_of_an_unbuilt_layer_appear_after_the_first_call():
    model = TwoLayer()
    assert [name for name, _ in model.named_parameters()] == ["scale"]
    model(gn.Tensor(np.zeros((1, 3))))
    assert len(model.parameters()) == 5


def test_named_modules_children_and_modules():
    model = _built_two_layer()
    assert [(path, m.name) for path, m in model.named_modules()] == [
        ("", "two_layer"),
        ("hidden", "hidden"),
        ("out", "out"),
    ]
    assert list(model.children()) == [model.hidden, model.out]
    assert list(model.modules()) == [model, model.hidden, model.out]


def test_reassigning_an_attribute_replaces_its_registration():
    model = _built_two_layer()
    model.scale = None
    assert "scale" not in dict(model.named_parameters())
    model.hidden = gn.Dense(2, name="smaller")
    assert "hidden.kernel" not in dict(model.named_parameters())  # the new layer is not built yet


def test_forgetting_super_init_is_a_clear_error():
    class Forgetful(gn.Module):
        def __init__(self):
            self.w = gn.Parameter([1.0])

    with pytest.raises(ConfigError, match=r"super\(\).__init__\(\)"):
        Forgetful()


def test_default_names_are_distinct_and_explicit_names_kept():
    a, b = gn.Dense(1), gn.Dense(1)
    assert a.name != b.name
    assert a.name.startswith("dense")
    assert gn.Dense(1, name="hidden1").name == "hidden1"
    assert gn.BatchNorm().name.startswith("batch_norm")
    assert repr(gn.Dense(1, name="x")) == "Dense(name='x')"


def test_add_weight_uses_the_layer_rng():
    class Custom(gn.Module):
        def __init__(self, seed):
            super().__init__()
            self.rng = np.random.default_rng(seed)

        def build(self, input_shape):
            self.add_weight("w", (input_shape[-1], 2), "he_normal")

        def forward(self, x):
            return x @ self.w

    a, b = Custom(3), Custom(3)
    a(gn.Tensor(np.ones((1, 4))))
    b(gn.Tensor(np.ones((1, 4))))
    np.testing.assert_array_equal(a.w.numpy(), b.w.numpy())
    assert isinstance(a.w, gn.Parameter)
    assert [name for name, _ in a.named_parameters()] == ["w"]


def test_plain_module_get_config_is_refused():
    with pytest.raises(ConfigError, match="state_dict"):
        TwoLayer().get_config()


# -- define-by-run user models -------------------------------------------------------------


class Looping(gn.Module):
    """Applies its hidden layer as many times as the input asks: the graph follows Python."""

    def __init__(self):
        super().__init__()
        with gn.default_dtype("float64"):
            self.hidden = gn.Dense(3, activation="tanh", rng=0, input_dim=3)
            self.out = gn.Dense(1, rng=1, input_dim=3)

    def forward(self, x, repeats=2):
        for _ in range(repeats):
            x = self.hidden(x)
        return self.out(x)


def test_a_user_subclass_with_custom_forward_trains_with_manual_sgd():
    model = Looping()
    rng = np.random.default_rng(0)
    x = gn.Tensor(rng.uniform(-1, 1, (32, 3)), dtype=np.float64)
    y = np.sin(x.numpy().sum(axis=1, keepdims=True))
    loss_fn = gn.MSE()
    first = loss_fn(model(x), y).item()
    for _ in range(200):
        model.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
    assert loss_fn(model(x), y).item() < 0.2 * first
    # The number of hidden applications is chosen per call; gradients follow it.
    gn.gradcheck(lambda inp: model(inp, repeats=3), x.numpy()[:4], params=model.named_parameters())


def test_zero_grad_clears_every_parameter():
    model = _built_two_layer()
    model(gn.Tensor(np.ones((2, 3)))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


# -- modes ---------------------------------------------------------------------------------


def test_train_and_eval_propagate_to_every_sub_module():
    model = gn.Sequential([gn.Dense(2), gn.Sequential([gn.Dropout(0.5), gn.BatchNorm()])])
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    assert model.train() is model
    assert all(m.training for m in model.modules())
    model.train(False)
    assert not model[1][0].training


# -- state ---------------------------------------------------------------------------------


def test_state_dict_round_trip_restores_outputs():
    x = gn.Tensor(random_array((4, 3), seed=1))
    source, target = _built_two_layer(), _built_two_layer()
    set_values(source.scale, 2.5)
    assert not np.array_equal(source(x).numpy(), target(x).numpy())
    state = source.state_dict()
    assert list(state) == ["scale", "hidden.kernel", "hidden.bias", "out.kernel", "out.bias"]
    target.load_state_dict(state)
    np.testing.assert_array_equal(source(x).numpy(), target(x).numpy())


def test_state_dict_holds_copies():
    model = _built_two_layer()
    state = model.state_dict()
    state["hidden.kernel"][...] = 0.0
    assert np.any(model.hidden.kernel.numpy() != 0.0)


def test_state_dict_includes_buffers():
    model = gn.Sequential([gn.Dense(2), gn.BatchNorm()])
    model(gn.Tensor(np.ones((4, 3))))
    assert list(model.state_dict()) == [
        "0.kernel",
        "0.bias",
        "1.gamma",
        "1.beta",
        "1.running_mean",
        "1.running_var",
    ]


def test_load_state_dict_reports_missing_and_unexpected_keys():
    model = _built_two_layer()
    state = model.state_dict()
    del state["out.bias"]
    state["extra.weight"] = np.zeros(2)
    with pytest.raises(
        ConfigError, match=r"missing keys \['out.bias'\], unexpected keys \['extra.weight'\]"
    ):
        model.load_state_dict(state)


def test_load_state_dict_rejects_a_wrong_shape_and_leaves_the_model_unchanged():
    model = _built_two_layer()
    before = model.state_dict()
    state = {key: value + 1.0 for key, value in before.items()}
    state["out.kernel"] = np.zeros((5, 1))
    with pytest.raises(ShapeError, match=r"'out.kernel' has shape \(5, 1\).*\(4, 1\)"):
        model.load_state_dict(state)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_loading_into_an_unbuilt_model_hints_at_building_it():
    source = gn.Sequential([gn.Dense(2)])
    source(gn.Tensor(np.ones((1, 3))))
    with pytest.raises(ConfigError, match="not be built yet"):
        gn.Sequential([gn.Dense(2)]).load_state_dict(source.state_dict())


# -- summary -----------------------------------------------------------------------------------


def test_summary_prints_each_layer_its_output_shape_and_parameter_count():
    model = gn.Sequential(
        [
            gn.Dense(64, activation="relu", name="hidden1"),
            gn.Dropout(0.2, name="drop"),
            gn.Dense(10, name="logits"),
        ],
        name="mlp",
    )
    printed = []
    text = model.summary(input_shape=(20,), print_fn=printed.append)
    assert printed == [text]
    lines = text.splitlines()
    assert lines[0] == "Model: mlp (Sequential)"
    rows = {
        line.split()[0]: line.split()
        for line in lines
        if line.split() and line.split()[0] in ("hidden1", "drop", "logits")
    }
    assert rows["hidden1"][1:] == ["(Dense)", "(None,", "64)", "1,344"]
    assert rows["drop"][1:] == ["(Dropout)", "(None,", "64)", "0"]
    assert rows["logits"][1:] == ["(Dense)", "(None,", "10)", "650"]
    assert lines[-1] == "Total parameters: 1,994"
    assert model.training  # summary's dry run restores the mode


def test_summary_nests_sub_modules_and_explains_unbuilt_models():
    model = gn.Sequential([gn.Sequential([gn.Dense(3, name="inner")], name="block")], name="outer")
    text = model.summary(print_fn=lambda _: None)
    assert "block (Sequential)" in text
    assert "  inner (Dense)" in text
    assert "?" in text
    assert "summary(input_shape=...)" in text
    text = model.summary(input_shape=(2,), print_fn=lambda _: None)
    assert "(None, 3)" in text
    assert "Total parameters: 9" in text


# -- regularization ----------------------------------------------------------------------------


def test_regularization_loss_sums_every_penalty():
    with gn.default_dtype("float64"):
        model = gn.Sequential(
            [
                gn.Dense(
                    3,
                    kernel_regularizer=gn.L2(0.1),
                    bias_initializer="ones",
                    bias_regularizer=gn.L1(0.5),
                    input_dim=2,
                ),
                gn.Dense(1, kernel_regularizer="l1", input_dim=3),
                gn.Dense(1, input_dim=1),
            ]
        )
    k0, b0, k1 = model[0].kernel.numpy(), model[0].bias.numpy(), model[1].kernel.numpy()
    expected = 0.1 * np.sum(k0**2) + 0.5 * np.sum(np.abs(b0)) + 0.01 * np.sum(np.abs(k1))
    penalty = model.regularization_loss()
    assert penalty.item() == pytest.approx(expected, rel=1e-12)
    penalty.backward()
    np.testing.assert_allclose(host(model[0].kernel.grad), 0.2 * k0)
    np.testing.assert_allclose(host(model[0].bias.grad), 0.5 * np.sign(b0))
    assert model[2].kernel.grad is None


def test_regularization_loss_is_zero_without_regularizers():
    model = _built_two_layer()
    assert model.regularization_loss().item() == 0.0


# -- reproducibility -----------------------------------------------------------------------


def _train_a_few_steps():
    gn.seed(0)
    model = gn.Sequential([gn.Dense(8, activation="relu"), gn.Dropout(0.25), gn.Dense(2)])
    x = gn.Tensor(np.linspace(-1, 1, 30).reshape(10, 3))
    labels = np.arange(10) % 2
    loss_fn = gn.CategoricalCrossEntropy()
    for _ in range(5):
        model.zero_grad()
        loss_fn(model(x), labels).backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
    return [p.numpy().copy() for p in model.parameters()]


def test_the_same_seed_gives_bit_identical_weights_after_training():
    first, second = _train_a_few_steps(), _train_a_few_steps()
    assert len(first) == 4
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)
    gn.seed(1)
    other = gn.Sequential([gn.Dense(8), gn.Dense(2)])
    other(gn.Tensor(np.zeros((1, 3))))
    gn.seed(0)
    again = gn.Sequential([gn.Dense(8), gn.Dense(2)])
    again(gn.Tensor(np.zeros((1, 3))))
    assert not np.array_equal(other[0].kernel.numpy(), again[0].kernel.numpy())


def test_a_layer_rng_makes_weights_independent_of_the_global_stream():
    a = gn.Dense(4, rng=11, input_dim=3)
    gn.seed(5)
    gn.Dense(4, input_dim=3)  # draws from the global generator in between
    b = gn.Dense(4, rng=11, input_dim=3)
    assert np.array_equal(a.kernel.numpy(), b.kernel.numpy())
