"""Tests for glassnet.io.atomic.write_atomic: the target is always the old or the new file."""

from __future__ import annotations

import os

import pytest

from glassnet.io.atomic import write_atomic


def test_writes_the_bytes_and_creates_missing_folders(tmp_path):
    target = tmp_path / "a" / "b" / "file.bin"
    write_atomic(target, b"hello")
    assert target.read_bytes() == b"hello"
    assert os.listdir(target.parent) == ["file.bin"]


def test_replaces_an_existing_file(tmp_path):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old contents, longer than the new")
    write_atomic(str(target), b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["file.bin"]


def test_the_new_bytes_are_complete_and_on_disk_before_the_rename(tmp_path, monkeypatch):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")
    synced = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor):
        synced.append(descriptor)
        return real_fsync(descriptor)

    def replace(source, destination):
        assert len(synced) >= 1  # the data was flushed first
        assert os.path.dirname(source) == str(tmp_path)  # same folder: an atomic rename
        with open(source, "rb") as handle:
            assert handle.read() == b"new" * 1000
        assert target.read_bytes() == b"old"  # untouched until the rename
        return real_replace(source, destination)

    monkeypatch.setattr("glassnet.io.atomic.os.fsync", fsync)
    monkeypatch.setattr("glassnet.io.atomic.os.replace", replace)
    write_atomic(target, b"new" * 1000)
    assert target.read_bytes() == b"new" * 1000
    assert len(synced) == 2  # the file, then its folder entry


@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failure_before_the_rename_keeps_the_old_file_and_removes_the_temporary(
    tmp_path, monkeypatch, failure
):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")

    def fail(descriptor):
        raise failure

    monkeypatch.setattr("glassnet.io.atomic.os.fsync", fail)
    with pytest.raises(type(failure)):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["file.bin"]


def test_a_failed_rename_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")

    def fail(source, destination):
        raise PermissionError("locked")

    monkeypatch.setattr("glassnet.io.atomic.os.replace", fail)
    with pytest.raises(PermissionError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["file.bin"]


def test_data_that_is_not_bytes_leaves_nothing_behind(tmp_path):
    with pytest.raises(TypeError):
        write_atomic(tmp_path / "file.bin", "text, not bytes")
    assert os.listdir(tmp_path) == []
