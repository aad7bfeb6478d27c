import numpy as np
import pytest

from glassnet.errors import ConfigError
from glassnet.inspect.plots import plot_activation_functions
from glassnet.inspect.plots.activation_functions import curve, model_activations
from tests.inspect.plots.conftest import assert_picture


def test_the_models_activations_with_their_derivatives(quadrants, tmp_path):
    model = quadrants[0]
    assert model_activations(model) == ["tanh", "relu", "linear"]
    figure = plot_activation_functions(model, path=tmp_path / "act.png")
    assert_picture(tmp_path / "act.png")
    assert [axes.get_title() for axes in figure.axes] == ["tanh", "relu", "linear"]


def test_default_set_as_svg(tmp_path):
    figure = plot_activation_functions(["step", "sigmoid", "elu"], path=tmp_path / "act.svg")
    assert_picture(tmp_path / "act.svg")
    assert len(figure.axes) == 3


def test_derivatives_come_from_the_engine_and_are_right():
    x = np.linspace(-3, 3, 13)
    values, slopes = curve("sigmoid", x)
    np.testing.assert_allclose(slopes, values * (1 - values), rtol=1e-10)
    _, slopes = curve("relu", x)
    np.testing.assert_array_equal(slopes, (x > 0).astype(float))


def test_softmax_has_no_single_curve():
    with pytest.raises(ConfigError, match="whole row"):
        plot_activation_functions(["softmax"])
