import numpy as np
import pytest

from glassnet.errors import ConfigError
from glassnet.inspect.plots import plot_feature_maps, plot_filters
from tests.inspect.plots.conftest import assert_picture


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_one_picture_per_filter(tiny_cnn, tmp_path, suffix):
    model, _ = tiny_cnn
    figure = plot_filters(model, path=tmp_path / f"f{suffix}")
    assert_picture(tmp_path / f"f{suffix}")
    images = [axes.images[0].get_array() for axes in figure.axes]
    kernels = model[0].filters.mean(axis=1)
    assert len(images) == 4
    for image, kernel in zip(images, kernels, strict=True):
        np.testing.assert_allclose(image, kernel, rtol=1e-6)


def test_feature_maps_of_one_sample(tiny_cnn, tmp_path):
    model, images = tiny_cnn
    figure = plot_feature_maps(model, images, "conv1", sample=3, path=tmp_path / "maps.png")
    assert_picture(tmp_path / "maps.png")
    assert len(figure.axes) == 1 + 4
    assert figure.axes[1].images[0].get_array().shape == (6, 6)


def test_a_model_without_convolutions_is_refused(quadrants):
    with pytest.raises(ConfigError, match="no Conv2D"):
        plot_filters(quadrants[0])
