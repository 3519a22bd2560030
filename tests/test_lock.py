"""The single-instance lock: one holder, released on exit and when the holder is killed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.lock import AlreadyRunning, acquire, is_locked, lock_path


def test_second_instance_is_refused_in_chinese(tmp_path):
    db = tmp_path / "c.db"
    assert not is_locked(db)
    first = acquire(db)
    assert is_locked(db) and lock_path(db).name == "c.db.lock"
    with pytest.raises(AlreadyRunning) as info:
        acquire(db)
    assert "程序已在运行" in info.value.message
    first.release()
    assert not is_locked(db)
    with acquire(db) as again:
        assert again.held
    assert not again.held and not is_locked(db)


def test_lock_of_a_killed_process_is_free(tmp_path):
    db = tmp_path / "c.db"
    code = f"from store.lock import acquire; l = acquire({str(db)!r}); print('held', flush=True); import time; time.sleep(60)"
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=root)
    try:
        assert proc.stdout.readline().strip() == "held"
        assert is_locked(db)
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 5
    while is_locked(db) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not is_locked(db)
    acquire(db).release()
