"""书面总结报告 (.docx): a draft of the town's or a village's written summary, every figure filled in.

The sentences are what a clerk would write; the draft is meant to be edited. No names or ID
numbers appear in it, only counts (children's cases included in the counts, never named).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from decimal import Decimal

from store.export_records import petition_rows, spotcheck_rows
from store.export_rows import category_names, export_scope, problem_rows
from store.stats import VillageProgress, town_totals

from .common import ExportResult, cn_date, finish
from .docx_base import add_heading_cn, add_paragraph_cn, add_table_cn, add_title, new_document, save_document
from .lists import fix_state
from .petitions import petition_state
from .progress import progress_figures

SECTIONS = ("基本情况", "排查情况", "整改情况", "成效", "存在问题", "下一步打算")
NUMERALS = "一二三四五六七八九十"


def pct(value: float | None) -> str:
    """85.3%, or 「暂无」 without a denominator."""
    return "暂无" if value is None else f"{value * 100:.1f}%"


def money(value: Decimal) -> str:
    """12,345.00元."""
    return f"{value:,.2f}元"


def _place(scope) -> str:
    """The town, or the town and its villages."""
    return scope.town + ("、".join(scope.village_names) if scope.village_names else "")


def basics(scope, total: VillageProgress, cats: dict[int, str], n_villages: int) -> list[str]:
    """一、基本情况."""
    parts = "，".join(f"{cats.get(code, f'第{code}类')}{total.by_category.get(code, 0)}人" for code in range(1, 8))
    return [
        f"按照{scope.doc_number + '文件要求' if scope.doc_number else '上级工作部署'}，{_place(scope)}自"
        f"{cn_date(scope.start)}起组织开展{scope.campaign_name}工作，共涉及{n_villages}个村（居）。",
        f"截至{cn_date(scope.as_of)}，纳入排查范围的对象共{total.listed}人，按排查重点分：{parts}"
        "（同一对象符合多类的分别计数）。",
    ]


def screening(total: VillageProgress, behind: list[str], checks, petitions, as_of: dt.date) -> list[str]:
    """二、排查情况: visits, assessments, pace, spot checks, petitions."""
    out = [f"已入户走访或电话回访{total.visited}人，走访率{pct(total.visit_rate)}；已完成研判{total.assessed}人，"
           f"其中符合救助条件{total.eligible}人，不符合{total.ineligible}人。"]
    out.append(f"{len(behind)}个村（居）走访进度落后：{'、'.join(behind)}。" if behind
               else "各村（居）走访进度均达到阶段要求。")
    rounds = len({c.round_no for c in checks})
    judged = Counter(c.result for c in checks if c.result)
    out.append(f"镇社会事务办开展抽查{rounds}轮，抽取{len(checks)}人，已核查{sum(judged.values())}人，"
               f"其中合格{judged['合格']}人、不合格{judged['不合格']}人、无法核实{judged['无法核实']}人，"
               f"合格率{pct(total.pass_rate)}。")
    states = [petition_state(p, as_of) for p in petitions]
    out.append(f"受理社会救助类信访{len(petitions)}件，已办结{states.count('已办结')}件，"
               f"逾期未办结{sum(s.startswith('逾期') for s in states)}件。")
    return out


def rectification(problems, as_of: dt.date) -> list[str]:
    """三、整改情况."""
    if not problems:
        return ["截至目前未发现需要整改的问题。"]
    states = Counter(fix_state(p, as_of) for p in problems)
    kinds = "，".join(f"{k}{n}个" for k, n in Counter(p.kind for p in problems).most_common())
    sources = "，".join(f"{k}发现{n}个" for k, n in Counter(p.source for p in problems).most_common())
    return [f"排查和抽查中共发现问题{len(problems)}个（{sources}），按类型分：{kinds}。",
            f"已完成整改{states['已整改']}个，正在整改{states['整改中']}个，逾期未整改{states['逾期未整改']}个，"
            f"尚未制定整改措施{states['未制定措施']}个。"]


def results(total: VillageProgress) -> list[str]:
    """四、成效."""
    out = [f"新纳入低保{total.new_dibao}人，低保单人户（单列施保）{total.new_single}人，特困供养{total.new_tekun}人，"
           f"孤儿和事实无人抚养儿童{total.new_children}人，认定低保边缘家庭{total.new_edge}户；"
           f"实施临时救助{total.temp_count}人次，发放救助金{money(total.temp_amount)}。",
           f"对暂不符合条件的困难群众，纳入动态监测{total.monitoring}人，定期回访。"]
    if total.surveyed:
        out.append(f"开展群众满意度测评，测评{total.surveyed}人，满意和基本满意{total.satisfied}人，"
                   f"满意度{pct(total.satisfaction)}。")
    else:
        out.append("群众满意度测评尚未开展。")
    return out


def issues(total: VillageProgress, behind: list[str], problems, petitions, as_of: dt.date) -> list[str]:
    """五、存在问题: what the figures show is still open."""
    out = []
    if total.listed > total.visited:
        out.append(f"一是仍有{total.listed - total.visited}名排查对象尚未走访。")
    if behind:
        out.append(f"{'二是' if out else '一是'}部分村（居）进度落后，{'、'.join(behind)}走访率低于要求。")
    open_fixes = sum(fix_state(p, as_of) != "已整改" for p in problems)
    if open_fixes:
        out.append(f"{NUMERALS[len(out)]}是还有{open_fixes}个问题未完成整改。")
    late = sum(petition_state(p, as_of).startswith("逾期") for p in petitions)
    if late:
        out.append(f"{NUMERALS[len(out)]}是{late}件信访超过办结期限尚未办结。")
    return out or ["（请结合实际补充。）"]


def next_steps(scope, total: VillageProgress, behind: list[str]) -> list[str]:
    """六、下一步打算."""
    out = [f"一是对尚未走访的{total.listed - total.visited}名对象逐户走访，做到应访尽访；"
           f"对符合条件的{total.eligible}人加快审核审批，做到应保尽保、应救尽救。"]
    if behind:
        out.append(f"二是对{'、'.join(behind)}进行督导，必要时通报、约谈。")
    out.append(f"{NUMERALS[len(out)]}是对纳入动态监测的{total.monitoring}人定期回访，发现困难及时救助；"
               "持续做好问题整改和信访答复，按时报送三项清单和书面总结报告。")
    return out


def village_table(doc, rows: list[VillageProgress], total: VillageProgress) -> None:
    """附表: a compact per-village table."""
    headers = ["村（居）", "名单人数", "已走访", "走访率", "已研判", "新纳入", "问题数", "已整改"]
    new = lambda r: r.new_dibao + r.new_single + r.new_tekun + r.new_children + r.new_edge  # noqa: E731
    body = [[r.name, r.listed, r.visited, pct(r.visit_rate), r.assessed, new(r), r.problems, r.rectified]
            for r in [*rows, total]]
    add_table_cn(doc, headers, body)


def write_report(path: str | os.PathLike, *, campaign_id: int | None = None, villages: list[str] | None = None,
                 as_of: dt.date | None = None, mask: bool = True, print_date: dt.date | None = None) -> ExportResult:
    """Write the report draft; rows = paragraphs of the six sections."""
    scope = export_scope(campaign_id, villages, as_of)
    rows, reasons, _note = progress_figures(scope)
    total = town_totals(rows)
    behind = [r.name for r in rows if r.id in reasons]
    problems, petitions, checks = problem_rows(scope), petition_rows(scope), spotcheck_rows(scope)
    sections = [basics(scope, total, category_names(scope.campaign_id), len(rows)),
                screening(total, behind, checks, petitions, scope.as_of), rectification(problems, scope.as_of),
                results(total), issues(total, behind, problems, petitions, scope.as_of),
                next_steps(scope, total, behind)]
    doc = new_document()
    add_title(doc, f"{_place(scope)}关于{scope.campaign_name}工作情况的报告")
    for i, (heading, paragraphs) in enumerate(zip(SECTIONS, sections)):
        add_heading_cn(doc, f"{NUMERALS[i]}、{heading}", 1)
        for text in paragraphs:
            add_paragraph_cn(doc, text)
    if len(rows) > 1:
        add_heading_cn(doc, "附表：各村（居）排查进度", 1)
        village_table(doc, rows, total)
    add_paragraph_cn(doc, f"\n{scope.town}社会事务办\n{cn_date(print_date or scope.as_of)}")
    save_document(doc, path)
    return finish("report", path, sum(len(s) for s in sections), mask)
