"""Closing the window (terminal closed, SIGTERM, the console's X) backs up like Ctrl+Q."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.safety.copies import list_backups
from store.db import close_db
from tests.conftest import DEMO_TODAY
from tests.tui_helpers import settle
from tui.app import make_app

ROOT = Path(__file__).resolve().parent.parent
SIZE = (100, 30)


def backups(db: Path) -> list:
    """The backups in the default folder beside the database."""
    return list_backups(db.parent / "备份")


async def test_closing_the_window_backs_up_when_none_today(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert backups(demo_db) == []
        app.closed_outside("SIGHUP")
        await pilot.pause()
    assert app.close_done.is_set() and app.return_code == 0
    made = backups(demo_db)
    assert len(made) == 1 and made[0].time.date() == DEMO_TODAY


async def test_no_second_backup_on_the_same_day(demo_db):
    from store.safety.backup import make_backup

    make_backup(demo_db, now=dt.datetime.combine(DEMO_TODAY, dt.time(8, 0)))
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.closed_outside("SIGTERM")
        await pilot.pause()
    assert len(backups(demo_db)) == 1


@pytest.mark.skipif(shutil.which("tmux") is None or os.name != "posix", reason="tmux not available")
@pytest.mark.parametrize("how", ["kill-window", "SIGTERM"])
def test_real_terminal_closed_in_tmux(tmp_path, demo_db, how):
    """The real program in tmux: close its terminal (SIGHUP) or SIGTERM it; a backup is there."""
    db = tmp_path / "closing.db"
    shutil.copyfile(demo_db, db)
    close_db()
    sock = f"yingbao-close-{os.getpid()}-{how}"
    tmux = ["tmux", "-L", sock]
    pid_file = tmp_path / "pid"
    cmd = f"echo $$ > '{pid_file}'; exec '{sys.executable}' '{ROOT / 'main.py'}' --db '{db}'"
    try:
        subprocess.run(tmux + ["new-session", "-d", "-s", "s", "-x", "100", "-y", "30", cmd], check=True, cwd=ROOT)
        screen = ""
        for _ in range(300):
            screen = subprocess.run(tmux + ["capture-pane", "-p", "-t", "s"], capture_output=True, text=True).stdout
            if "操作员" in screen and "入户走访" in screen:
                break
            time.sleep(0.1)
        assert "入户走访" in screen, screen
        pid = int(pid_file.read_text().strip())
        if how == "kill-window":
            subprocess.run(tmux + ["kill-server"], check=False)
        else:
            os.kill(pid, signal.SIGTERM)
        for _ in range(300):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the program did not end")
    finally:
        subprocess.run(tmux + ["kill-server"], check=False, capture_output=True)
    made = backups(db)
    assert len(made) == 1 and made[0].time.date() == dt.date.today()
    assert "backed up to" in (tmp_path / "yingbao.log").read_text(encoding="utf-8")
