import numpy as np
import pytest

from glassnet.errors import ConfigError
from glassnet.inspect.plots import plot_confusion, plot_confusion_matrix
from glassnet.train.metrics import confusion_matrix
from tests.inspect.plots.conftest import assert_picture


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_confusion_matrix_of_a_trained_model(quadrants, tmp_path, suffix):
    model, _, x, y = quadrants
    figure = plot_confusion_matrix(model, x, y, ["no", "yes"], path=tmp_path / f"cm{suffix}")
    assert_picture(tmp_path / f"cm{suffix}")
    predicted = model.predict_classes(x)
    expected = confusion_matrix(y, predicted, labels=[0, 1])
    cells = [int(text.get_text()) for text in figure.axes[0].texts]
    assert cells == expected.ravel().tolist()
    assert sum(cells) == len(x)


def test_normalized_rows_sum_to_one():
    figure = plot_confusion([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], normalize=True)
    cells = np.array([float(t.get_text()) for t in figure.axes[0].texts]).reshape(3, 3)
    np.testing.assert_allclose(cells.sum(axis=1), 1.0, atol=0.01)


def test_too_few_class_names_are_refused():
    with pytest.raises(ConfigError, match="class_names"):
        plot_confusion([0, 1, 2], [0, 1, 2], ["a", "b"])
