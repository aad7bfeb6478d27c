"""ONNX export: onnxruntime, an independent runtime, matches glassnet's predictions."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.data import MinMaxScaler, StandardScaler
from glassnet.errors import ConfigError

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def run_onnx(path, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"input": x.astype(np.float32)})[0]


def trained(model: gn.Module, x: np.ndarray, y: np.ndarray, loss: str) -> gn.Module:
    model.compile(gn.Adam(model, lr=0.01), loss)
    model.fit(x, y, epochs=2, batch_size=16, rng=0, verbose=0)
    return model


def test_mlp_matches_onnxruntime(tmp_path):
    gn.seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 6)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0.5)
    layers = [gn.Dense(16, activation="relu"), gn.Dropout(0.3), gn.Dense(8, activation="tanh")]
    layers += [gn.Dense(8, activation="sigmoid"), gn.Dense(8, activation="elu")]
    layers += [gn.Dense(8, activation="gelu"), gn.LeakyReLU(0.1), gn.Dense(3), gn.Softmax()]
    model = trained(gn.Sequential(layers), x, y, "categorical_crossentropy")
    proto = model.export_onnx(tmp_path / "mlp.onnx")
    onnx.checker.check_model(onnx.load(tmp_path / "mlp.onnx"))
    assert [n.op_type for n in proto.graph.node][:3] == ["Gemm", "Relu", "Gemm"]
    np.testing.assert_allclose(run_onnx(tmp_path / "mlp.onnx", x), model.predict(x), atol=1e-5)


def test_cnn_with_batch_norm_and_pooling_matches_onnxruntime(tmp_path):
    gn.seed(1)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 2, 9, 9)).astype(np.float32)  # NCHW, odd sizes: padding shows
    y = (x[:, 0].mean(axis=(1, 2)) > 0).astype(np.int64)
    model = gn.Sequential(
        [
            gn.Conv2D(4, 3, padding="same", activation="relu"),
            gn.BatchNorm(),
            gn.MaxPool2D(2, padding="same"),
            gn.Conv2D(3, (3, 2), stride=2, padding=1, activation="tanh"),
            gn.AvgPool2D(2, stride=1, padding=1),
            gn.Flatten(),
            gn.Dense(2),
        ]
    )
    model = trained(model, x, y, "categorical_crossentropy")
    model.export_onnx(tmp_path / "cnn.onnx")
    np.testing.assert_allclose(run_onnx(tmp_path / "cnn.onnx", x), model.predict(x), atol=1e-5)


def test_global_average_pooling_and_batch_norm_on_features(tmp_path):
    gn.seed(2)
    x = np.random.default_rng(2).normal(size=(16, 3, 6, 6)).astype(np.float32)
    model = gn.Sequential([gn.Conv2D(4, 3), gn.GlobalAveragePooling2D(), gn.BatchNorm()])
    model = trained(model, x, np.zeros((16, 4), np.float32), "mse")
    model.export_onnx(tmp_path / "gap.onnx")
    np.testing.assert_allclose(run_onnx(tmp_path / "gap.onnx", x), model.predict(x), atol=1e-5)


@pytest.mark.parametrize("scaler", [StandardScaler(), MinMaxScaler((-1, 1))])
def test_scalers_become_the_first_nodes(tmp_path, scaler):
    gn.seed(3)
    rng = np.random.default_rng(3)
    raw = rng.normal(50, 20, size=(40, 4)).astype(np.float32)
    scaler.fit(raw)
    target = StandardScaler().fit(raw[:, :1] * 3)
    model = gn.Sequential([gn.Dense(5, activation="tanh", input_dim=4), gn.Dense(1)])
    model.preprocessing = {"scaler": scaler.get_state(), "target_scaler": target.get_state()}
    model.export_onnx(tmp_path / "scaled.onnx")
    expected = target.inverse_transform(model.predict(scaler.transform(raw)))
    got = run_onnx(tmp_path / "scaled.onnx", raw)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-5)


def test_unsupported_layer_and_unbuilt_model_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="input shape is unknown"):
        gn.Sequential([gn.Dense(2)]).export_onnx(tmp_path / "x.onnx")
    model = gn.Sequential([gn.Dense(2, input_dim=3), gn.LayerNorm()])
    with pytest.raises(ConfigError, match=r"LayerNorm.*no ONNX export"):
        model.export_onnx(tmp_path / "x.onnx", input_shape=(3,))
    assert not (tmp_path / "x.onnx").exists()


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_recurrent_models_match_onnxruntime(tmp_path, kind, go_backwards):
    gn.seed(4)
    rng = np.random.default_rng(4)
    x = rng.normal(size=(24, 7, 3)).astype(np.float32)  # (batch, time, features)
    y = x[:, :, 0].sum(axis=1, keepdims=True)
    layer = getattr(gn, kind)
    model = gn.Sequential(
        [
            layer(6, return_sequences=True, go_backwards=go_backwards),
            layer(5),  # the last step's output
            gn.Dense(1),
        ]
    )
    model = trained(model, x, y, "mse")
    proto = model.export_onnx(tmp_path / "rnn.onnx")
    assert {"LSTM": "LSTM", "GRU": "GRU", "SimpleRNN": "RNN"}[kind] in {
        n.op_type for n in proto.graph.node
    }
    np.testing.assert_allclose(run_onnx(tmp_path / "rnn.onnx", x), model.predict(x), atol=1e-5)


def test_lstm_sequence_output_through_dense(tmp_path):
    gn.seed(5)
    x = np.random.default_rng(5).normal(size=(8, 6, 2)).astype(np.float32)
    model = gn.Sequential([gn.LSTM(4, return_sequences=True), gn.Dense(3)])  # many-to-many
    model = trained(model, x, np.zeros((8, 6, 3), np.float32), "mse")
    model.export_onnx(tmp_path / "seq.onnx")
    np.testing.assert_allclose(run_onnx(tmp_path / "seq.onnx", x), model.predict(x), atol=1e-5)
