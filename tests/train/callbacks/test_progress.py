"""Tests for the progress display: ProgressBar, EpochPrinter, and fit's verbose setting."""

from __future__ import annotations

import io
import re

import pytest

import glassnet.train.fit as fit_module
from glassnet.train.callbacks import EpochPrinter, ProgressBar
from glassnet.train.callbacks.progress import format_logs, is_terminal
from tests.train._models import blobs, classifier


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_one_bar_for_the_run_with_each_epoch_and_its_logs():
    x, y = blobs(n=10)
    stream = io.StringIO()
    history = classifier().fit(
        x, y, epochs=2, batch_size=4, verbose=0, callbacks=[ProgressBar(stream)]
    )
    text = stream.getvalue()
    assert "epoch 1/2" in text
    assert "epoch 2/2" in text
    assert "6/6" in text  # 2 epochs of ceil(10 / 4) iterations
    assert f"loss {history['loss'][-1]:.4g}" in text
    assert f"accuracy {history['accuracy'][-1]:.4g}" in text
    assert text.count("\n") == 1  # one bar, left on its own line when training ends


def test_epoch_printer_writes_one_line_per_epoch():
    x, y = blobs(n=10)
    stream = io.StringIO()
    history = classifier().fit(
        x, y, epochs=3, batch_size=4, verbose=0, callbacks=[EpochPrinter(stream)]
    )
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    for epoch, line in enumerate(lines):
        assert line.startswith(f"epoch {epoch + 1}/3: loss {history['loss'][epoch]:.4g} · ")


@pytest.fixture
def on_a_terminal(monkeypatch):
    """Make fit believe that standard error is a terminal."""
    monkeypatch.setattr(fit_module, "is_terminal", lambda stream: True)


def test_verbose_0_draws_nothing_even_on_a_terminal(on_a_terminal, capsys):
    x, y = blobs(n=10)
    classifier().fit(x, y, epochs=2, batch_size=4, verbose=0)
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")


def test_verbose_1_draws_a_bar_on_a_terminal(on_a_terminal, capsys):
    x, y = blobs(n=10)
    classifier().fit(x, y, epochs=2, batch_size=4, verbose=1)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "epoch 2/2" in captured.err
    assert "6/6" in captured.err


def test_verbose_1_draws_nothing_when_output_is_not_a_terminal(capsys):
    x, y = blobs(n=10)
    classifier().fit(x, y, epochs=2, batch_size=4, verbose=1)
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")


def test_auto_follows_the_terminal(on_a_terminal, capsys):
    x, y = blobs(n=10)
    classifier().fit(x, y, epochs=1, batch_size=4, verbose="auto")
    assert "epoch 1/1" in capsys.readouterr().err


def test_verbose_2_prints_one_line_per_epoch(capsys):
    x, y = blobs(n=10)
    classifier().fit(x, y, epochs=3, batch_size=4, verbose=2)
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 3
    assert all(
        re.match(rf"epoch {i + 1}/3: loss [0-9.e-]+ · accuracy ", line)
        for i, line in enumerate(lines)
    )
    assert captured.err == ""


def test_format_logs_and_is_terminal():
    assert format_logs({"loss": 0.123456, "accuracy": 1.0}) == "loss 0.1235 · accuracy 1"
    assert is_terminal(Terminal())
    assert not is_terminal(io.StringIO())
    assert not is_terminal(object())


def test_a_continued_run_counts_on_from_the_earlier_epochs():
    x, y = blobs(n=10)
    model = classifier()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    stream = io.StringIO()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[EpochPrinter(stream)])
    lines = stream.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["epoch 3/4", "epoch 4/4"]
