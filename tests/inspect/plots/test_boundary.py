import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ShapeError
from glassnet.inspect.plots import plot_decision_boundary
from tests.inspect.plots.conftest import assert_picture


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_boundary_of_a_trained_classifier_with_its_points(quadrants, tmp_path, suffix):
    model, _, x, y = quadrants
    figure = plot_decision_boundary(model, x, y, resolution=40, path=tmp_path / f"b{suffix}")
    assert_picture(tmp_path / f"b{suffix}")
    points = figure.axes[0].collections[-1]
    np.testing.assert_allclose(points.get_offsets(), x)
    np.testing.assert_array_equal(points.get_array(), y)
    legend = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert legend == ["class 0", "class 1"]


def test_a_regression_model_shows_a_continuous_output(tmp_path):
    gn.seed(0)
    model = gn.Sequential([gn.Dense(1, input_dim=2)]).compile("sgd", "mse")
    x = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]])
    figure = plot_decision_boundary(model, x, [0.0, 1.0, 0.5], resolution=20)
    assert figure.axes[-1].get_ylabel() == "model output"  # the colour bar


def test_models_without_two_inputs_are_refused():
    model = gn.Sequential([gn.Dense(2, input_dim=3)]).compile("sgd", "categorical_crossentropy")
    with pytest.raises(ShapeError, match="2 inputs"):
        plot_decision_boundary(model, np.zeros((4, 3)), [0, 1, 0, 1])
