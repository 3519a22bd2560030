"""三项清单: one workbook with 问题清单, 整改清单 and 成果清单. Internal working papers sent up to the
town and the district (内部资料, never posted; see common.py's rule)."""

from __future__ import annotations

import datetime as dt
import os

from store.reports.export_rows import OutcomeRow, ProblemRow, export_scope, outcome_rows, problem_rows

from .common import ExportResult, finish, fit_totals, posted_name, show_id, sign_off, titles
from .xlsx import Column, add_sheet, new_workbook, save_workbook, write_table

OUTCOME_LABELS = {
    "低保": "纳入低保", "低保单人户": "纳入低保（单人户）", "特困分散": "纳入特困（分散供养）",
    "特困集中": "纳入特困（集中供养）", "孤儿": "认定孤儿", "事实无人抚养儿童": "认定事实无人抚养儿童",
    "临时救助急难型": "临时救助（急难型）", "临时救助支出型": "临时救助（支出型）",
    "临时救助急难型（先行救助）": "临时救助（急难型，先行救助）",
    "低保边缘": "认定低保边缘家庭", "动态监测": "不符合条件，纳入动态监测",
}
PROBLEM_COLUMNS = [
    Column("问题\n编号", 6, "int"), Column("村（居）", 10), Column("姓名", 9), Column("排查类别", 14),
    Column("发现的问题", 30), Column("问题类型", 9), Column("来源", 7), Column("发现日期", 11, "date"),
    Column("发现人", 12),
]
FIX_COLUMNS = [
    Column("问题\n编号", 6, "int"), Column("发现的问题", 24), Column("村（居）", 10), Column("姓名", 9),
    Column("问题类型", 9),
    Column("整改措施", 26), Column("责任人", 9), Column("整改时限", 11, "date"), Column("整改进展", 18),
    Column("完成日期", 11, "date"), Column("佐证材料", 16), Column("状态", 10),
]
OUTCOME_COLUMNS = [
    Column("序号", 6, "int"), Column("村（居）", 10), Column("姓名", 12), Column("身份证号", 21),
    Column("成果类型", 24), Column("金额（元）", 12, "money"), Column("日期", 11, "date"),
]


def problem_values(r: ProblemRow) -> list:
    """A 问题清单 row; a child's name is never shown."""
    return [r.problem_id, r.village, posted_name(r.person, r.child), r.categories, r.description, r.kind,
            r.source, r.found_on, r.found_by]


def fix_state(r: ProblemRow, as_of: dt.date) -> str:
    """已整改 / 逾期未整改 / 整改中 / 未制定措施."""
    if r.done_on:
        return "已整改"
    if not r.measure and r.deadline is None:
        return "未制定措施"
    return "逾期未整改" if r.deadline and r.deadline < as_of else "整改中"


def fix_values(r: ProblemRow, as_of: dt.date) -> list:
    """An 整改清单 row."""
    return [r.problem_id, r.description, r.village, posted_name(r.person, r.child), r.kind, r.measure, r.responsible,
            r.deadline, r.progress, r.done_on, "、".join(r.evidence), fix_state(r, as_of)]


def outcome_values(i: int, r: OutcomeRow, mask: bool) -> list:
    """A 成果清单 row: children without name or ID, 防返贫 rows without ID."""
    return [i, r.village, posted_name(r.person, r.child), show_id(r.id_number, mask, r.child or r.monitor),
            OUTCOME_LABELS.get(r.outcome, r.outcome), r.amount, r.date]


def _count(n: int, width: int, unit: str = "条") -> list:
    """A 合计 row that only counts: 「合计」, 「共 N 条」 and blanks."""
    return ["合计", f"共{n}{unit}"] + [None] * (width - 2)


def write_lists(path: str | os.PathLike, *, campaign_id: int | None = None, villages: list[str] | None = None,
                as_of: dt.date | None = None, mask: bool = True, print_date: dt.date | None = None) -> ExportResult:
    """Write the three lists as three sheets of one workbook; rows = all three sheets' rows."""
    scope = export_scope(campaign_id, villages, as_of)
    problems, outcomes = problem_rows(scope), outcome_rows(scope)
    printed = print_date or dt.date.today()
    wb = new_workbook()
    for sheet, what, columns, rows in (
        ("问题清单", "问题清单", PROBLEM_COLUMNS, [problem_values(r) for r in problems]),
        ("整改清单", "整改清单", FIX_COLUMNS, [fix_values(r, scope.as_of) for r in problems]),
    ):
        title, subtitle = titles(scope, what)
        write_table(add_sheet(wb, sheet), title=title, subtitle=subtitle, columns=columns, rows=rows,
                    totals=_count(len(rows), len(columns)), print_date=printed, internal=True, sign=sign_off(printed))
    title, subtitle = titles(scope, "成果清单")
    amount = sum((r.amount for r in outcomes if r.amount is not None), start=0)
    totals = ["合计", f"共{len(outcomes)}项", None, None, None, amount, None]
    write_table(add_sheet(wb, "成果清单"), title=title, subtitle=subtitle, columns=fit_totals(OUTCOME_COLUMNS, totals),
                rows=[outcome_values(i, r, mask) for i, r in enumerate(outcomes, 1)], totals=totals,
                print_date=printed, internal=True, sign=sign_off(printed))
    save_workbook(wb, path)
    return finish("lists", path, 2 * len(problems) + len(outcomes), mask, sheets=3)
