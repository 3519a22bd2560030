"""Every database call of the TUI runs in a worker thread, never on the UI thread."""

from __future__ import annotations

import threading

from store.schema import Case, Problem, db
from tests.conftest import DEMO_TODAY
from tests.tui_helpers import settle, type_text, waiting_case_found_by_initials
from tui.app import make_app


async def test_no_database_call_on_the_ui_thread(demo_db, monkeypatch):
    case, initials = waiting_case_found_by_initials()
    on_ui: list[str] = []
    real = db.execute_sql

    def guarded(sql, params=None, *args, **kwargs):
        if threading.current_thread() is threading.main_thread():
            on_ui.append(sql)
        return real(sql, params, *args, **kwargs)

    app = make_app(demo_db, today=DEMO_TODAY)
    monkeypatch.setattr(db, "execute_sql", guarded)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("pagedown", "3", "o", "o", "slash", *initials)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("i", "f2")
        await settle(app, pilot)
        await type_text(pilot, "回访")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
    monkeypatch.undo()
    assert on_ui == []
    assert Case.get_by_id(case.id).status == "已联系"  # a call is no home visit


async def test_no_database_call_on_the_ui_thread_in_the_organisation_screens(demo_db, monkeypatch):
    from tests.test_tui_org import first_village, split_first_village

    _village, old = first_village()
    on_ui: list[str] = []
    real = db.execute_sql

    def guarded(sql, params=None, *args, **kwargs):
        if threading.current_thread() is threading.main_thread():
            on_ui.append(sql)
        return real(sql, params, *args, **kwargs)

    app = make_app(demo_db, today=DEMO_TODAY)
    monkeypatch.setattr(db, "execute_sql", guarded)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await split_first_village(app, pilot, old)
        await pilot.press("p")
        await settle(app, pilot)
        await pilot.press("y", "y", "escape", "r", "s")
        await settle(app, pilot)
        for keys in (["escape", "escape", "ctrl+n"], ["f6", "n"], ["tab", "space", "ctrl+s"], ["ctrl+s"], ["1", "2"],
                     list("abc"), ["ctrl+s"], ["f7"], ["r"], ["escape", "f3", "enter", "p"], ["escape", "escape", "f3"]):
            await pilot.press(*keys)
            await settle(app, pilot)
    monkeypatch.undo()
    assert on_ui == []
    assert Problem.select().where(Problem.description == "abc", Problem.source == "抽查").count() == 1
