"""The status line's last backup follows backups made elsewhere, without a key pressed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO_TODAY
from tests.tui_helpers import settle
from tui.app import make_app
from tui.screens.dashboard import DashboardScreen
from tui.screens.followup import FollowupScreen
from tui.widgets.chrome import StatusLine

ROOT = Path(__file__).resolve().parent.parent


def backup_in_another_process(db: Path, folder: Path) -> None:
    """`main.py backup` as a second terminal (or the nightly job) runs it."""
    done = subprocess.run([sys.executable, "main.py", "--db", str(db), "backup", "--dir", str(folder)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def status(app) -> str:
    return str(app.screen.query_one(StatusLine).render())


async def test_a_backup_made_by_another_process_shows_on_the_next_tick(demo_db, tmp_path):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen) and "从未备份" in status(app)
        backup_in_another_process(demo_db, tmp_path / "bk")
        app.recheck_shell()  # what the minute timer calls; no real waiting
        await settle(app, pilot)
        assert "从未备份" not in status(app) and "上次备份：" in status(app)


async def test_the_timer_leaves_an_open_form_alone_and_f5_rereads(demo_db, tmp_path):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, FollowupScreen)
        backup_in_another_process(demo_db, tmp_path / "bk")
        app.recheck_shell()
        await settle(app, pilot)
        assert app.shell.last_backup is None  # nothing repaints under the IME's candidate window
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("f5")  # the dashboard's refresh re-reads the status line too
        await settle(app, pilot)
        assert app.shell.last_backup is not None and "从未备份" not in status(app)
