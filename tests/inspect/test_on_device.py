"""The glass-box tools on a model whose weights live on a device: the CPU's numbers.

Each test runs the same seeded model once on the CPU and once moved to the device under
test (the ``device`` fixture: the CPU, the CuPy-strict stand-in, the GPU where there is
one) and compares what the tool reports. Results always come back as NumPy arrays.
"""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import backend
from glassnet.inspect import plots
from glassnet.inspect.plots.histograms import layer_gradients
from glassnet.inspect.report import build_report
from glassnet.nn.conv import feature_maps


def _x(rows: int = 12) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(rows, 3))


def _y(rows: int = 12) -> np.ndarray:
    x = _x(rows)
    return (x[:, 0] - x[:, 2] > 0).astype(np.int64)


def _model(device: str) -> gn.Sequential:
    model = gn.Sequential(
        [gn.Dense(4, "relu", rng=0, name="hidden"), gn.Dense(2, rng=1, name="out")], name="net"
    ).to(device)
    model(_x(2))  # builds the weights on the device
    return model


def _compiled(device: str) -> gn.Sequential:
    model = _model(device)
    return model.compile("sgd", gn.CategoricalCrossEntropy(from_logits=True), ["accuracy"])


def _on_device(model: gn.Module, device: str) -> None:
    name = backend.get_device_object(device).name
    assert all(p.device == name for p in model.parameters())


def _assert_same(actual, expected, what: str = "") -> None:
    assert isinstance(actual, np.ndarray), what
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6, err_msg=what)


def test_forward_trace_gives_the_cpu_numbers(device):
    on_device = gn.inspect.trace(_model(device), _x()[0], file=None)
    on_cpu = gn.inspect.trace(_model("cpu"), _x()[0], file=None)
    assert str(on_device) == str(on_cpu)
    _assert_same(on_device.output, on_cpu.output)
    for layer, expected in zip(on_device.layers, on_cpu.layers, strict=True):
        _assert_same(layer.output, expected.output, layer.name)
        _assert_same(layer.pre_activation, expected.pre_activation, layer.name)
        assert [n.weights.tolist() for n in layer.neurons] == [
            n.weights.tolist() for n in expected.neurons
        ]


def test_step_trace_gives_the_cpu_numbers_and_updates_the_device_weights(device):
    model = _model(device)
    on_device = gn.inspect.trace_step(model, _x()[0], [0.5, -1.0], lr=0.1, file=None)
    on_cpu = gn.inspect.trace_step(_model("cpu"), _x()[0], [0.5, -1.0], lr=0.1, file=None)
    assert str(on_device) == str(on_cpu)
    assert on_device.loss_after == pytest.approx(on_cpu.loss_after, rel=1e-6)
    _assert_same(on_device.output_grad, on_cpu.output_grad)
    for key, parts in on_cpu.parameters.items():
        for part, expected in parts.items():
            _assert_same(on_device.parameters[key][part], expected, f"{key} {part}")
    for step, expected in zip(on_device.layers, on_cpu.layers, strict=True):
        _assert_same(step.delta, expected.delta, step.name)
        _assert_same(step.slope, expected.slope, step.name)
    _on_device(model, device)
    _assert_same(model[0].kernel.numpy(), on_cpu.parameters["0.kernel"]["after"])


def test_trace_step_through_an_activation_layer(device):
    def model(where: str) -> gn.Sequential:
        net = gn.Sequential(
            [
                gn.Dense(3, rng=0, name="a"),
                gn.Activation("tanh", name="b"),
                gn.Dense(1, rng=1, name="c"),
            ]
        )
        return net.to(where)

    on_device = gn.inspect.trace_step(model(device), _x()[1], [0.3], file=None)
    on_cpu = gn.inspect.trace_step(model("cpu"), _x()[1], [0.3], file=None)
    assert str(on_device) == str(on_cpu)


def test_attributions_and_importance_equal_the_cpu_ones(device):
    model, cpu = _compiled(device), _compiled("cpu")
    x, y = _x(), _y()
    _assert_same(gn.inspect.saliency(model, x), gn.inspect.saliency(cpu, x), "saliency")
    _assert_same(
        gn.inspect.integrated_gradients(model, x, steps=8),
        gn.inspect.integrated_gradients(cpu, x, steps=8),
        "integrated gradients",
    )
    explained, expected = gn.inspect.explain(model, x[0]), gn.inspect.explain(cpu, x[0])
    assert explained.prediction == pytest.approx(expected.prediction, rel=1e-6)
    _assert_same(explained.attributions, expected.attributions)
    importance = gn.inspect.permutation_importance(model, x, y, n_repeats=2)
    cpu_importance = gn.inspect.permutation_importance(cpu, x, y, n_repeats=2)
    _assert_same(importance.importances, cpu_importance.importances)
    _on_device(model, device)


def test_plots_draw_a_device_model(device, tmp_path):
    model, cpu = _compiled(device), _compiled("cpu")
    x, y = _x(), _y()
    plots.plot_weights(model, path=tmp_path / "weights.png")
    plots.plot_network(model)
    plots.plot_activation_histograms(model, x)
    two_inputs = gn.Sequential([gn.Dense(2, rng=2)]).to(device)
    two_inputs(x[:1, :2])
    two_inputs.compile("sgd", gn.CategoricalCrossEntropy(from_logits=True))
    plots.plot_decision_boundary(two_inputs, x[:, :2], y, resolution=10)
    rows = layer_gradients(model, x, y)
    for (name, values), (_, expected) in zip(rows, layer_gradients(cpu, x, y), strict=True):
        _assert_same(values, expected, name)
    figure = plots.plot_loss_surface(model, x, y, ["0.kernel[0,0]"], steps=2, resolution=5)
    expected = plots.plot_loss_surface(cpu, x, y, ["0.kernel[0,0]"], steps=2, resolution=5)
    _assert_same(figure.axes[0].lines[-1].get_ydata(), expected.axes[0].lines[-1].get_ydata())
    assert (tmp_path / "weights.png").stat().st_size > 0
    _on_device(model, device)


def test_conv_filters_and_feature_maps_come_back_to_the_host(device):
    def model(where: str) -> gn.Sequential:
        net = gn.Sequential([gn.Conv2D(2, 3, rng=0, name="conv"), gn.Flatten(), gn.Dense(1, rng=1)])
        return net.to(where)

    images = np.random.default_rng(1).normal(size=(2, 1, 5, 5))
    net, cpu = model(device), model("cpu")
    maps, expected = feature_maps(net, images, 0), feature_maps(cpu, images, 0)
    _assert_same(maps, expected)
    _assert_same(net[0].filters, cpu[0].filters)
    plots.plot_filters(net)
    plots.plot_feature_maps(net, images)


def test_html_report_of_a_device_model(device):
    sections = ("model", "metrics", "network", "importance", "trace")
    page = build_report(_compiled(device), _x(), _y(), sections=sections)
    assert page == build_report(_compiled("cpu"), _x(), _y(), sections=sections)
