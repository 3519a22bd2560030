"""村级公示表: the one sheet made for a village notice board (one sheet per village).

It lists the households newly included in the campaign window in the form the 低保 rules allow
(最低生活保障审核确认办法): the applicant's name, household size, the benefit and amount, the 公示
period (7 days from the day it is printed) and the 监督电话 from the settings. Never an ID number,
phone, health, disability or children's data, never 事实无人抚养儿童 or a minor (store.reports.export_rows
leaves those rows out).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from itertools import groupby

from store.reports import paper
from store.reports.export_rows import NoticeRow, export_scope, notice_rows, village_names

from .common import ExportResult, cn_date, finish, sign_off
from .xlsx import Column, add_sheet, new_workbook, save_workbook, write_table

NOTICE_DAYS = 7
COLUMNS = [
    Column("序号", 6, "int"), Column("申请人姓名", 12), Column("家庭人口", 9, "int"), Column("救助类别", 18),
    Column("救助金额（元）", 14, "money"),
]


def notice_values(i: int, r: NoticeRow) -> list:
    """One posted line: nothing but name, household size, benefit and amount."""
    return [i, r.name, r.household_size, r.benefit, r.amount]


def period(start: dt.date) -> str:
    """公示期：2026年11月29日至2026年12月5日（7天）."""
    end = start + dt.timedelta(days=NOTICE_DAYS - 1)
    return f"公示期：{cn_date(start)}至{cn_date(end)}（{NOTICE_DAYS}天）"


def write_notice(path: str | os.PathLike, *, campaign_id: int | None = None, villages: list[str] | None = None,
                 as_of: dt.date | None = None, mask: bool = True, print_date: dt.date | None = None) -> ExportResult:
    """Write one 公示 sheet per covered village; rows = households listed (masking does not apply)."""
    scope = export_scope(campaign_id, villages, as_of)
    printed = print_date or dt.date.today()
    phone = paper.paper_settings()[paper.SUPERVISION_PHONE] or "________"
    by_village = {name: list(rows) for name, rows in groupby(notice_rows(scope), key=lambda r: r.village)}
    wb, total = new_workbook(), 0
    for name in scope.village_names or village_names() or [scope.town or "本镇"]:
        rows = by_village.get(name, [])
        note = f"如有异议，请在公示期内向{scope.town or '镇'}社会事务办反映。监督电话：{phone}"
        write_table(add_sheet(wb, name), title=f"{name}新纳入社会救助对象公示", subtitle=period(printed),
                    columns=COLUMNS, rows=[notice_values(i, r) for i, r in enumerate(rows, 1)],
                    totals=["合计", f"共{len(rows)}项"] + [None] * 3, landscape=False, print_date=printed,
                    sign=replace(sign_off(printed), note=note))
        total += len(rows)
    save_workbook(wb, path)
    return finish("notice", path, total, True, sheets=len(wb.worksheets))
