"""``Callback``: hooks into the training loop, and ``CallbackList`` that calls them in order.

Any callback may stop training by setting ``model.stop_training = True``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glassnet.nn.module import Module


class Callback:
    """Override the hooks you need; ``self.model`` is set before training begins."""

    model: Module

    def set_model(self, model: Module) -> None:
        self.model = model

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        """``logs`` holds ``epochs`` (the epoch count this run ends at), ``initial_epoch``
        (the epochs the model had trained before), ``steps_per_epoch`` and ``samples``."""

    def on_epoch_begin(self, epoch: int) -> None:
        """``epoch`` counts from 0 over the model's whole history (a resumed model goes on)."""

    def on_batch_end(self, iteration: int, logs: dict[str, float]) -> None:
        """After each iteration (one batch); ``logs`` holds the batch ``loss``."""

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        """``logs`` holds the epoch's loss, metrics and their ``val_`` counterparts."""

    def on_train_end(self, logs: dict[str, float]) -> None:
        pass

    def state_dict(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """What a resumed run needs to carry on exactly: (JSON values, named arrays).

        Callbacks that remember something between epochs (a best value, a count of
        epochs without improvement, saved weights) override this and
        ``load_state_dict``; a training checkpoint stores it.
        """
        return {}, {}

    def load_state_dict(self, values: dict[str, Any], arrays: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned."""


class CallbackList(Callback):
    """Calls each callback's hook in the order given."""

    def __init__(self, callbacks: list[Callback]) -> None:
        self.callbacks = list(callbacks)

    def set_model(self, model: Module) -> None:
        for callback in self.callbacks:
            callback.set_model(model)

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        for callback in self.callbacks:
            callback.on_train_begin(logs)

    def on_epoch_begin(self, epoch: int) -> None:
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch)

    def on_batch_end(self, iteration: int, logs: dict[str, float]) -> None:
        for callback in self.callbacks:
            callback.on_batch_end(iteration, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    def on_train_end(self, logs: dict[str, float]) -> None:
        for callback in self.callbacks:
            callback.on_train_end(logs)
