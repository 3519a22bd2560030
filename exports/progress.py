"""村（居）排查进度表: one row per village, a 合计 row, villages behind the pace shaded. Counts only."""

from __future__ import annotations

import datetime as dt
import os

from store.rosters.coverage import has_rosters
from store.reports.export_rows import category_names, export_scope
from store.reports.paper import has_households
from store.reports.stats import RULE_MEDIAN, RULE_PHASE, VillageProgress, pace_reasons, pace_reference, town_totals, village_progress

from .common import TITLES, ExportResult, finish, fit_totals, sign_off, titles
from .xlsx import Column, add_sheet, new_workbook, save_workbook, write_table

NOTES = {RULE_MEDIAN: "低于中位数15个百分点", RULE_PHASE: "低于阶段应完成进度"}  # short, one printed line
NUM, RATE = 5.5, 7.0  # column widths (Excel units) of counts and rates: headers wrap, a row stays narrow


HOUSEHOLD_COLUMNS = {"新纳入\n低保": Column("低保\n户/人", 7), "新纳入\n特困": Column("特困\n户/人", 7),
                     "低保\n边缘": Column("边缘\n户/人", 7)}


def progress_columns(categories: dict[int, str], households: bool = False, rostered: bool = False) -> list[Column]:
    """The table's columns, with the campaign's category names in the 名单人数 headers; once households
    are known, 户/人 after 新纳入低保, 新纳入特困 and 低保边缘 (policy counts them per household); once a
    在保名单 is imported, 已在保 and 未在保 after 名单人数."""
    cats = [Column(f"{code}类\n{categories.get(code, '')}", NUM, "int") for code in range(1, 8)]
    covered = [Column("已在保", NUM, "int"), Column("未在保", NUM, "int")] if rostered else []
    columns = [
        Column("村（居）", 10), Column("名单\n人数", NUM, "int"), *covered, *cats,
        Column("已入户\n走访", NUM, "int"), Column("走访率", RATE, "percent"), Column("电话\n回访", NUM, "int"),
        Column("已研判", NUM, "int"),
        Column("符合", NUM, "int"), Column("不符合", NUM, "int"),
        Column("新纳入\n低保", NUM, "int"), Column("新纳入\n单人户", NUM, "int"), Column("新纳入\n特困", NUM, "int"),
        Column("孤儿/事实\n无人抚养", 7, "int"), Column("临时救助\n人次", NUM + 1, "int"),
        Column("临时救助\n金额（元）", 11, "money"), Column("低保\n边缘", NUM, "int"),
        Column("动态\n监测", NUM, "int"), Column("已抽查", NUM, "int"), Column("抽查\n合格率", RATE, "percent"),
        Column("问题数", NUM, "int"), Column("已整改", NUM, "int"), Column("满意度", RATE, "percent"),
        Column("备注", 22),
    ]
    if households:
        columns = [x for c in columns for x in ([c, HOUSEHOLD_COLUMNS[c.header]] if c.header in HOUSEHOLD_COLUMNS else [c])]
    return columns


def progress_values(r: VillageProgress, note: str | None = None, households: bool = False,
                    rostered: bool = False) -> list:
    """One table row of a village (or of the 合计); with households, 「1户3人」 after the person counts."""
    hh = (lambda n, h, p: [n, f"{h}户{p}人" if n else None]) if households else (lambda n, h, p: [n])  # noqa: E731
    return [
        r.name, r.listed, *([r.covered, r.uncovered] if rostered else []), *(r.by_category.get(code, 0) for code in range(1, 8)),
        r.visited, r.visit_rate, r.called, r.assessed, r.eligible, r.ineligible,
        *hh(r.new_dibao, r.new_dibao_households, r.new_dibao_persons), r.new_single,
        *hh(r.new_tekun, r.new_tekun_households, r.new_tekun_persons), r.new_children, r.temp_count, r.temp_amount,
        *hh(r.new_edge, r.new_edge_households, r.new_edge_persons),
        r.monitoring, r.checked, r.pass_rate, r.problems, r.rectified, r.satisfaction, note,
    ]


def progress_figures(scope) -> tuple[list[VillageProgress], dict[int, str], str]:
    """The covered villages' figures, pace reasons (judged against the whole town) and the rule's note."""
    everyone = village_progress(scope.campaign_id, scope.as_of)
    reasons = pace_reasons(everyone, scope.campaign_id, scope.as_of)
    median, expected = pace_reference(everyone, scope.campaign_id, scope.as_of)
    note = "底色标注的村（居）进度落后"
    if median is not None:
        note += f"（全镇走访率中位数{median:.1%}" + (f"，阶段应完成{expected:.1%}）" if expected is not None else "）")
    return [r for r in everyone if scope.covers(r.id)], reasons, note


def _note(reasons: dict[int, str], village_id: int | None) -> str | None:
    """备注 of a village behind the pace; None on pace (or for the 合计, which has no id)."""
    reason = reasons.get(village_id) if village_id is not None else None
    return NOTES.get(reason) if reason is not None else None


def write_progress(path: str | os.PathLike, *, campaign_id: int | None = None, villages: list[str] | None = None,
                   as_of: dt.date | None = None, mask: bool = True, print_date: dt.date | None = None) -> ExportResult:
    """Write the progress table; villages behind the pace are shaded and say why in 备注."""
    scope = export_scope(campaign_id, villages, as_of)
    rows, reasons, note = progress_figures(scope)
    title, subtitle = titles(scope, TITLES["progress"])
    subtitle += "    " + note
    hh, rostered = has_households(), has_rosters()
    totals = progress_values(town_totals(rows), households=hh, rostered=rostered)
    wb = new_workbook()
    write_table(add_sheet(wb, "进度表"), title=title, subtitle=subtitle,
                columns=fit_totals(progress_columns(category_names(scope.campaign_id), hh, rostered), totals),
                rows=[progress_values(r, _note(reasons, r.id), hh, rostered) for r in rows], totals=totals,
                landscape=True,
                shade_rows={i for i, r in enumerate(rows) if r.id in reasons},
                print_date=print_date or dt.date.today(), sign=sign_off(print_date))
    save_workbook(wb, path)
    return finish("progress", path, len(rows), mask)
