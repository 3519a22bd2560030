"""信访办理情况表: every petition with its deadlines (信访工作条例 2022) and days left. Internal."""

from __future__ import annotations

import datetime as dt
import os

from store.reports.export_records import PetitionRow, petition_rows
from store.reports.export_rows import export_scope

from .common import TITLES, ExportResult, finish, show_id, show_phone, sign_off, titles
from .xlsx import Column, add_sheet, new_workbook, save_workbook, write_table

COLUMNS = [
    Column("序号", 6, "int"), Column("村（居）", 10), Column("姓名", 9), Column("身份证号", 21),
    Column("联系电话", 14), Column("信访类型", 9), Column("信访事项", 26), Column("收到日期", 11, "date"),
    Column("受理日期", 11, "date"), Column("告知期限", 11, "date"), Column("告知日期", 11, "date"),
    Column("办结期限\n（含延期）", 11, "date"), Column("办结日期", 11, "date"), Column("办理结果", 9),
    Column("答复意见", 26), Column("剩余\n天数", 6, "int"), Column("办理状态", 12),
]


def petition_state(r: PetitionRow, as_of: dt.date) -> str:
    """已办结 / 逾期N天 / 告知逾期 / 剩余N天 / 办理中."""
    if r.closed:
        return "已办结"
    left = r.days_left(as_of)
    if left is not None and left < 0:
        return f"逾期{-left}天"
    if r.notice_due and not r.notice_sent and r.notice_due < as_of:
        return "告知逾期"
    return f"剩余{left}天" if left is not None else "办理中"


def petition_values(i: int, r: PetitionRow, as_of: dt.date, mask: bool) -> list:
    """One petition row; 剩余天数 is negative when overdue, blank when closed."""
    return [i, r.village, r.person, show_id(r.id_number, mask), show_phone(r.phone, mask), r.kind, r.summary,
            r.shown("received"), r.shown("accepted"), r.shown("notice_due"), r.shown("notice_sent"),
            r.shown("close_due"), r.shown("closed"), r.outcome, r.reply,
            r.days_left(as_of), petition_state(r, as_of)]


def write_petitions(path: str | os.PathLike, *, campaign_id: int | None = None, villages: list[str] | None = None,
                    as_of: dt.date | None = None, mask: bool = True, print_date: dt.date | None = None) -> ExportResult:
    """Write the petition table; the 合计 row counts petitions, closed and overdue ones."""
    scope = export_scope(campaign_id, villages, as_of)
    rows = petition_rows(scope)
    states = [petition_state(r, scope.as_of) for r in rows]
    closed = states.count("已办结")
    overdue = sum(s.startswith("逾期") for s in states)
    title, subtitle = titles(scope, TITLES["petitions"])
    subtitle += f"    共{len(rows)}件，已办结{closed}件，逾期未办结{overdue}件"
    totals = ["合计", f"{len(rows)}件"] + [None] * 11 + [f"办结{closed}件", None, None, f"逾期{overdue}件"]
    wb = new_workbook()
    write_table(add_sheet(wb, "信访办理情况"), title=title, subtitle=subtitle, columns=COLUMNS,
                rows=[petition_values(i, r, scope.as_of, mask) for i, r in enumerate(rows, 1)],
                totals=totals, landscape=True, print_date=print_date or dt.date.today(), internal=True,
                sign=sign_off(print_date))
    save_workbook(wb, path)
    return finish("petitions", path, len(rows), mask)
