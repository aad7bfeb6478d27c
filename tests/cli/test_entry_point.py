"""The ``glassnet`` command as a real process: exit codes, stderr, and the progress bar.

The bar is drawn on stderr only when stderr is a terminal; these tests give the child a
real pseudo-terminal (``pty``) or plain pipes. POSIX only.
"""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

TRAIN_XOR = ["train", "xor", "--epochs", "5"]


def run_glassnet(argv, cwd) -> subprocess.CompletedProcess:
    """``python -m glassnet ARGV`` with stdout and stderr on pipes."""
    return subprocess.run(
        [sys.executable, "-m", "glassnet", *map(str, argv)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def run_on_terminal(argv, cwd) -> tuple[int, str, str]:
    """``python -m glassnet ARGV`` with stderr on a pseudo-terminal of 100 × 24 characters.

    Returns (exit code, what reached the terminal, stdout).
    """
    controller, terminal = pty.openpty()
    # A new pty has 0 columns; tqdm sizes the bar to the terminal, so give it a real size.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    # stdout to a file, not a pipe: an unread full pipe would block the child forever.
    stdout_path = cwd / "stdout.txt"
    with open(stdout_path, "wb") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "glassnet", *map(str, argv)],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=terminal,
        )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed its end of the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    code = process.wait(timeout=120)
    os.close(controller)
    return code, b"".join(chunks).decode(errors="replace"), stdout_path.read_text()


def has_bar(text: str) -> bool:
    return "epoch 1/5" in text or "it/s" in text or "it]" in text


def test_progress_bar_on_a_terminal(tmp_path):
    code, terminal, stdout = run_on_terminal([*TRAIN_XOR, "--out", tmp_path], tmp_path)
    assert code == 0, terminal + stdout
    assert "epoch 1/5" in terminal and "epoch 5/5" in terminal
    assert "it/s" in terminal or "it]" in terminal
    assert "Traceback" not in terminal
    assert not has_bar(stdout)  # the bar never goes to stdout, where results are


def test_no_progress_bar_when_output_is_piped(tmp_path):
    result = run_glassnet([*TRAIN_XOR, "--out", tmp_path], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert not has_bar(result.stdout)
    assert "accuracy" in result.stdout and "saved" in result.stdout


def test_no_progress_bar_with_quiet_on_a_terminal(tmp_path):
    code, terminal, stdout = run_on_terminal([*TRAIN_XOR, "--out", tmp_path, "--quiet"], tmp_path)
    assert code == 0, terminal + stdout
    assert not has_bar(terminal) and terminal.strip() == ""
    assert "accuracy" in stdout


def test_a_user_error_is_one_line_on_stderr_and_exit_2(tmp_path):
    result = run_glassnet(["train", "missing.csv", "--target", "y"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "glassnet train: error: file not found: 'missing.csv'; check the path and the "
        "working directory\n"
    )
    assert not (tmp_path / "runs").exists()


def test_no_command_prints_help_and_exits_2(tmp_path):
    result = run_glassnet([], tmp_path)
    assert result.returncode == 2
    assert result.stdout.startswith("usage: glassnet")


@pytest.mark.skipif(shutil.which("glassnet") is None, reason="the glassnet script is not installed")
def test_the_installed_script_runs(tmp_path):
    result = subprocess.run(
        ["glassnet", "datasets"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("breast_cancer")
