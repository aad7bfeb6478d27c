import numpy as np
import pytest

from glassnet.inspect.plots import plot_activation_histograms, plot_gradient_histograms
from glassnet.inspect.plots.histograms import layer_gradients
from tests.inspect.plots.conftest import assert_picture


def _counted(axes) -> int:
    return round(sum(patch.get_height() for patch in axes.patches))


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_activation_histograms_count_every_neuron_output(quadrants, tmp_path, suffix):
    model, _, x, _ = quadrants
    figure = plot_activation_histograms(model, x, path=tmp_path / f"a{suffix}")
    assert_picture(tmp_path / f"a{suffix}")
    assert [_counted(axes) for axes in figure.axes] == [len(x) * 8, len(x) * 6, len(x) * 2]


def test_gradient_histograms_show_each_kernels_gradient(quadrants, tmp_path):
    model, _, x, y = quadrants
    before = [p.grad for p in model.parameters()]
    figure = plot_gradient_histograms(model, x, y, path=tmp_path / "g.png")
    assert_picture(tmp_path / "g.png")
    assert [_counted(axes) for axes in figure.axes] == [2 * 8, 8 * 6, 6 * 2]
    assert all(a is b for a, b in zip(before, [p.grad for p in model.parameters()], strict=True))
    gradients = layer_gradients(model, x, y)
    assert [g.shape for _, g in gradients] == [(2, 8), (8, 6), (6, 2)]
    assert all(np.abs(g).sum() > 0 for _, g in gradients)
