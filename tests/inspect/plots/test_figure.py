import pytest

from glassnet.errors import ConfigError
from glassnet.inspect.plots import plot_activation_functions
from glassnet.inspect.plots._figure import figure_bytes, image_format


def test_the_format_follows_the_extension():
    assert image_format("a/b.PNG") == "png"
    assert image_format("b.svg") == "svg"
    with pytest.raises(ConfigError, match=r"\.png or \.svg"):
        image_format("b.jpg")


def test_svg_output_carries_no_date():
    # No date in the file: redrawing a picture in docs/ does not change it for nothing.
    svg = figure_bytes(plot_activation_functions(["relu"]), "svg")
    assert b"<svg" in svg and b"dc:date" not in svg
