"""Tests for glassnet/cli/__init__.py: the parser and ``main``'s exit codes."""

from __future__ import annotations

import pytest

from glassnet.cli import EXIT_USAGE, build_parser, main

COMMANDS = ("train", "evaluate", "predict", "summary", "datasets")


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == EXIT_USAGE == 2
    out = capsys.readouterr().out
    assert out.startswith("usage: glassnet")
    for command in COMMANDS:
        assert command in out


def test_help_exits_0(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    assert "usage: glassnet" in capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    assert f"usage: glassnet {command}" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv", [["fly"], ["train"], ["evaluate", "model.safetensors"], ["summary", "a", "b"]]
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "usage: glassnet" in err and "error:" in err


def test_success_exits_0(glassnet):
    assert glassnet("datasets").code == 0


def test_train_options_have_the_documented_defaults():
    args = build_parser().parse_args(["train", "digits"])
    assert (args.layers, args.activation, args.optimizer, args.lr) == ("256", "relu", "adam", 0.001)
    assert (args.epochs, args.patience, args.schedule, args.scale) == (
        "auto",
        "0",
        "cosine",
        "standard",
    )
    assert (args.test_size, args.dropout, args.batch_size, args.quiet) == (0.25, 0.2, 32, False)
