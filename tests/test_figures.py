"""One set of figures: the dashboard, the village screen, the progress table and the written report
give the same per-village figures on the same day, on the demo town and on a day-one database
(init, a campaign, villages, two imported lists, nothing visited or decided)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import docx
import openpyxl
import pytest

from exports.common import write_export
from store.db import close_db, open_db
from store.reports.queries import active_campaign
from store.reports.stats import VillageProgress, village_progress
from tests.conftest import DEMO_TODAY
from tests.day_one import first_evening
from tests.tui_helpers import settle
from tui.app import make_app
from tui.screens.dashboard import included_text
from tui.screens.village import VillageScreen
from tui.text import pct


def new_total(r: VillageProgress) -> int:
    """新纳入 as the progress table's columns and the report's 附表 add it up."""
    return r.new_dibao + r.new_single + r.new_tekun + r.new_children + r.new_edge


def reference(db: Path, day: dt.date) -> dict[str, VillageProgress]:
    """The read model's rows, by village name."""
    open_db(db)
    try:
        return {r.name: r for r in village_progress(active_campaign().id, day)}
    finally:
        close_db()


async def screen_figures(db: Path, day: dt.date, names: list[str]) -> tuple[dict, dict]:
    """{village: dashboard cells by column} and {village: the village screen's figures line}."""
    app = make_app(db, today=day)
    board, lines = {}, {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#dash-villages")
        shown = [str(col.label) for col in table.columns.values()]  # 进度 and 未在保 depend on width and data
        for key, row in app.screen.rows.items():
            cells = table.get_row(key)
            board[row.name] = {label: str(getattr(c, "plain", c)) for label, c in zip(shown, cells)}
        ids = {r.name: r.id for r in app.screen.rows.values()}
        for name in names:
            app.push_screen(VillageScreen(ids[name]))
            await settle(app, pilot)
            lines[name] = str(app.screen.query_one("#vil-figures").render())
            app.pop_screen()
            await settle(app, pilot)
    return board, lines


def paper_figures(db: Path, day: dt.date, tmp_path: Path) -> tuple[dict, dict]:
    """{village: progress table row by header} and {village: report 附表 row by header}."""
    open_db(db)
    try:
        write_export("progress", tmp_path / "progress.xlsx", as_of=day, print_date=day)
        write_export("report", tmp_path / "report.docx", as_of=day, print_date=day)
    finally:
        close_db()
    ws = openpyxl.load_workbook(tmp_path / "progress.xlsx").active
    header = [str(c.value).replace("\n", "") for c in ws[3]]
    table = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    doc = docx.Document(tmp_path / "report.docx")
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    report = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    return table, report


def check_same_figures(ref, board, lines, table, report) -> None:
    """Every source against the read model, village by village."""
    for name, r in ref.items():
        b = board[name]
        assert (b["对象"], b["入户"], b["电话"], b["已研判"], b["监测"], b["抽查"], b["问题"], b["逾期"]) == (
            str(r.listed), pct(r.visited_pct), str(r.called), str(r.assessed), str(r.monitoring), str(r.checked),
            str(r.problems - r.rectified), str(r.overdue)), name
        assert b["新纳入"] == included_text(r.included) and (b["落后"] == "落后") == bool(r.behind), name
        t = table[name]
        assert (t["名单人数"], t["已入户走访"], t["电话回访"], t["已研判"], t["动态监测"], t["已抽查"], t["问题数"],
                t["已整改"]) == (r.listed, r.visited, r.called, r.assessed, r.monitoring, r.checked, r.problems, r.rectified), name
        news = sum(t[k] for k in ("新纳入低保", "新纳入单人户", "新纳入特困", "孤儿/事实无人抚养", "低保边缘"))
        assert news == new_total(r), name
        p = report[name]
        assert (p["名单人数"], p["已入户走访"], p["电话回访"], p["已研判"], p["新纳入"], p["问题数"], p["已整改"]) == (
            str(r.listed), str(r.visited), str(r.called), str(r.assessed), str(new_total(r)), str(r.problems), str(r.rectified)), name
        assert (t["备注"] is not None) == bool(r.behind), name  # the progress table shades the same villages
    for name, line in lines.items():
        r = ref[name]
        numbers = dict(re.findall(r"(对象|入户走访|电话回访|已研判|待办理|监测|抽查|未整改问题|逾期) (\d+)", line))
        assert numbers == {"对象": str(r.listed), "入户走访": str(r.visited), "电话回访": str(r.called),
                           "已研判": str(r.assessed),
                           "待办理": str(r.pending), "监测": str(r.monitoring), "抽查": str(r.checked),
                           "未整改问题": str(r.open_problems), "逾期": str(r.overdue)}, name
        assert ("落后" in line) == bool(r.behind), name


async def test_same_figures_on_the_demo(demo_db, tmp_path):
    close_db()
    ref = reference(demo_db, DEMO_TODAY)
    behind = [n for n, r in ref.items() if r.behind]
    assert behind and any(r.included for r in ref.values())  # the demo exercises marks and benefits
    names = [next(iter(ref)), behind[0], list(ref)[-1]]
    board, lines = await screen_figures(demo_db, DEMO_TODAY, names)
    table, report = paper_figures(demo_db, DEMO_TODAY, tmp_path)
    check_same_figures(ref, board, lines, table, report)


@pytest.fixture
def day_one(tmp_path: Path) -> Path:
    """Evening of the first day: init, this year's campaign, villages, two lists, nothing visited."""
    db, _dibao, _expected = first_evening(tmp_path)
    return Path(db)


async def test_same_figures_on_a_day_one_database(day_one, tmp_path):
    today = dt.date.today()
    ref = reference(day_one, today)
    assert sum(r.listed for r in ref.values()) > 0 and not any(r.visited or r.behind for r in ref.values())
    board, lines = await screen_figures(day_one, today, list(ref)[:2])
    table, report = paper_figures(day_one, today, tmp_path)
    check_same_figures(ref, board, lines, table, report)


async def test_dashboard_explains_the_rule_and_names_the_nearest_deadline(demo_db):
    from store.reports import dashboard

    close_db()
    open_db(demo_db)
    try:
        data = dashboard.board(active_campaign().id, DEMO_TODAY)
    finally:
        close_db()
    fix = data.next_fix
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        title = str(app.screen.query_one("#dash-overdue-title").render())
        note = str(app.screen.query_one("#dash-note").render())
    assert f"最近整改：{fix.due.month}月{fix.due.day}日（{fix.village}，" in title
    assert note == data.explain(data.rows[0]) and "中位数" in note
