import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.inspect.plots import plot_loss_surface
from tests.inspect.plots.conftest import assert_picture


def test_single_weight_path_is_gradient_descent_of_the_articles_example(tmp_path):
    # loss = (2w − 6)², dloss/dw = 4(2w − 6) = 16 at w = 5; lr 0.05 → 5 − 0.8 = 4.2.
    model = gn.Sequential([gn.Dense(1, use_bias=False, input_dim=1)]).compile("sgd", "mse")
    model[0].kernel.data[...] = 3.0
    figure = plot_loss_surface(
        model,
        [[2.0]],
        [[6.0]],
        ["0.kernel[0,0]"],
        start=[5.0],
        steps=3,
        lr=0.05,
        path=tmp_path / "surface.svg",
    )
    assert_picture(tmp_path / "surface.svg")
    path = figure.axes[0].lines[-1]
    np.testing.assert_allclose(path.get_xdata(), [5.0, 4.2, 3.72, 3.432], rtol=1e-5)
    np.testing.assert_allclose(
        path.get_ydata(), [(2 * w - 6) ** 2 for w in path.get_xdata()], rtol=1e-5
    )
    assert model[0].kernel.data[0, 0] == 3.0  # put back


def test_two_weights_of_a_trained_model_give_contours_and_a_path(quadrants, tmp_path):
    model, _, x, y = quadrants
    before = model.state_dict()
    figure = plot_loss_surface(
        model,
        x,
        y,
        ["2.kernel[0,0]", ("2.kernel", (1, 0))],
        steps=5,
        resolution=12,
        path=tmp_path / "surface.png",
    )
    assert_picture(tmp_path / "surface.png")
    axes = figure.axes[0]
    assert len(axes.lines[-1].get_xdata()) == 6
    assert axes.get_xlabel() == "2.kernel[0,0]" and axes.get_ylabel() == "2.kernel[1,0]"
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_bad_weight_names_say_what_exists(quadrants):
    model, _, x, y = quadrants
    with pytest.raises(ConfigError, match="no parameter"):
        plot_loss_surface(model, x, y, ["9.kernel[0,0]"])
    with pytest.raises(ConfigError, match="does not fit"):
        plot_loss_surface(model, x, y, ["2.kernel[7,0]"])
