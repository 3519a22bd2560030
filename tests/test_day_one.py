"""The clerk's first day, from an empty file: init, this year's campaign, the lists, the printouts.

Every village starts with nothing visited and nothing decided; the campaign is this year's, in its
planning phase. Screens and exports must work in every first-day state, the counts must agree
between `info`, the dashboard and the progress table, and no village is 落后 before visits are due.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from store.db import close_db, open_db
from tests.day_one import (ONLY_IN_LISTS, REGISTERED, VILLAGES, as_json, cli, dibao_list, first_evening, ok,
                           start_day)

TODAY = dt.date.today()
ROOT = Path(__file__).resolve().parent.parent
EXPORTS = {"progress": ".xlsx", "lists": ".xlsx", "ledger": ".xlsx", "spotcheck": ".xlsx",
           "petitions": ".xlsx", "report": ".docx", "survey": ".docx"}


@pytest.fixture
def first_day(tmp_path: Path):
    """A database on the evening of the first day: two lists imported, nothing visited."""
    db, dibao, expected = first_evening(tmp_path)
    return db, tmp_path, dibao, expected


def test_new_campaign_is_this_years_and_in_planning(tmp_path):
    db = str(tmp_path / "t.db")
    start_day(db)
    info = as_json("--db", db, "info")
    assert info["campaign_year"] == TODAY.year
    campaigns = as_json("--db", db, "campaign", "list")
    active = [c for c in campaigns if c["active"]]
    assert len(active) == 1 and active[0]["year"] == TODAY.year


def test_dry_run_lists_unknown_villages_under_待确认(tmp_path):
    db = str(tmp_path / "t.db")
    start_day(db)
    dibao, per_village = dibao_list(tmp_path / "list.xlsx")
    result = cli("--db", db, "import", str(dibao), "--category", "2", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "待确认" in result.output
    for name in ONLY_IN_LISTS:  # each unknown village by its plain name, never a committee spelling
        assert name in result.output
    assert as_json("--db", db, "info")["persons"] == 0


def test_committee_spellings_give_one_village_each_and_reimport_changes_nothing(first_day):
    db, _tmp, dibao, expected = first_day
    villages = as_json("--db", db, "village", "list")
    names = sorted(v["name"] for v in villages)
    assert names == sorted(VILLAGES)  # 9 villages, none named 委会/委员会, none with the town in front
    again = as_json("--db", db, "import", str(dibao), "--category", "2")
    assert (again["inserted"], again["updated"]) == (0, 0)


def test_info_dashboard_and_progress_table_give_the_same_counts(first_day):
    from store.reports import dashboard
    from store.reports import queries
    from store.reports import stats
    from tui.screens.dashboard import included_text

    db, tmp, _dibao, expected = first_day
    info = as_json("--db", db, "info")
    assert info["cases"] == sum(expected.values()) == info["persons"]
    out = tmp / "progress.xlsx"
    ok("--db", db, "export", "progress", "--out", str(out))
    open_db(db)
    try:
        camp = queries.active_campaign()
        board = {r.name: r for r in dashboard.village_stats(camp.id, TODAY)}
        figures = {r.name: r for r in stats.village_progress(camp.id, TODAY)}
        # Nothing visited, nothing decided, and nobody is 落后 before visits are due.
        assert all(r.behind is None for r in board.values())
        assert {included_text(r.included) for r in board.values()} == {"0"}  # a count shows 0, not blank
        assert stats.behind_pace(list(figures.values()), camp, TODAY) == set()
    finally:
        close_db()
    listed = _progress_listed(out)
    for name in VILLAGES:
        assert board[name].cases == figures[name].listed == listed[name] == expected[name], name
        assert board[name].visited == figures[name].visited == 0
    assert listed["合计"] == info["cases"] == dashboard.town_total(list(board.values())).cases


def _progress_listed(path: Path) -> dict[str, int]:
    """{village or 合计: 名单人数} read from the progress table as printed."""
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r and "名单人数" in [str(c).replace("\n", "") for c in r if c])
    col = [str(c).replace("\n", "") if c else "" for c in rows[head]].index("名单人数")
    name_col = next(i for i, c in enumerate(rows[head]) if c and "村" in str(c))
    out = {}
    for r in rows[head + 1:]:
        if r[name_col] and isinstance(r[col], (int, float)):
            out[str(r[name_col])] = int(r[col])
    return out


@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_every_export_right_after_the_first_import(first_day, kind):
    db, tmp, _dibao, _expected = first_day
    out = tmp / f"{kind}{EXPORTS[kind]}"
    result = cli("--db", db, "export", kind, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists() and out.stat().st_size > 0


STATES = ["empty_town", "villages_no_cases", "first_import", "campaign_ended"]


def make_state(state: str, tmp_path: Path) -> str:
    """A database in one of the first-day states."""
    db = str(tmp_path / f"{state}.db")
    if state == "campaign_ended":  # last year's campaign, never replaced: its dates are all past
        ok("--db", db, "init", "--town", "后龙镇", "--district", "泉港区")
        ok("--db", db, "campaign", "new", "--year", str(TODAY.year - 1), "--start",
           dt.date(TODAY.year - 1, 3, 1).isoformat(), "--report-due", dt.date(TODAY.year - 1, 6, 30).isoformat())
        for name in REGISTERED:
            ok("--db", db, "village", "add", name)
        dibao, _ = dibao_list(tmp_path / "list.xlsx", n=12)
        ok("--db", db, "import", str(dibao), "--category", "2", "--create-villages")
        return db
    ok("--db", db, "init", "--town", "后龙镇", "--district", "泉港区")
    ok("--db", db, "campaign", "new", "--year", str(TODAY.year), "--start", TODAY.isoformat())
    if state == "empty_town":
        return db
    for name in REGISTERED:
        ok("--db", db, "village", "add", name)
    if state == "first_import":
        dibao, _ = dibao_list(tmp_path / "list.xlsx", n=12)
        ok("--db", db, "import", str(dibao), "--category", "2", "--create-villages")
    return db


@pytest.mark.parametrize("state", STATES)
def test_every_export_in_every_first_day_state(tmp_path, state):
    db = make_state(state, tmp_path)
    for kind, suffix in EXPORTS.items():
        out = tmp_path / f"{kind}{suffix}"
        result = cli("--db", db, "export", kind, "--out", str(out))
        assert result.exit_code == 0, f"{state} {kind}: {result.output}"
    for command in (["info"], ["check"], ["overdue"], ["campaign", "list"], ["village", "list"],
                    ["import", "list"]):
        result = cli("--db", db, *command)
        assert result.exit_code == 0, f"{state} {command}: {result.output}"
        assert "程序出错" not in result.output
    found = cli("--db", db, "find", "低保")
    assert found.exit_code == 0 if state in ("first_import", "campaign_ended") else "没有找到" in found.output


def test_the_cli_reads_a_database_the_tui_has_just_created(tmp_path):
    """The TUI keeps its connection open; the schema must not wait in the log for a checkpoint."""
    from store.lock import acquire

    db = tmp_path / "new.db"
    open_db(db)  # as the TUI does on an empty file, and keeps it open with its window lock
    window = acquire(db)
    try:
        assert int.from_bytes(db.read_bytes()[60:64], "big") > 0  # the header's user_version
        env_db = ["--db", str(db)]
        for args in (["info", "--json"], ["backup"]):
            done = subprocess.run([sys.executable, str(ROOT / "main.py"), *env_db, *args], cwd=tmp_path,
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stdout + done.stderr
            assert "出错" not in done.stdout + done.stderr
    finally:
        window.release()
        close_db()
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] > 0


# --- the screens ------------------------------------------------------------------------------

SCREEN_KEYS = ["f3", "f4", "f6", "f7", "f8", "f9", "f10", "ctrl+n", "ctrl+l", "f1", "f2"]


async def _walk_every_screen(db: str) -> list[str]:
    """Open every main screen from the keyboard; the error notifications seen on the way."""
    from tests.tui_helpers import settle
    from tui.app import make_app

    open_db(db)  # as main.py does before it starts the app
    app = make_app(Path(db))
    errors: list[str] = []
    notify = app.notify

    def spy(message, *args, severity="information", **kwargs):
        if severity == "error":
            errors.append(str(message))
        return notify(message, *args, severity=severity, **kwargs)

    app.notify = spy
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for key in SCREEN_KEYS:
            await pilot.press(key)
            await settle(app, pilot)
            assert app.return_code is None, key
            await pilot.press("escape")
            await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("enter")  # the first village, if any
        await settle(app, pilot)
        await pilot.press("escape", "f4")
        await settle(app, pilot)
        await pilot.press("enter")  # the first case, if any
        await settle(app, pilot)
    close_db()
    assert app._exception is None
    return errors


@pytest.mark.parametrize("state", STATES)
async def test_every_screen_opens_in_every_first_day_state(tmp_path, state):
    db = make_state(state, tmp_path)
    ok("--db", db, "init", "--town", "后龙镇", "--district", "泉港区", "--operator", "小林")  # no welcome form
    assert await _walk_every_screen(db) == []
