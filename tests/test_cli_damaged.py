"""Opening the app (no command) on a damaged or newer database: one Chinese line, no TUI, no traceback."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from store.db import close_db

ROOT = Path(__file__).resolve().parent.parent


def launch(db: Path) -> subprocess.CompletedProcess:
    """`python main.py --db DB` as a user types it (no terminal: a started TUI would hang)."""
    return subprocess.run([sys.executable, "main.py", "--db", str(db)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=60, stdin=subprocess.DEVNULL)


def test_damaged_database_points_to_restore(demo_db, tmp_path):
    close_db()
    damaged = tmp_path / "damaged.db"
    shutil.copyfile(demo_db, damaged)
    size = damaged.stat().st_size
    with damaged.open("r+b") as fh:  # bytes overwritten in the middle
        fh.seek(size // 2)
        fh.write(b"\xff" * 8192)
    before = damaged.read_bytes()
    result = launch(damaged)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1
    assert len(lines) == 1 and "数据库文件已损坏" in lines[0] and "restore" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert "\x1b[" not in result.stdout + result.stderr  # the TUI never drew anything
    assert damaged.read_bytes() == before
    assert not (tmp_path / "damaged.db.lock").exists()


def test_newer_database_is_refused_untouched(tmp_path):
    future = tmp_path / "future.db"
    con = sqlite3.connect(future)
    con.execute("PRAGMA user_version = 99")
    con.execute("CREATE TABLE x (a)")
    con.commit()
    con.close()
    before = future.read_bytes()
    result = launch(future)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1 and "较新版本" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout and "\x1b[" not in result.stdout
    assert future.read_bytes() == before
