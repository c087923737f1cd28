"""Temporary histories: each session's folder is locked while it runs and removed when it
ends; at start, folders crashed sessions left are removed, a live one and anything zinspect
did not make are left alone."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from zinspect.core.history.folders import MARKER, PREFIX, HistoryFolder, remove_stale_histories
from zinspect.core.history.history import GIB, History, default_cap

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from zinspect.core.history.folders import HistoryFolder
    folder = HistoryFolder(Path(sys.argv[1]))
    print(folder.path, flush=True)
    time.sleep(60)
    """
)


def test_stale_histories_go_live_and_foreign_folders_stay(tmp_path):
    stale = HistoryFolder(tmp_path)
    (stale.path / "segment-000001.zhl").write_bytes(b"x" * 100)
    os.close(stale._lock_fd)  # as a crash would: the lock is released, the folder stays
    stale._lock_fd = -1
    foreign = tmp_path / (PREFIX + "not-ours")  # the name, but no marker: not ours
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    unrelated = tmp_path / "other"
    unrelated.mkdir()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert holder.stdout is not None
        live = Path(holder.stdout.readline().strip())
        assert (live / MARKER).is_file()
        assert remove_stale_histories(tmp_path) == 1
        assert not stale.path.exists()
        assert live.is_dir() and (live / MARKER).is_file()
        assert (foreign / "keep.txt").read_text() == "mine" and unrelated.is_dir()
    finally:
        holder.kill()
        holder.wait(timeout=10)
        holder.stdout.close()
    assert remove_stale_histories(tmp_path) == 1  # its process is gone: stale now
    assert not live.exists() and foreign.is_dir()


def test_a_symlink_with_the_name_is_not_followed(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / MARKER).write_text("x")
    (target / "lock").write_text("")
    (tmp_path / (PREFIX + "link")).symlink_to(target)
    assert remove_stale_histories(tmp_path) == 0
    assert (target / MARKER).exists()


def test_a_session_history_removes_its_folder_when_closed(tmp_path):
    history = History(0, cap_bytes=GIB, base=tmp_path)
    history.append([(0.0, "p", "in", 1, b"x")])
    history.flush()
    assert history.folder.name.startswith(PREFIX) and any(history.folder.glob("segment-*"))
    assert remove_stale_histories(tmp_path) == 0  # our own, locked
    history.close()
    assert not history.folder.exists()


def test_default_cap_is_20_gib_or_a_tenth_of_the_free_space(tmp_path):
    stat = os.statvfs(tmp_path)
    expected = max(64 * 1024 * 1024, min(20 * GIB, stat.f_bavail * stat.f_frsize // 10))
    assert abs(default_cap(tmp_path) - expected) < 16 * 1024 * 1024  # others write meanwhile
