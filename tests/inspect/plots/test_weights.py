import numpy as np
import pytest

from glassnet.errors import ConfigError
from glassnet.inspect.plots import plot_weights
from tests.helpers import host
from tests.inspect.plots.conftest import assert_picture


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_one_heatmap_per_kernel_with_its_values(quadrants, tmp_path, suffix):
    model = quadrants[0]
    figure = plot_weights(model, path=tmp_path / f"w{suffix}")
    assert_picture(tmp_path / f"w{suffix}")
    images = [axes.images[0] for axes in figure.axes if axes.images]
    kernels = [host(layer.kernel) for layer in model.layers]
    assert [im.get_array().shape for im in images] == [k.shape for k in kernels]
    for image, kernel in zip(images, kernels, strict=True):
        np.testing.assert_allclose(image.get_array(), kernel, rtol=1e-6)


def test_convolution_kernels_are_shown_filter_by_column(tiny_cnn, tmp_path):
    model, _ = tiny_cnn
    figure = plot_weights(model, layers=["conv1"])
    (image,) = [axes.images[0] for axes in figure.axes if axes.images]
    assert image.get_array().shape == (1 * 3 * 3, 4)


def test_unknown_layer_names_are_refused(quadrants):
    with pytest.raises(ConfigError, match="not all found"):
        plot_weights(quadrants[0], layers=["nope"])
