"""Tests for glassnet.train.fit: the loop, its counters, validation, shuffling, seeds, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, DataError, ShapeError
from glassnet.optim import OPTIMIZERS
from glassnet.train.fit import TrainingDiverged
from glassnet.train.history import History
from tests.helpers import host
from tests.train._models import (
    Recorder,
    RowWatcher,
    assert_same_state,
    blobs,
    classifier,
    regression,
)

# -- what fit returns ----------------------------------------------------------------------


@pytest.mark.parametrize(("samples", "batch_size"), [(50, 8), (48, 8), (5, 32), (7, 1)])
def test_an_iteration_is_one_batch_and_an_epoch_one_pass(samples, batch_size):
    x, y = blobs(n=samples)
    model = classifier()
    recorder = Recorder()
    history = model.fit(x, y, epochs=3, batch_size=batch_size, verbose=0, callbacks=[recorder])
    steps = math.ceil(samples / batch_size)
    assert isinstance(history, History)
    assert history.epochs == 3
    assert history.iterations == 3 * steps
    assert recorder.iterations == list(range(3 * steps))
    assert recorder.train_begin == {
        "epochs": 3,
        "initial_epoch": 0,
        "steps_per_epoch": steps,
        "samples": samples,
    }
    assert recorder.epochs_begun == [0, 1, 2]
    assert recorder.train_end_calls == 1


def test_history_holds_per_epoch_loss_metrics_and_lr():
    x, y = blobs()
    history = classifier().fit(x, y, epochs=4, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "lr"}
    assert all(len(values) == 4 for values in history.history.values())
    assert history["lr"] == [0.05] * 4
    assert all(0.0 <= a <= 1.0 for a in history["accuracy"])
    assert history.stopped_early_at is None


def test_epoch_loss_is_the_sample_weighted_mean_of_batch_losses():
    x, y = blobs(n=10)
    recorder = Recorder()
    history = classifier().fit(x, y, epochs=1, batch_size=4, verbose=0, callbacks=[recorder])
    # batches of 4, 4 and 2 samples
    expected = (
        4 * recorder.batch_losses[0] + 4 * recorder.batch_losses[1] + 2 * recorder.batch_losses[2]
    ) / 10
    assert history["loss"][0] == pytest.approx(expected, rel=1e-12)


def test_training_learns_separable_classes():
    x, y = blobs(n=90)
    model = classifier()
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history["loss"][-1] < 0.25 * history["loss"][0]
    assert history["accuracy"][-1] == 1.0
    assert model.evaluate(x, y)["accuracy"] == 1.0


def test_fit_returns_the_model_history_and_a_second_call_continues_it():
    x, y = blobs(n=20)
    model = classifier()
    first = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert model.history is first
    second = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert second is first
    assert second.epochs == 5
    assert second.iterations == 5 * 3
    assert len(second["loss"]) == 5


def test_a_second_call_numbers_its_epochs_after_the_first():
    x, y = blobs(n=20)
    model = classifier()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    recorder = Recorder()
    model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[recorder])
    assert recorder.train_begin["epochs"] == 5
    assert recorder.train_begin["initial_epoch"] == 2
    assert recorder.epochs_begun == [2, 3, 4]
    assert recorder.iterations == list(range(6, 15))


# -- validation ----------------------------------------------------------------------------


def test_validation_split_holds_out_the_last_fraction():
    x, y = regression(n=20)
    x[:, 0] = np.arange(20)  # row i is recognisable by its first feature
    gn.seed(0)
    model = RowWatcher().compile("sgd", "mse", lr=0.001)
    recorder = Recorder()
    history = model.fit(
        x, y, epochs=2, batch_size=4, validation_split=0.25, verbose=0, callbacks=[recorder]
    )
    seen = np.concatenate(model.seen)[:, 0]
    # 5 held out (the last quarter); 15 trained on, in ceil(15 / 4) = 4 batches per epoch
    assert sorted(seen.tolist()) == sorted(list(range(15)) * 2)
    assert history.iterations == 2 * 4
    assert recorder.train_begin["samples"] == 15
    assert len(history["val_loss"]) == 2
    held_out = model.evaluate(x[15:], y[15:])
    assert history["val_loss"][-1] == pytest.approx(held_out["loss"], rel=1e-6)


def test_validation_split_rounds_the_held_out_count_up():
    x, y = blobs(n=10)
    recorder = Recorder()
    classifier().fit(
        x, y, epochs=1, batch_size=4, validation_split=0.15, verbose=0, callbacks=[recorder]
    )
    assert recorder.train_begin["samples"] == 8  # ceil(10 * 0.15) = 2 held out


def test_validation_data_gives_val_entries_equal_to_evaluate():
    data, labels = blobs(n=75)
    x, y, x_val, y_val = data[:60], labels[:60], data[60:], labels[60:]
    model = classifier()
    history = model.fit(x, y, epochs=3, batch_size=16, validation_data=(x_val, y_val), verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}
    assert len(history["val_loss"]) == len(history["val_accuracy"]) == 3
    final = model.evaluate(x_val, y_val)
    assert history["val_loss"][-1] == pytest.approx(final["loss"], rel=1e-6)
    assert history["val_accuracy"][-1] == final["accuracy"]


def test_validation_data_takes_precedence_over_validation_split():
    x, y = blobs(n=20)
    recorder = Recorder()
    classifier().fit(
        x,
        y,
        epochs=1,
        validation_split=0.5,
        validation_data=(x[:4], y[:4]),
        verbose=0,
        callbacks=[recorder],
    )
    assert recorder.train_begin["samples"] == 20


@pytest.mark.parametrize("split", [-0.1, 1.0, 1.5])
def test_validation_split_outside_0_1_is_refused(split):
    x, y = blobs(n=10)
    with pytest.raises(ConfigError, match="validation_split"):
        classifier().fit(x, y, validation_split=split, verbose=0)


def test_validation_split_that_leaves_nothing_to_train_on_is_refused():
    x, y = blobs(n=2)
    with pytest.raises(DataError, match="no training samples"):
        classifier().fit(x, y, validation_split=0.6, verbose=0)


def test_bad_validation_data_names_the_argument():
    x, y = blobs(n=10)
    with pytest.raises(ShapeError, match="validation y"):
        classifier().fit(x, y, validation_data=(x, y[:5]), verbose=0)


# -- order, shuffling and seeds ------------------------------------------------------------


def test_shuffle_false_feeds_the_rows_in_order_every_epoch():
    x, y = regression(n=10)
    x[:, 0] = np.arange(10)
    model = RowWatcher().compile("sgd", "mse", lr=0.001)
    model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    assert [batch[:, 0].tolist() for batch in model.seen] == [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
    ] * 2


def test_shuffle_true_visits_every_row_once_per_epoch_in_a_new_order():
    x, y = regression(n=12)
    x[:, 0] = np.arange(12)
    model = RowWatcher().compile("sgd", "mse", lr=0.001)
    model.fit(x, y, epochs=2, batch_size=5, rng=0, verbose=0)
    epochs = [np.concatenate(model.seen[:3])[:, 0], np.concatenate(model.seen[3:])[:, 0]]
    for order in epochs:
        assert sorted(order.tolist()) == list(range(12))
    assert epochs[0].tolist() != list(range(12))
    assert epochs[0].tolist() != epochs[1].tolist()


def test_shuffle_false_is_deterministic_whatever_the_global_rng():
    x, y = blobs(n=30)
    states = []
    for other_seed in (1, 2):
        model = classifier(seed=0)
        model(x[:1])  # create the weights (lazily drawn from the global generator) now
        gn.seed(other_seed)  # the global generator differs between the two runs
        model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
        states.append(model.state_dict())
    assert_same_state(*states)


def test_shuffled_runs_depend_on_the_shuffling_rng():
    x, y = blobs(n=30)
    a, b = classifier(seed=0), classifier(seed=0)
    a.fit(x, y, epochs=2, batch_size=8, rng=1, verbose=0)
    b.fit(x, y, epochs=2, batch_size=8, rng=2, verbose=0)
    assert not np.array_equal(a.state_dict()["0.kernel"], b.state_dict()["0.kernel"])


def test_the_same_seed_gives_bit_identical_weights():
    x, y = blobs(n=40)

    def run():
        gn.seed(0)
        model = gn.Sequential(
            [gn.Dense(8, activation="relu"), gn.Dropout(0.2), gn.Dense(3)]
        ).compile("adam", "categorical_crossentropy", ["accuracy"])
        model.fit(x, y, epochs=3, batch_size=8, validation_split=0.2, verbose=0)
        return model.state_dict()

    first, second = run(), run()
    assert len(first) == 4
    assert_same_state(first, second)


# -- define-by-run models ------------------------------------------------------------------


class GatedNet(gn.Module):
    """A user-written model with Python control flow and a bare Parameter."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = gn.Dense(8, activation="tanh")
        self.skip = gn.Dense(3, use_bias=False)
        self.out = gn.Dense(3)
        self.scale = gn.Parameter(np.ones((1, 3), dtype=np.float32))

    def forward(self, x):
        logits = self.out(self.hidden(x))
        if x.shape[0] > 1:  # define-by-run: the graph depends on the batch
            logits = logits + self.skip(x)
        return logits * self.scale


