"""The app's session through make_app: the single-instance lock, read-only mode, the exit backup."""

from __future__ import annotations

import threading

from store import settings
from store.safety.copies import check_backup_file, list_backups
from store.lock import acquire, is_locked
from store.schema import Case, Contact, db
from tests.conftest import DEMO_TODAY
from tests.tui_helpers import settle
from tui.app import make_app
from tui.messages import OpenCase
from tui.screens.already_running import AlreadyRunningScreen
from tui.screens.case_detail import CaseDetailScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.followup import FollowupScreen
from tui.widgets.chrome import StatusLine

SIZE = (100, 30)


def write_in_a_thread() -> str:
    """Try a settings write on a fresh connection (as a worker would); the error text or ''."""
    out = []

    def run() -> None:
        try:
            with db.connection_context():
                settings.put(settings.TOWN, "别的镇")
            out.append("")
        except Exception as exc:  # noqa: BLE001
            out.append(str(exc))

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return out[0]


async def test_the_app_holds_the_lock_and_gives_it_back(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen) and is_locked(demo_db)
    assert not is_locked(demo_db)


async def test_second_window_is_told_and_can_quit(demo_db):
    with acquire(demo_db):
        app = make_app(demo_db, today=DEMO_TODAY)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, AlreadyRunningScreen)
            assert "程序已在运行" in str(app.screen.query_one("#ar-title").render())
            await pilot.press("q")
            await settle(app, pilot)
        assert app._exit and not app.read_only


async def test_second_window_read_only_refuses_writes(demo_db):
    case = Case.select().where(Case.deleted_at.is_null()).first()
    contacts = Contact.select().count()
    town = settings.get(settings.TOWN)
    with acquire(demo_db):
        app = make_app(demo_db, today=DEMO_TODAY)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("r")
            await settle(app, pilot)
            assert app.read_only and isinstance(app.screen, DashboardScreen)
            assert "只读" in str(app.screen.query_one(StatusLine).render())
            await pilot.press("f2")
            await settle(app, pilot)
            assert not isinstance(app.screen, FollowupScreen)
            app.post_message(OpenCase(case.id))
            await settle(app, pilot)
            assert isinstance(app.screen, CaseDetailScreen)
            for key in ("j", "e", "b", "i", "d", "p", "y", "c", "q", "r"):
                await pilot.press(key)
                await settle(app, pilot)
                assert isinstance(app.screen, CaseDetailScreen), key
            assert app.screen.revealed is None
            for key, writes in (("ctrl+n", "add"), ("f6", "draw"), ("f7", "add")):  # 人员, 抽查, 问题
                await pilot.press("escape", key)
                await settle(app, pilot)
                assert app.screen.check_action(writes, ()) is False, key
            await pilot.press("escape", "f4")
            await settle(app, pilot)
            browser = app.screen.query_one("CaseBrowser")
            assert browser.check_action("assign", ()) is False
            app.post_message(OpenCase(case.id))
            await settle(app, pilot)
            assert "readonly" in write_in_a_thread()  # SQLite itself refuses, not just the keys
            await pilot.press("f9")  # exports only masked (an unmasked one is audited: a write)
            await settle(app, pilot)
            assert app.screen.query_one("#export-mask").disabled and app.screen.query_one("#export-mask").value
            await pilot.press("escape", "ctrl+l", "s")
            await settle(app, pilot)
            assert app.screen.check_action("restore", ()) is False
            await pilot.press("ctrl+q")  # no exit backup from a read-only window
            await settle(app, pilot)
    assert Contact.select().count() == contacts and settings.get(settings.TOWN) == town
    assert list_backups(demo_db.parent / "备份") == []


async def test_exit_makes_a_verified_backup_when_none_today(demo_db):
    assert settings.get(settings.LAST_BACKUP) is None
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot, rounds=8)
    backups = list_backups(demo_db.parent / "备份")
    assert len(backups) == 1
    assert check_backup_file(backups[0].path) >= 1
    assert settings.get(settings.LAST_BACKUP).startswith(DEMO_TODAY.isoformat())


async def test_exit_skips_the_backup_when_one_was_made_today(demo_db):
    from store.safety.backup import make_backup

    make_backup(demo_db)
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert app._exit
    assert len(list_backups(demo_db.parent / "备份")) == 1


async def test_a_failed_exit_backup_is_said_and_enter_still_quits(demo_db, monkeypatch):
    from store.safety import backup
    from store.errors import StoreError
    from tui.screens.exit_backup import ExitBackupScreen

    def broken(*_a, **_k):
        raise StoreError("备份失败：备份文件夹所在磁盘已满")

    monkeypatch.setattr(backup, "make_backup", broken)
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ExitBackupScreen) and not app._exit
        assert "磁盘已满" in str(app.screen.query_one("#eb-text").render())
        await pilot.press("enter")
        await settle(app, pilot)
        assert app._exit


async def test_no_lock_file_possible_still_opens_with_a_warning(demo_db, monkeypatch):
    import store.lock
    from store.errors import StoreError

    def refuse(_path):
        raise StoreError("无法创建锁文件：只读文件夹")

    monkeypatch.setattr(store.lock, "acquire", refuse)
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen) and app.instance_lock is None
        assert any("无法创建锁文件" in n.message for n in app._notifications)


async def test_lock_freed_after_a_read_only_start_reopens_for_writing(demo_db):
    from store.db import close_db, is_readonly, open_db

    close_db()
    open_db(demo_db, readonly=True)  # what the launcher does while another window holds the lock
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen) and not app.read_only and not is_readonly()
        assert write_in_a_thread() == ""
    assert settings.get(settings.TOWN) == "别的镇"
