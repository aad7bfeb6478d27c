"""SimpleRNN, LSTM, GRU and Bidirectional layers: the standard checks, flags, masks, save/load."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from tests.helpers import check_config_roundtrip, check_gradients, check_layer, random_array

B, T, F, H = 2, 4, 3, 3
LAYERS = {"SimpleRNN": gn.SimpleRNN, "LSTM": gn.LSTM, "GRU": gn.GRU}
MASK = np.array([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=bool)


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("return_sequences", [False, True])
def test_standard_layer_checks(name, return_sequences):
    out = (B, T, H) if return_sequences else (B, H)
    check_layer(lambda: LAYERS[name](H, return_sequences=return_sequences, rng=0), (B, T, F), out)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_gradients_with_mask_initial_state_and_return_state(name):
    cls = LAYERS[name]
    count = 2 if name == "LSTM" else 1
    x = random_array((B, T, F), seed=2)
    with gn.default_dtype("float64"):
        states = [
            gn.Tensor(random_array((B, H), seed=3 + k), requires_grad=True) for k in range(count)
        ]

    def make():
        return cls(H, return_sequences=True, return_state=True, go_backwards=True, rng=1)

    def wrap(layer):
        def run(x):
            outs = layer(x, mask=MASK, initial_state=states if count > 1 else states[0])
            return gn.ops.concatenate([o.reshape(B, -1) for o in outs], axis=1)

        return run

    check_gradients(make, x, fn=wrap)
    # The initial states' gradients, checked on their own.
    with gn.default_dtype("float64"):
        layer = make()
        layer(gn.Tensor(x))
    report = gn.gradcheck(lambda *s: wrap_states(layer, x, s), *[s.data for s in states], params=[])
    assert report.ok


def wrap_states(layer, x, states):
    outs = layer(gn.Tensor(x, dtype=np.float64), mask=MASK, initial_state=list(states))
    return gn.ops.concatenate([o.reshape(B, -1) for o in outs], axis=1)


def test_return_state_shapes_and_stacking():
    x = gn.Tensor(random_array((B, T, F)))
    out, h, c = gn.LSTM(H, return_state=True)(x)
    assert out is h and out.shape == (B, H) and c.shape == (B, H)
    seq, h = gn.GRU(H, return_sequences=True, return_state=True)(x)
    np.testing.assert_allclose(seq.numpy()[:, -1], h.numpy(), rtol=1e-6)
    model = gn.Sequential([gn.LSTM(5, return_sequences=True), gn.GRU(4), gn.Dense(2)])
    assert model(x).shape == (B, 2)


def test_mask_reaches_stacked_layers_through_embedding():
    ids = np.array([[3, 1, 2, 0, 0], [4, 4, 0, 0, 0]])
    gn.seed(0)
    model = gn.Sequential(
        [gn.Embedding(6, 3, mask_zero=True), gn.LSTM(4, return_sequences=True), gn.SimpleRNN(2)]
    )
    full = model(ids).numpy()
    # Padding (id 0) changes nothing: the same sequences without it give the same outputs.
    np.testing.assert_allclose(model(ids[:1, :3]).numpy()[0], full[0], rtol=1e-5)
    np.testing.assert_allclose(model(ids[1:, :2]).numpy()[0], full[1], rtol=1e-5)


def test_masking_layer_and_explicit_mask_agree():
    x = random_array((B, T, F), seed=4)
    x[1, 2:] = 0.0
    layer = gn.GRU(H, rng=0)
    implicit = gn.Sequential([gn.Masking(0.0), layer])(gn.Tensor(x)).numpy()
    explicit = layer(gn.Tensor(x), mask=MASK).numpy()
    np.testing.assert_array_equal(implicit, explicit)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave"])
def test_bidirectional(merge_mode):
    width = 2 * H if merge_mode == "concat" else H
    check_layer(
        lambda: gn.Bidirectional(gn.LSTM(H, return_sequences=True, rng=0), merge_mode=merge_mode),
        (B, T, F),
        (B, T, width),
    )


def test_bidirectional_masks_states_and_halves():
    x = random_array((B, T, F), seed=5)

    def make():
        return gn.Bidirectional(gn.GRU(H, return_sequences=True, return_state=True, rng=0))

    def wrap(layer):
        def run(x):
            outs = layer(x, mask=MASK)
            return gn.ops.concatenate([o.reshape(B, -1) for o in outs], axis=1)

        return run

    check_gradients(make, x, fn=wrap)
    layer = make()
    out, _h_fwd, h_bwd = layer(gn.Tensor(x), mask=MASK)
    # The backward half of a post-padded sequence starts at its last real step.
    alone = layer.backward_layer(gn.Tensor(x[1:, :2]))[0].numpy()
    np.testing.assert_allclose(out.numpy()[1, :2, H:], alone[0], rtol=1e-5)
    np.testing.assert_allclose(h_bwd.numpy()[1], alone[0, 0], rtol=1e-5)
    assert np.all(out.numpy()[1, 2:] == 0)


def test_save_and_load_a_recurrent_model(tmp_path):
    gn.seed(0)
    model = gn.Sequential(
        [
            gn.Embedding(7, 3, mask_zero=True),
            gn.Bidirectional(gn.LSTM(4, return_sequences=True)),
            gn.GRU(3),
            gn.Dense(2),
        ]
    )
    ids = np.array([[1, 2, 3, 0], [4, 5, 0, 0]])
    expected = model(ids).numpy()
    gn.save_model(model, tmp_path / "model")
    loaded = gn.load_model(tmp_path / "model")
    np.testing.assert_array_equal(loaded(ids).numpy(), expected)
    for cls in (gn.SimpleRNN, gn.LSTM, gn.GRU):
        check_config_roundtrip(lambda cls=cls: cls(3, return_state=True, go_backwards=True))


def test_weights_follow_the_documented_layout():
    layer = gn.LSTM(H)
    layer(gn.Tensor(np.zeros((1, 2, F))))
    assert layer.kernel.shape == (F, 4 * H) and layer.recurrent_kernel.shape == (H, 4 * H)
    np.testing.assert_array_equal(layer.bias.numpy()[H : 2 * H], 1.0)  # unit_forget_bias
    gru = gn.GRU(H)
    gru(gn.Tensor(np.zeros((1, 2, F))))
    assert [n for n, _ in gru.named_parameters()] == [
        "kernel",
        "recurrent_kernel",
        "bias",
        "recurrent_bias",
    ]


def test_clear_errors():
    with pytest.raises(gn.ShapeError, match=r"expects inputs of shape \(batch, time, features\)"):
        gn.LSTM(3)(gn.Tensor(np.zeros((2, 3))))
    layer = gn.GRU(3)
    layer(gn.Tensor(np.zeros((2, 4, 5))))
    with pytest.raises(gn.ShapeError, match=r"\(batch, time, 5\), got shape \(2, 4, 6\)"):
        layer(gn.Tensor(np.zeros((2, 4, 6))))
    with pytest.raises(gn.ShapeError, match=r"mask must have shape \(batch, time\) = \(2, 4\)"):
        layer(gn.Tensor(np.zeros((2, 4, 5))), mask=np.ones((2, 3)))
    with pytest.raises(gn.ConfigError, match="takes 2 initial state"):
        gn.LSTM(3)(gn.Tensor(np.zeros((2, 4, 5))), initial_state=np.zeros((2, 3)))
    with pytest.raises(gn.ConfigError, match="units must be a positive integer"):
        gn.SimpleRNN(0)
    with pytest.raises(gn.ConfigError, match="'tanh' or 'relu'"):
        gn.SimpleRNN(2, activation="sigmoid")
    with pytest.raises(gn.ConfigError, match="wraps a SimpleRNN, LSTM or GRU"):
        gn.Bidirectional(gn.Dense(3))