@pytest.mark.parametrize("name", OPTIMIZERS.names())
def test_a_user_written_module_trains_through_fit_with_every_optimizer(name):
    assert set(OPTIMIZERS.names()) == {"sgd", "adam", "adamw", "rmsprop", "adagrad"}
    x, y = blobs(n=60)
    gn.seed(0)
    model = GatedNet()
    model.compile(name, "categorical_crossentropy", ["accuracy"], lr=0.05)
    # The Dense weights do not exist yet; the optimizer finds them once the first batch made them.
    assert [key for key, _ in model.named_parameters()] == ["scale"]
    history = model.fit(x, y, epochs=15, batch_size=10, verbose=0)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] >= 0.95
    assert set(model.state_dict()) == {
        "scale",
        "hidden.kernel",
        "hidden.bias",
        "skip.kernel",
        "out.kernel",
        "out.bias",
    }
    assert not np.array_equal(host(model.scale), np.ones((1, 3)))


# -- bad input -----------------------------------------------------------------------------


def test_an_uncompiled_model_is_told_to_compile():
    x, y = blobs(n=10)
    model = gn.Sequential([gn.Dense(3)])
    with pytest.raises(ConfigError, match=r"not compiled.*model\.compile\("):
        model.fit(x, y, verbose=0)


@pytest.mark.parametrize(
    ("setting", "value"),
    [("epochs", 0), ("epochs", -1), ("epochs", 1.5), ("batch_size", -1), ("batch_size", 0)],
)
def test_non_positive_epochs_and_batch_size_are_refused(setting, value):
    x, y = blobs(n=10)
    with pytest.raises(ConfigError, match=rf"{setting} must be a positive integer, got {value}"):
        classifier().fit(x, y, verbose=0, **{setting: value})


