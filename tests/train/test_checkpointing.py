"""Crash-safe training: a run interrupted anywhere and resumed ends bit-identically."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, DataError
from glassnet.train.callbacks import Callback
from tests.helpers import set_values
from tests.train._models import assert_same_state, blobs

EPOCHS = 6
BATCH = 8


class Crash(Exception):
    """Stands for the process dying: raised from inside training."""


class CrashAt(Callback):
    """Raises ``Crash`` after the given iteration (counted over the whole run)."""

    def __init__(self, iteration: int) -> None:
        self.iteration = iteration

    def on_batch_end(self, iteration: int, logs: dict[str, float]) -> None:
        if iteration == self.iteration:
            raise Crash


def build(seed: int = 0) -> gn.Sequential:
    """A model that draws random numbers while it trains: dropout from the global generator."""
    gn.seed(seed)
    model = gn.Sequential(
        [
            gn.Dense(16, activation="relu"),
            gn.Dropout(0.3),
            gn.Dense(8, activation="tanh"),
            gn.Dense(3),
        ]
    )
    return model.compile("adam", "categorical_crossentropy", ["accuracy"], lr=0.02)


def callbacks() -> list[Callback]:
    """Callbacks that remember things between epochs, so their state must be saved too."""
    return [
        gn.EarlyStopping("val_loss", patience=50, restore_best_weights=True),
        gn.LearningRateScheduler("cosine", t_max=EPOCHS),
        gn.ReduceLROnPlateau("val_loss", factor=0.5, patience=1, min_delta=10.0),
    ]


def train(checkpoint, crash_at=None, resume=False, every_iterations=None):
    x, y = blobs(n=60)
    model = build()
    extra = [CrashAt(crash_at)] if crash_at is not None else []
    model.fit(
        x,
        y,
        epochs=EPOCHS,
        batch_size=BATCH,
        validation_split=0.2,
        callbacks=callbacks() + extra,
        verbose=0,
        rng=7,
        checkpoint=checkpoint,
        checkpoint_every_iterations=every_iterations,
        resume=resume,
    )
    return model


@pytest.mark.parametrize("crash_at", [0, 5, 6, 13, 25, 29])
@pytest.mark.parametrize("every_iterations", [None, 2])
def test_a_resumed_run_ends_with_the_weights_of_an_uninterrupted_one(
    tmp_path, crash_at, every_iterations
):
    reference = train(tmp_path / "reference.safetensors", every_iterations=every_iterations)
    path = tmp_path / "run.safetensors"
    with pytest.raises(Crash):
        train(path, crash_at=crash_at, every_iterations=every_iterations)
    resumed = train(path, resume=True, every_iterations=every_iterations)
    assert_same_state(resumed.state_dict(), reference.state_dict())
    assert resumed.history.history == reference.history.history
    assert (resumed.history.epochs, resumed.history.iterations) == (
        reference.history.epochs,
        reference.history.iterations,
    )
    assert resumed.training_config.optimizer.lr == reference.training_config.optimizer.lr


def test_resuming_a_finished_run_changes_nothing(tmp_path):
    path = tmp_path / "run.safetensors"
    finished = train(path)
    again = train(path, resume=True)
    assert_same_state(again.state_dict(), finished.state_dict())
    assert again.history.epochs == finished.history.epochs == EPOCHS


def test_resume_without_a_checkpoint_file_starts_afresh(tmp_path):
    fresh = train(tmp_path / "new.safetensors", resume=True)
    reference = train(tmp_path / "reference.safetensors")
    assert_same_state(fresh.state_dict(), reference.state_dict())


def test_a_checkpoint_of_a_sequential_model_loads_as_a_model(tmp_path):
    path = tmp_path / "run.safetensors"
    model = train(path)
    loaded = gn.load(path)
    x, _ = blobs(n=10)
    assert np.array_equal(loaded.predict(x), model.predict(x))


def test_a_custom_module_can_be_resumed_too(tmp_path):
    class Custom(gn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = gn.Dense(8, activation="tanh")
            self.out = gn.Dense(3)

        def forward(self, x):
            return self.out(self.hidden(x))

    def run(crash_at=None, resume=False, path=tmp_path / "custom.safetensors"):
        gn.seed(1)
        model = Custom().compile("sgd", "categorical_crossentropy", lr=0.1, momentum=0.9)
        extra = [CrashAt(crash_at)] if crash_at is not None else []
        x, y = blobs(n=40)
        model.fit(
            x,
            y,
            epochs=4,
            batch_size=8,
            verbose=0,
            rng=3,
            callbacks=extra,
            checkpoint=path,
            resume=resume,
        )
        return model

    reference = run(path=tmp_path / "reference.safetensors")
    with pytest.raises(Crash):
        run(crash_at=7)
    assert_same_state(run(resume=True).state_dict(), reference.state_dict())


def test_resume_needs_a_checkpoint_path():
    x, y = blobs(n=10)
    with pytest.raises(ConfigError, match="checkpoint=PATH"):
        build().fit(x, y, verbose=0, resume=True)


def test_a_checkpoint_of_another_model_is_refused_with_the_path(tmp_path):
    path = tmp_path / "run.safetensors"
    train(path)
    x, y = blobs(n=60)
    gn.seed(0)
    other = gn.Sequential([gn.Dense(5), gn.Dense(3)]).compile("adam", "categorical_crossentropy")
    with pytest.raises(DataError, match="cannot resume from") as caught:
        other.fit(x, y, epochs=2, verbose=0, checkpoint=path, resume=True)
    assert str(path) in str(caught.value)


def test_a_model_file_that_is_not_a_checkpoint_is_refused(tmp_path):
    x, y = blobs(n=20)
    model = build()
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "model.safetensors")
    with pytest.raises(DataError, match="not a training checkpoint"):
        build().fit(x, y, verbose=0, checkpoint=tmp_path / "model.safetensors", resume=True)


def test_checkpoint_every_must_be_positive(tmp_path):
    x, y = blobs(n=10)
    with pytest.raises(ConfigError, match="checkpoint_every"):
        build().fit(x, y, verbose=0, checkpoint=tmp_path / "c.safetensors", checkpoint_every=0)


class Explode(Callback):
    """Makes the loss infinite from the given iteration on, by scaling the inputs' weights."""

    def __init__(self, iteration: int) -> None:
        self.iteration = iteration

    def on_batch_end(self, iteration: int, logs: dict[str, float]) -> None:
        if iteration + 1 == self.iteration:
            set_values(self.model[0].kernel, np.inf)


