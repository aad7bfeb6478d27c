import numpy as np
import pytest
from matplotlib.collections import LineCollection

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.inspect.plots import plot_network
from glassnet.inspect.plots.network import shown_neurons
from tests.helpers import set_values
from tests.inspect.plots.conftest import assert_picture


def _edges(figure):
    (lines,) = [c for c in figure.axes[0].collections if isinstance(c, LineCollection)]
    return lines


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_network_picture_of_a_trained_model_has_one_edge_per_weight(quadrants, tmp_path, suffix):
    model = quadrants[0]
    figure = plot_network(model, path=tmp_path / f"net{suffix}")
    assert_picture(tmp_path / f"net{suffix}")
    assert len(_edges(figure).get_segments()) == 2 * 8 + 8 * 6 + 6 * 2


def test_edge_colour_follows_the_sign_and_width_the_size():
    model = gn.Sequential([gn.Dense(2, use_bias=False, input_dim=2)])
    set_values(model[0].kernel, np.array([[1.0, -0.5], [0.25, -1.0]]))
    lines = _edges(plot_network(model))
    colours = [tuple(np.round(c[:3], 3)) for c in lines.get_colors()]
    positive, negative = colours[0], colours[1]
    assert positive != negative
    assert colours == [positive, negative, positive, negative]  # order: w00, w01, w10, w11
    widths = lines.get_linewidths()
    assert widths[0] == pytest.approx(widths[3])  # |1| == |-1|
    assert widths[2] < widths[1] < widths[0]  # 0.25 < 0.5 < 1


def test_wide_layers_show_a_subset_with_an_ellipsis():
    model = gn.Sequential([gn.Dense(30, input_dim=40), gn.Dense(3)])
    model(gn.Tensor(np.zeros((1, 40))))
    figure = plot_network(model, max_neurons=6)
    assert len(_edges(figure).get_segments()) == 6 * 6 + 6 * 3
    assert sum(text.get_text() == "⋮" for text in figure.axes[0].texts) == 2
    assert shown_neurons(40, 6) == [0, 1, 2, 3, 38, 39]


def test_an_unbuilt_layer_is_refused():
    model = gn.Sequential([gn.Dense(3, input_dim=2), gn.Dense(1)])
    with pytest.raises(ConfigError, match="no weights yet"):
        plot_network(model)