def test_bool_epochs_is_refused():
    x, y = blobs(n=10)
    with pytest.raises(ConfigError, match="epochs"):
        classifier().fit(x, y, epochs=True, verbose=0)


def test_nan_in_x_is_a_data_error_naming_the_index():
    x, y = blobs(n=10)
    x[6, 2] = np.nan
    model = classifier()
    with pytest.raises(DataError, match=r"x holds a NaN value at index \(6, 2\)"):
        model.fit(x, y, verbose=0)
    assert not model.built  # refused before any training


def test_length_mismatch_is_refused():
    x, y = blobs(n=10)
    with pytest.raises(ShapeError, match="x has 10 samples but y has 9"):
        classifier().fit(x, y[:9], verbose=0)


def test_one_dimensional_x_is_refused_with_the_reshape_hint():
    with pytest.raises(ShapeError, match=r"1-d array of shape \(4,\).*reshape\(-1, 1\)"):
        classifier().fit(np.arange(4.0), np.arange(4) % 3, verbose=0)


def test_strings_in_x_are_refused():
    x = np.array([["a", "b"], ["c", "d"]])
    with pytest.raises(DataError, match="x must hold numbers"):
        classifier().fit(x, np.array([0, 1]), verbose=0)


def test_a_loss_that_overflows_raises_training_diverged_naming_the_iteration():
    x, y = regression(n=64)
    x, y = x * 100, y * 100
    gn.seed(0)
    model = gn.Sequential([gn.Dense(1)]).compile("sgd", "mse", lr=10.0)
    recorder = Recorder()
    with pytest.raises(TrainingDiverged) as caught:
        model.fit(x, y, epochs=50, batch_size=8, shuffle=False, verbose=0, callbacks=[recorder])
    completed = len(recorder.iterations)
    assert completed >= 1
    message = str(caught.value)
    assert f"at iteration {completed + 1} " in message
    assert "lower learning rate" in message
    assert isinstance(caught.value, DataError)


class NaNOnThirdCall(gn.Module):
    """Outputs NaN on its third training call, like a model whose loss blows up."""

    def __init__(self) -> None:
        super().__init__()
        self.out = gn.Dense(1)
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        y = self.out(x)
        return y * float("nan") if self.calls == 3 else y


def test_a_nan_loss_stops_training_before_the_update():
    x, y = regression(n=20)
    model = NaNOnThirdCall().compile("sgd", "mse", lr=0.01)
    recorder = Recorder()
    with pytest.raises(TrainingDiverged, match=r"the loss became nan at iteration 3 "):
        model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[recorder])
    assert recorder.iterations == [0, 1]
    assert np.isfinite(host(model.out.kernel)).all()  # the NaN batch changed nothing


def test_divergence_in_a_later_epoch_counts_iterations_across_epochs():
    x, y = regression(n=20)
    model = NaNOnThirdCall().compile("sgd", "mse", lr=0.01)
    model.fit(x, y, epochs=1, batch_size=10, verbose=0)  # calls 1 and 2
    with pytest.raises(TrainingDiverged, match="at iteration 3 "):
        model.fit(x, y, epochs=1, batch_size=10, verbose=0)


def _kernel_square_sum(regularizer, **dense_options) -> float:
    """Σw² of a regularised 32-unit layer after 30 epochs of Adam on 200×10 data."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 10)).astype(np.float32)
    y = (x @ rng.normal(size=(10, 1))).astype(np.float32)
    gn.seed(0)
    hidden = gn.Dense(32, kernel_regularizer=regularizer, **dense_options)
    model = gn.Sequential([hidden, gn.Dense(1)]).compile("adam", "mse", lr=0.01)
    model.fit(x, y, epochs=30, shuffle=False, verbose=0)
    return float((host(hidden.kernel) ** 2).sum())


def test_a_regularizer_of_a_lazily_built_layer_applies_from_the_first_fit():
    # Built the README's way (no input_dim), the kernel exists only after the first
    # batch's forward pass; its L2 penalty must still be part of every step's loss.
    lazy = _kernel_square_sum(gn.L2(1.0))
    built = _kernel_square_sum(gn.L2(1.0), input_dim=10)
    unregularized = _kernel_square_sum(None)
    assert lazy == pytest.approx(built, rel=1e-4)
    assert lazy < unregularized / 10
