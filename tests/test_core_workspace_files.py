"""Workspace files on disk: saving is atomic and keeps permissions, through a symlink it
replaces the file pointed to, a save where it cannot says why, and reading refuses a bad
file in words and logs it.

The other workspace topics are in the sibling tests/test_core_workspace_*.py files.
"""

from __future__ import annotations

import logging
import os
import stat

import pytest
from workspace_examples import SAVED

from zinspect.core.workspace.atomic_save import save_workspace_atomic
from zinspect.core.workspace.model import WorkspaceError
from zinspect.core.workspace.parse import read_workspace

# -- files --------------------------------------------------------------------------------------


def test_saving_is_atomic_and_keeps_permissions(tmp_path, monkeypatch):
    path = tmp_path / "a.zinspect.json"
    save_workspace_atomic(path, SAVED)
    assert path.read_text(encoding="utf-8") == SAVED
    os.chmod(path, 0o640)
    save_workspace_atomic(path, SAVED.replace("weather", "météo"))
    assert "météo" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.zinspect.json"]  # no temp file left

    def crash(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(WorkspaceError, match="Could not save .*: No space left on device"):
        save_workspace_atomic(path, "{}")
    assert "météo" in path.read_text(encoding="utf-8")  # the old file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["a.zinspect.json"]


def test_saving_where_it_cannot_says_why(tmp_path):
    with pytest.raises(WorkspaceError, match="Could not save .*No such file or directory"):
        save_workspace_atomic(tmp_path / "missing" / "a.zinspect.json", SAVED)


def test_saving_through_a_symlink_replaces_the_file_it_points_to(tmp_path):
    real = tmp_path / "real.zinspect.json"
    real.write_text("{}")
    link = tmp_path / "link.zinspect.json"
    link.symlink_to(real)
    save_workspace_atomic(link, SAVED)
    assert link.is_symlink() and real.read_text(encoding="utf-8") == SAVED


def test_reading_files_refuses_in_words_and_logs_it(tmp_path, caplog):
    caplog.expected_warnings = True
    path = tmp_path / "a.zinspect.json"
    path.write_bytes(b"\xef\xbb\xbf" + SAVED.encode())  # a byte-order mark is fine
    assert len(read_workspace(path).sockets) == 3
    path.write_bytes(b'{"zinspect": 1, "sockets": ["\xff"]}')
    with pytest.raises(
        WorkspaceError, match=r"^Not a workspace: the file is not UTF-8 text \(byte 30\)$"
    ):
        read_workspace(path)
    with pytest.raises(WorkspaceError, match="^Cannot open the file: No such file or directory$"):
        read_workspace(tmp_path / "nothing.zinspect.json")
    refusals = [r for r in caplog.records if r.name == "zinspect.core.workspace.parse"]
    assert [r.levelno for r in refusals] == [logging.WARNING, logging.WARNING]
    assert refusals[1].getMessage() == (
        f"{tmp_path / 'nothing.zinspect.json'}: Cannot open the file: No such file or directory"
    )
