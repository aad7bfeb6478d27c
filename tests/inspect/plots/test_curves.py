import pytest

from glassnet.errors import ConfigError
from glassnet.inspect.plots import overfitting_epoch, plot_history
from glassnet.train.history import History
from tests.inspect.plots.conftest import assert_picture

FALLING = [1.0, 0.7, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15]


RISING_AFTER_4 = [1.1, 0.8, 0.6, 0.55, 0.6, 0.7, 0.8, 0.9]


def test_overfitting_starts_after_the_validation_minimum_when_it_then_rises():
    assert overfitting_epoch({"loss": FALLING, "val_loss": RISING_AFTER_4}, patience=3) == 5
    # The same rule as the warning of fit / glassnet train: 4 rising epochs < patience 5.
    assert overfitting_epoch({"loss": FALLING, "val_loss": RISING_AFTER_4}) is None


def test_a_validation_series_that_starts_later_lines_up_with_the_end():
    logs = {"loss": [2.0, 1.5, *FALLING], "val_loss": RISING_AFTER_4}
    assert overfitting_epoch(logs, patience=3) == 7


def test_no_overfitting_while_validation_loss_still_falls():
    validation = [1.1, 0.8, 0.6, 0.55, 0.5, 0.45, 0.44, 0.43]
    assert overfitting_epoch({"loss": FALLING, "val_loss": validation}) is None


def test_noise_on_a_plateau_is_not_overfitting():
    validation = [1.1, 0.8, 0.5, 0.5002, 0.4999, 0.5003, 0.5001, 0.5002]
    assert overfitting_epoch({"loss": FALLING, "val_loss": validation}, patience=2) is None


def test_both_losses_rising_is_divergence_not_overfitting():
    training = [1.0, 0.7, 0.5, 0.6, 0.8, 1.0, 1.3, 1.6]
    validation = [1.1, 0.8, 0.6, 0.7, 0.9, 1.1, 1.4, 1.7]
    assert overfitting_epoch({"loss": training, "val_loss": validation}, patience=3) is None


def test_a_minimum_too_close_to_the_end_is_not_called():
    validation = [1.1, 0.8, 0.6, 0.5, 0.45, 0.4, 0.35, 0.5]
    assert overfitting_epoch({"loss": FALLING, "val_loss": validation}, patience=2) is None
    assert overfitting_epoch({"loss": FALLING, "val_loss": validation}, patience=1) == 8


def test_without_validation_there_is_no_verdict():
    assert overfitting_epoch({"loss": FALLING}) is None


def test_history_objects_and_their_dicts_are_read():
    history = History()
    for train, val in zip(FALLING, [1.1, 0.8, 0.6, 0.55, 0.6, 0.7, 0.8, 0.9], strict=True):
        history.record_epoch({"loss": train, "val_loss": val}, iterations=1)
    assert overfitting_epoch(history, patience=3) == 5
    assert overfitting_epoch(history.to_dict(), patience=3) == 5


def _marker_positions(figure) -> list[float]:
    return [
        line.get_xdata()[0]
        for axes in figure.axes
        for line in axes.lines
        if line.get_label().startswith("overfitting starts")
    ]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_curves_of_a_trained_model(quadrants, tmp_path, suffix):
    _, history, _, _ = quadrants
    figure = plot_history(history, path=tmp_path / f"h{suffix}")
    assert_picture(tmp_path / f"h{suffix}")
    assert [axes.get_ylabel() for axes in figure.axes] == ["loss", "accuracy"]
    for axes in figure.axes:
        labels = [line.get_label() for line in axes.lines]
        assert labels[:2] == [f"training {axes.get_ylabel()}", f"validation {axes.get_ylabel()}"]
        assert len(axes.lines[0].get_xdata()) == history.epochs


def test_the_marker_is_drawn_on_every_panel_at_the_onset():
    logs = {
        "loss": [*FALLING, 0.12, 0.1],
        "val_loss": [*RISING_AFTER_4, 1.0, 1.1],
        "accuracy": [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99],
        "val_accuracy": [0.5, 0.6, 0.7, 0.72, 0.7, 0.69, 0.68, 0.66, 0.65, 0.64],
    }
    assert _marker_positions(plot_history(logs)) == [5, 5]
    logs["val_loss"] = sorted(logs["val_loss"], reverse=True)
    assert _marker_positions(plot_history(logs)) == []


def test_unknown_metrics_are_refused(quadrants):
    with pytest.raises(ConfigError, match="not in the history"):
        plot_history(quadrants[1], metrics=["f1"])
