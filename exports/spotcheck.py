"""抽查记录表: every sampled case of the campaign's spot-check rounds. Internal."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter

from store.reports.export_records import SpotCheckRow, spotcheck_rows
from store.reports.export_rows import export_scope

from .common import TITLES, ExportResult, finish, show_id, sign_off, titles
from .xlsx import Column, add_sheet, new_workbook, save_workbook, write_table

COLUMNS = [
    Column("序号", 6, "int"), Column("轮次", 7), Column("抽查日期", 11, "date"), Column("抽查人", 14),
    Column("村（居）", 10), Column("姓名", 9), Column("身份证号", 21), Column("排查类别", 14),
    Column("抽查结果", 9), Column("发现问题", 26), Column("核查日期", 11, "date"),
]
RESULTS = ("合格", "不合格", "无法核实")


def spotcheck_values(i: int, r: SpotCheckRow, mask: bool) -> list:
    """One spot-check row; a check without a result yet says 待核查."""
    return [i, f"第{r.round_no}轮", r.round_date, r.checker, r.village, r.person, show_id(r.id_number, mask),
            r.categories, r.result or "待核查", r.findings, r.checked_on]


def result_summary(rows: list[SpotCheckRow]) -> str:
    """共抽查 N 人：合格 a 人，不合格 b 人，无法核实 c 人，待核查 d 人."""
    counts = Counter(r.result or "待核查" for r in rows)
    parts = "，".join(f"{k}{counts[k]}人" for k in (*RESULTS, "待核查"))
    return f"共抽查{len(rows)}人：{parts}"


def write_spotcheck(path: str | os.PathLike, *, campaign_id: int | None = None, villages: list[str] | None = None,
                    as_of: dt.date | None = None, mask: bool = True, print_date: dt.date | None = None) -> ExportResult:
    """Write the spot-check record table, with counts by result in the 合计 row."""
    scope = export_scope(campaign_id, villages, as_of)
    rows = spotcheck_rows(scope)
    title, subtitle = titles(scope, TITLES["spotcheck"])
    totals = ["合计", None, None, None, None, f"{len(rows)}人"] + [None] * 5
    wb = new_workbook()
    write_table(add_sheet(wb, "抽查记录"), title=title, subtitle=subtitle + "    " + result_summary(rows),
                columns=COLUMNS, rows=[spotcheck_values(i, r, mask) for i, r in enumerate(rows, 1)],
                totals=totals, landscape=True, print_date=print_date or dt.date.today(), internal=True,
                sign=sign_off(print_date))
    save_workbook(wb, path)
    return finish("spotcheck", path, len(rows), mask)