def test_divergence_restores_the_weights_of_the_last_good_epoch_and_names_the_parameter():
    x, y = blobs(n=40)
    model = gn.Sequential(
        [gn.Dense(8, activation="tanh", name="hidden"), gn.Dense(3, name="scores")]
    )
    gn.seed(0)
    model.compile("sgd", "categorical_crossentropy", lr=0.1)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    good = model.state_dict()
    with pytest.raises(gn.train.fit.TrainingDiverged) as caught:
        model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[Explode(13)])
    message = str(caught.value)
    assert "at iteration 14 (epoch 3)" in message
    assert "lower learning rate" in message and "clipnorm" in message
    assert_same_state(model.state_dict(), good)  # the end of epoch 2: the last good one


def test_a_nan_gradient_names_the_parameter_and_its_layer():
    class NaNGradient(gn.Function):
        """Identity forward, NaN backward: a gradient that blows up while the loss is fine."""

        def forward(self, a):
            return a

        def backward(self, grad):
            return (grad * np.nan,)

    class Model(gn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = gn.Dense(4, name="hidden")
            self.out = gn.Dense(3, name="out")

        def forward(self, x):
            return self.out(NaNGradient()(self.hidden(x)))

    x, y = blobs(n=16)
    model = Model().compile("sgd", "categorical_crossentropy", lr=0.1)
    with pytest.raises(gn.train.fit.TrainingDiverged) as caught:
        model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    message = str(caught.value)
    assert "gradient of 'hidden.kernel' (layer 'hidden' (Dense))" in message
    assert "at iteration 1 " in message
