"""The single-instance lock: one holder, released on exit and when the holder is killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.errors import StoreError
from store.lock import AlreadyRunning, Restoring, acquire, is_locked, lock_path, take_gate

ROOT = Path(__file__).resolve().parents[1]


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


def test_a_clean_release_leaves_no_lock_file(tmp_path):
    db = tmp_path / "c.db"
    held = acquire(db)
    assert lock_path(db).exists()
    held.release()
    assert not lock_path(db).exists()


@pytest.mark.skipif(os.name != "posix", reason="Windows can't delete an open file")
def test_a_starter_that_opened_the_deleted_lock_file_takes_the_new_one(tmp_path):
    db = tmp_path / "c.db"
    first = acquire(db)
    stale = os.open(lock_path(db), os.O_RDWR)  # a second window opened the file, not yet locked
    first.release()
    second = acquire(db)  # the window after it locks the file at the path
    assert lock_path(db).exists() and is_locked(db)
    with pytest.raises(AlreadyRunning):
        acquire(db)
    os.close(stale)
    second.release()


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


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_a_symlinked_path_locks_the_same_database(tmp_path):
    """The TUI opened through a link and a restore given the real path see one lock (issue 20, 14)."""
    real = tmp_path / "real" / "c.db"
    real.parent.mkdir()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    with acquire(link):
        assert is_locked(real)
        with pytest.raises(AlreadyRunning):
            acquire(real)


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_a_planted_symlink_lock_file_is_refused_and_its_target_untouched(tmp_path):
    """A link planted as <db>.lock never makes the app truncate what it points to (issue 20, 13)."""
    target = tmp_path / "precious.txt"
    target.write_text("重要内容\n", encoding="utf-8")
    db = tmp_path / "c.db"
    lock_path(db).symlink_to(target)
    with pytest.raises(StoreError) as info:
        acquire(db)
    assert "链接" in info.value.message
    assert target.read_text(encoding="utf-8") == "重要内容\n"


def test_a_writer_waits_out_a_restore_and_a_restore_waits_for_writers(tmp_path):
    """The restore gate: both waits are bounded and end in a Chinese refusal (issue 20, 1)."""
    db = tmp_path / "c.db"
    with Restoring(db):
        with pytest.raises(StoreError) as info:
            take_gate(db, exclusive=False, wait_s=0.2)
        assert "正在从备份恢复" in info.value.message
    writer = take_gate(db, exclusive=False, wait_s=0.2)
    other = take_gate(db, exclusive=False, wait_s=0.2)  # writers never wait for each other
    with pytest.raises(AlreadyRunning) as info:
        Restoring(db, wait_s=0.2)
    assert "正在使用此数据库" in info.value.message
    writer.release()
    other.release()
    with Restoring(db, wait_s=0.2):
        pass


def test_a_command_that_must_wait_for_a_restore_says_so_once(tmp_path, monkeypatch):
    """The CLI prints the notice (main.py sets lock.on_gate_wait), instead of a silent wait of up to 120 s."""
    from store import lock

    told: list[str] = []
    monkeypatch.setattr(lock, "on_gate_wait", told.append)
    db = tmp_path / "c.db"
    with Restoring(db):
        with pytest.raises(StoreError):
            take_gate(db, exclusive=False, wait_s=0.3)
    assert told == ["正在从备份恢复此数据库，等恢复完成后继续（最多等 0.3 秒）..."]
    told.clear()
    take_gate(db, exclusive=False, wait_s=0.3).release()  # nothing to wait for: nothing said
    assert told == []


def test_the_cli_says_it_waits_for_a_restore_in_another_process(tmp_path):
    """`info` started while another process restores: one Chinese line on stderr, then its answer."""
    db = tmp_path / "t.db"
    subprocess.run([sys.executable, "main.py", "--db", str(db), "init", "--town", "后龙镇", "--district", "泉港区"],
                   check=True, capture_output=True, cwd=ROOT)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom store.lock import Restoring\n"
        f"with Restoring({str(db)!r}):\n    print('held', flush=True)\n    time.sleep(1.5)\n")],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = subprocess.run([sys.executable, "main.py", "--db", str(db), "info"], capture_output=True,
                                text=True, encoding="utf-8", timeout=60, cwd=ROOT)
    finally:
        holder.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("正在从备份恢复此数据库，等恢复完成后继续（最多等 120 秒）...") == 1
    assert "后龙镇" in result.stdout
