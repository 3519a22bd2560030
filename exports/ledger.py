"""排查台账: one sheet per village, every live case. Internal (IDs and phones masked by default).

One sheet per village rather than one long sheet with a village column: each village's ledger is
printed and handed to that village, so each starts on its own page, carries the village in its
title and counts its own pages (第 1 页 共 N 页), and a village column would waste width on
every row of a table that is already wide.
"""

from __future__ import annotations

import datetime as dt
import os
from itertools import groupby

from store.reports.export_records import LedgerRow, ledger_rows
from store.reports.export_rows import export_scope, village_names

from .common import TITLES, ExportResult, finish, fit_totals, show_id, show_phone, sign_off, titles
from .xlsx import Column, add_sheet, new_workbook, save_workbook, write_table

COLUMNS = [
    Column("序号", 6, "int"), Column("姓名", 9), Column("身份证号", 21), Column("联系电话", 14),
    Column("住址", 18), Column("排查类别", 14), Column("片区", 10), Column("包片人", 8),
    Column("入户\n次数", 6, "int"), Column("最近入户", 11, "date"), Column("入户走访情况", 24),
    Column("走访人", 8), Column("电话\n回访", 6, "int"), Column("状态", 9), Column("研判结论", 8), Column("不符合原因", 18),
    Column("救助情况", 22), Column("下次回访", 11, "date"),
]
HOUSEHOLD = Column("家庭\n人口", 6, "int")  # only once households are known


def ledger_values(i: int, r: LedgerRow, mask: bool, households: bool = False) -> list:
    """One ledger row (with 家庭人口 after 住址 when households are known)."""
    size = [r.household_size] if households else []
    return [i, r.person, show_id(r.id_number, mask), show_phone(r.phone, mask), r.address, *size, r.categories,
            r.zone, r.member, r.contacts, r.last_contact, r.home_findings, r.visitor, r.calls, r.status, r.conclusion,
            r.reason, r.benefits, r.next_followup]


def write_ledger(path: str | os.PathLike, *, campaign_id: int | None = None, villages: list[str] | None = None,
                 as_of: dt.date | None = None, mask: bool = True, print_date: dt.date | None = None) -> ExportResult:
    """Write one ledger sheet per covered village (a village without cases gets an empty table)."""
    scope = export_scope(campaign_id, villages, as_of)
    by_village = {name: list(rows) for name, rows in groupby(ledger_rows(scope), key=lambda r: r.village)}
    printed = print_date or dt.date.today()
    households = any(r.household_size for rows in by_village.values() for r in rows)
    columns = COLUMNS[:5] + [HOUSEHOLD] + COLUMNS[5:] if households else COLUMNS
    wb, total = new_workbook(), 0
    for name in scope.village_names or village_names() or [scope.town or "本镇"]:
        rows = by_village.get(name, [])
        title = f"{scope.town}{name}{TITLES['ledger']}" if name != scope.town else f"{name}{TITLES['ledger']}"
        subtitle = titles(scope, "")[1] + f"    共{len(rows)}人"
        totals = ["合计", f"{len(rows)}人"] + [None] * (6 + households) + [sum(r.contacts for r in rows)]
        totals += [None, None, None, sum(r.calls for r in rows)]  # 电话回访, after 最近入户, 情况 and 走访人
        totals += [None] * (len(columns) - len(totals))
        write_table(add_sheet(wb, name), title=title, subtitle=subtitle, columns=fit_totals(columns, totals),
                    rows=[ledger_values(i, r, mask, households) for i, r in enumerate(rows, 1)], totals=totals,
                    landscape=True, print_date=printed, internal=True, sign=sign_off(printed))
        total += len(rows)
    save_workbook(wb, path)
    return finish("ledger", path, total, mask, sheets=len(wb.worksheets))
