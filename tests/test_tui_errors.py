"""Errors in the TUI: lock retries, Chinese messages, a crash text without locals."""

from __future__ import annotations

import sqlite3

import pytest

from store.errors import StoreError
from tui.errors import crash_text, message_for, retry_locked


def test_a_lock_is_retried_then_reported_plainly():
    calls = []

    def locked():
        calls.append(1)
        raise sqlite3.OperationalError("database is locked")

    told = []
    with pytest.raises(StoreError) as err:
        retry_locked(locked, retries=2, pause=0, on_retry=told.append)
    assert len(calls) == 3 and "占用" in err.value.message and told == [1, 2]


def test_a_lock_that_clears_saves():
    calls = []

    def once_locked():
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        return "ok"

    assert retry_locked(once_locked, pause=0) == "ok"


def test_other_errors_are_not_retried():
    with pytest.raises(sqlite3.OperationalError):
        retry_locked(lambda: (_ for _ in ()).throw(sqlite3.OperationalError("no such table")), pause=0)


def test_messages_are_chinese_and_never_show_the_number():
    number = "350505199001011234"
    text = message_for(ValueError(f"bad {number}"))
    assert number not in text and "日志" in text
    assert number not in crash_text(KeyError(number))


def test_windows_outside_windows_terminal_gets_a_chinese_hint():
    from main import terminal_hint

    assert "Windows Terminal" in terminal_hint({}, "win32")
    assert terminal_hint({"WT_SESSION": "x"}, "win32") is None
    assert terminal_hint({}, "linux") is None


def test_launcher_fixes_a_c_locale(monkeypatch):
    import os

    from main import fix_console_encoding

    monkeypatch.setenv("LANG", "C")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("PYTHONUTF8", raising=False)
    fix_console_encoding()
    assert os.environ["LANG"] == "C.UTF-8" and os.environ["PYTHONUTF8"] == "1"


def test_pad_and_cut_count_cells_not_characters():
    from rich.cells import cell_len

    from tui.text import cut, pad

    assert cell_len(pad("林志明", 10)) == 10 and cell_len(pad("欧阳志明明明", 8)) <= 8
    assert cut("困难群众漏保漏救问题整治", 10).endswith("...") and cell_len(cut("困难群众漏保漏救", 10)) <= 10
    assert "…" not in cut("困难群众漏保漏救问题整治", 10)


def test_backup_time_is_red_when_missing_or_more_than_a_day_old():
    import datetime as dt

    from tui.widgets.chrome import backup_text

    now = dt.datetime(2026, 11, 29, 9, 0)
    assert backup_text(None, now).plain == "从未备份" and "red" in str(backup_text(None, now).style)
    assert "red" in str(backup_text(now - dt.timedelta(hours=25), now).style)  # more than a day
    fresh = backup_text(now - dt.timedelta(hours=2), now)
    assert fresh.plain == "11-29 07:00" and "red" not in str(fresh.style)


async def test_a_refused_write_says_weiwancheng_and_a_fault_says_chucuole(tmp_path):
    """write_then_show: a StoreError (a rule the store explained) is 「未完成」, anything else 「出错了」;
    a write that succeeds shows its result and tells every screen the data changed."""
    from textual.app import App

    from store.db import close_db, open_db
    from store.errors import StoreError
    from tui.messages import DataChanged
    from textual.screen import Screen

    from tui.screens.base import LoadsInThread

    class Bare(LoadsInThread, Screen):
        """The base helpers on a screen with nothing else."""

    open_db(tmp_path / "t.db")
    close_db()
    shown, changed = [], []

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(Bare())

        def on_data_changed(self, _event: DataChanged) -> None:
            changed.append(True)

    def refuse() -> None:
        raise StoreError("该对象已删除，不能修改")

    def fault() -> None:
        raise ValueError("boom")

    app = Host()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, Bare)
        for write in (refuse, fault, lambda: 42):
            worker = screen.write_then_show("t", write, shown.append)
            while not worker.is_finished:
                await pilot.pause(0.05)
            await pilot.pause(0.2)
        notes = [(n.title, n.message) for n in app._notifications]
    close_db()
    assert ("未完成", "该对象已删除，不能修改") in notes
    assert any(title == "出错了" and "ValueError" in message for title, message in notes)
    assert shown == [42] and changed == [True]
