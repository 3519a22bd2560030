"""书面总结报告 (.docx): a draft of the town's or a village's written summary, every figure filled in.

The sentences are what a clerk would write; the draft is meant to be edited. No names or ID
numbers appear in it, only counts (children's cases included in the counts, never named). A
count of zero is left out or said as a person would say it. Figures are the read model's
(store.reports.stats), the same the dashboard shows. A village's report (one village chosen) is written
as that village's: its figures only, signed by its 村(居)委会, no town-level sentences.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from decimal import Decimal

from store.reports import paper
from store.reports.export_records import petition_rows, spotcheck_rows
from store.reports.export_rows import export_scope, problem_rows
from store.checks.reviews import suggest_notices
from store.reports.stats import VillageProgress, pace_context, town_totals

from .common import ExportResult, cn_date, finish, quotes
from .docx_base import (add_addressee, add_heading_cn, add_page_break, add_paragraph_cn, add_signature,
                        add_table_cn, add_title, new_document, save_document)
from .lists import fix_state
from .petitions import petition_state
from .progress import progress_figures

SECTIONS = ("基本情况", "排查情况", "整改情况", "工作成效", "验收、测评和督导情况", "存在问题", "下一步打算")
NUMERALS = "一二三四五六七八九十"
PROBLEM_KINDS = {"漏保": "“漏保”", "漏救": "“漏救”"}


def pct(value: float | None) -> str:
    """85.3%, or 「暂无」 without a denominator."""
    return "暂无" if value is None else f"{value * 100:.1f}%"


def money(value: Decimal) -> str:
    """12,345.00元."""
    return f"{value:,.2f}元"


def joined(parts: list[str]) -> str:
    """The non-empty parts joined with 「，」."""
    return "，".join(p for p in parts if p)


def count(n: int, text: str) -> str:
    """`text` with the count in it, or nothing for zero: count(3, '不合格{}人')."""
    return text.format(n) if n else ""


def ordinal(items: list[str]) -> list[str]:
    """一是……；二是…… numbering of what is left."""
    return [f"{NUMERALS[i]}是{t}" for i, t in enumerate(items)]


class Facts:
    """Everything one report states, gathered once."""

    def __init__(self, scope, print_date: dt.date | None):
        self.scope = scope
        self.village_id = scope.village_ids[0] if scope.village_ids and len(scope.village_ids) == 1 else None
        self.rows, reasons, _note = progress_figures(scope)
        self.total = town_totals(self.rows)
        self.behind = [r.name for r in self.rows if r.id in reasons]
        self.problems, self.petitions = problem_rows(scope), petition_rows(scope)
        self.checks = spotcheck_rows(scope)
        self.cats = paper.category_full_names(scope.campaign_id)
        self.households = paper.has_households()
        self.reviews = paper.review_records(scope.start, scope.as_of, scope.village_ids)
        self.settings = paper.paper_settings()
        self.town = scope.town or "本镇"
        self.signer = paper.signer(self.village_id, self.town)
        self.date = print_date or scope.as_of
        self.to_notice = [] if self.village_id else [
            s.village for s in suggest_notices(scope.campaign_id, scope.as_of) if s.noticed_on is None
            and scope.covers(s.village_id)]
        self.expected = pace_context(self.rows, scope.campaign_id, scope.as_of).expected

    @property
    def us(self) -> str:
        """How the report names its own area: 全镇, 本村 or 本社区."""
        if self.village_id is None:
            return "全镇"
        return "本社区" if self.signer.endswith("居民委员会") else "本村"

    @property
    def place(self) -> str:
        """The town, or the town and the village."""
        names = self.scope.village_names or ()
        return self.town + ("".join(names) if self.village_id else "")


def basics(f: Facts) -> list[str]:
    """一、基本情况."""
    s, t = f.scope, f.total
    basis = f"按照{s.doc_number}文件要求" if s.doc_number else "按照上级工作部署"
    if f.village_id:
        first = f"{basis}，{f.us}自{cn_date(s.start)}起开展{s.campaign_name}工作。"
    else:
        first = f"{basis}，{f.town}自{cn_date(s.start)}起组织开展{s.campaign_name}工作，{len(f.rows)}个村（居）全部纳入整治范围。"
    if not t.listed:
        return [first, f"截至{cn_date(s.as_of)}，尚未收到需要排查的对象名单。"]
    parts = "；".join(f"{f.cats.get(code, f'第{code}类')}{n}人" for code, n in sorted(t.by_category.items()) if n)
    return [first, f"截至{cn_date(s.as_of)}，{f.us}纳入排查范围的对象共{t.listed}人。按排查重点分：{parts}"
                   "（同一对象符合多类的分别计数）。"]


def coverage_line(f: Facts) -> str:
    """对照在保名单: how many listed are already covered (empty before any roster is imported)."""
    from store.rosters.rosters import current_rosters

    kinds, t = current_rosters(), f.total
    if not kinds or not t.listed:
        return ""
    return f"对照现行{'、'.join(kinds)}在保名单，排查对象中已在保{t.covered}人，未在保{t.uncovered}人。"


def confirmed_line(t: VillageProgress) -> str:
    """新纳入 against the rosters: confirmed by the newest roster, or still missing from it."""
    from store.rosters.checks import GRACE_DAYS

    parts = joined([count(t.new_confirmed, "{}人已由最新在保名单确认"),
                    count(t.new_unconfirmed, f"{{}}人纳入已满{GRACE_DAYS}天仍未见于在保名单，正在核对")])
    return f"新纳入保障的对象中，{parts}。" if parts else ""


def screening(f: Facts) -> list[str]:
    """二、排查情况: visits, assessments, pace, spot checks, petitions."""
    t, out = f.total, []
    if coverage_line(f):
        out.append(coverage_line(f))
    if t.listed:
        if t.visited:
            visits = f"已入户走访{t.visited}人，走访率{pct(t.visit_rate)}（只计入户走访）"
            visits += f"，另电话、微信或来访联系{t.called}人" if t.called else ""
            judged = joined([count(t.assessed, "已完成研判{}人"), count(t.eligible, "其中符合救助条件{}人"),
                             count(t.ineligible, "不符合{}人")])
            out.append(joined([visits, judged]) + "。")
        else:
            out.append("入户走访尚未开始" + (f"，已电话、微信或来访联系{t.called}人" if t.called else "") + "。")
    if f.village_id is None and f.behind:
        out.append(f"{len(f.behind)}个村（居）走访进度落后：{'、'.join(f.behind)}。")
    elif f.village_id is None and t.listed and f.expected:
        out.append("各村（居）走访进度均达到阶段要求。")
    elif f.village_id and f.behind:
        out.append(f"{f.us}走访进度落后于阶段要求。")
    checks = f.checks
    if checks:
        by_result = Counter(c.result for c in checks if c.result)
        rounds = len({c.round_no for c in checks})
        who = "镇社会事务办" + (f"开展抽查{rounds}轮，" if f.village_id is None else f"抽查{f.us}，")
        results = joined([count(by_result["合格"], "合格{}人"), count(by_result["不合格"], "不合格{}人"),
                          count(by_result["无法核实"], "无法核实{}人")])
        done = f"已核查{sum(by_result.values())}人（{results}），合格率{pct(t.pass_rate)}" if by_result else "尚在核查中"
        out.append(f"{who}抽取{len(checks)}人，{done}。")
    if f.petitions:
        states = [petition_state(p, f.scope.as_of) for p in f.petitions]
        late = sum(s.startswith("逾期") for s in states)
        head = "受理社会救助类信访" if f.village_id is None else f"涉及{f.us}的社会救助类信访"
        out.append(joined([f"{head}{len(f.petitions)}件", count(states.count("已办结"), "已办结{}件"),
                           count(late, "逾期未办结{}件")]) + "。")
    return out or ["排查工作正在准备中。"]


def rectification(f: Facts) -> list[str]:
    """三、整改情况."""
    problems, as_of = f.problems, f.scope.as_of
    if not problems:
        return ["截至目前未发现需要整改的问题。"]
    states = Counter(fix_state(p, as_of) for p in problems)
    kinds = "，".join(f"{PROBLEM_KINDS.get(k, k)}{n}个" for k, n in Counter(p.kind for p in problems).most_common())
    sources = "，".join(f"{k}发现{n}个" for k, n in Counter(p.source for p in problems).most_common())
    done = joined([count(states["已整改"], "已完成整改{}个"), count(states["整改中"], "正在整改{}个"),
                   count(states["逾期未整改"], "逾期未整改{}个"), count(states["未制定措施"], "尚未制定整改措施{}个")])
    return [f"排查和抽查中共发现问题{len(problems)}个（{sources}），按类型分：{kinds}。{done}。"]


def _hh(households: int, persons: int, show: bool) -> str:
    """「12户15人」 once households are known (人: the households' members, store.reports.stats), else the
    listed persons as 「{}人」 (filled in by count())."""
    return f"{households}户{persons}人" if show else "{}人"


def results(f: Facts) -> list[str]:
    """四、工作成效."""
    t, hh = f.total, f.households
    new = joined([count(t.new_dibao, "新纳入低保" + _hh(t.new_dibao_households, t.new_dibao_persons, hh)),
                  count(t.new_single, "重度残疾人、重病患者单独纳入低保（单人户）{}人"),
                  count(t.new_tekun, "新纳入特困人员救助供养" + _hh(t.new_tekun_households, t.new_tekun, hh)),
                  count(t.new_children, "新纳入孤儿和事实无人抚养儿童保障{}人"),
                  count(t.new_edge, "认定低保边缘家庭" + _hh(t.new_edge_households, t.new_edge_persons, hh)),
                  f"实施临时救助{t.temp_count}人次，发放临时救助金{money(t.temp_amount)}" if t.temp_count else ""])
    waiting = f"，研判符合条件的{t.pending}人正在审核审批中" if t.pending else ""
    out = [new + "。" if new else f"尚无新纳入保障的对象{waiting}。"]
    if confirmed_line(t):
        out.append(confirmed_line(t))
    if t.monitoring:
        out.append(f"对暂不符合条件的困难群众，纳入动态监测{t.monitoring}人，定期回访，发现困难及时救助。")
    return out


def reviews(f: Facts) -> list[str]:
    """五、验收、测评和督导情况: 验收 results, the satisfaction survey, 通报/约谈 records."""
    t, out = f.total, []
    accepted = [r for r in f.reviews if r.kind == "验收"]
    latest = {r.village_id: r for r in accepted}  # sorted by date: the last one counts
    if latest and f.village_id is None:
        by = Counter(r.result for r in latest.values())
        parts = "，".join(f"{k}{n}个" for k, n in by.most_common())
        out.append(f"镇社会事务办已对{len(latest)}个村（居）进行验收，结果为{parts}。")
    elif latest:
        r = next(iter(latest.values()))
        out.append(f"镇社会事务办于{cn_date(r.date)}对{f.us}进行验收，结果为{r.result}{'：' + r.notes if r.notes else ''}。")
    else:
        out.append("验收工作尚未开展。")
    if t.surveyed:
        out.append(f"开展群众满意度测评，测评{t.surveyed}人，满意和基本满意{t.satisfied}人，满意度{pct(t.satisfaction)}。")
    else:
        out.append("群众满意度测评尚未开展。")
    notices = [r for r in f.reviews if r.kind in ("通报", "约谈")]
    if notices:
        items = "；".join(f"{r.date.month}月{r.date.day}日{r.kind}{'' if f.village_id else r.village}"
                         f"{'（' + r.result + '）' if r.result else ''}" for r in notices)
        who = "对工作进展缓慢的村（居）进行通报、约谈：" if f.village_id is None else f"镇社会事务办对{f.us}进行通报、约谈："
        out.append(who + items + "。")
    return out


def issues(f: Facts) -> list[str]:
    """六、存在问题: what the figures show is still open."""
    t, as_of, items = f.total, f.scope.as_of, []
    if t.listed > t.visited:
        items.append(f"仍有{t.listed - t.visited}名排查对象尚未入户走访。")
    if f.behind and f.village_id is None:
        items.append(f"部分村（居）进度落后，{'、'.join(f.behind)}走访率低于要求。")
    open_fixes = sum(fix_state(p, as_of) != "已整改" for p in f.problems)
    if open_fixes:
        items.append(f"还有{open_fixes}个问题未完成整改。")
    late = sum(petition_state(p, as_of).startswith("逾期") for p in f.petitions)
    if late:
        items.append(f"{late}件信访超过办结期限尚未办结。")
    return ordinal(items) or ["（请结合实际补充。）"]


def next_steps(f: Facts) -> list[str]:
    """七、下一步打算."""
    t, items = f.total, []
    if t.listed > t.visited:
        items.append(f"对尚未走访的{t.listed - t.visited}名对象逐户入户走访，做到应访尽访；")
    if t.pending:
        items.append(f"对符合条件、尚未纳入保障的{t.pending}人加快审核审批，做到应保尽保、应救尽救；")
    if f.to_notice:
        items.append(f"对{'、'.join(f.to_notice)}加强督导，必要时通报、约谈；")
    if t.monitoring:
        items.append(f"对纳入动态监测的{t.monitoring}人定期回访，发现困难及时救助；")
    items.append("持续做好问题整改和信访答复，按时报送“三项清单”和书面总结报告。")
    return ordinal(items)


def village_table(doc, rows: list[VillageProgress], total: VillageProgress) -> None:
    """附表: a compact per-village table (the progress table's figures)."""
    headers = ["村（居）", "名单人数", "已入户走访", "走访率", "电话回访", "已研判", "新纳入", "问题数", "已整改"]
    new = lambda r: r.new_dibao + r.new_single + r.new_tekun + r.new_children + r.new_edge  # noqa: E731
    body = [[r.name, r.listed, r.visited, pct(r.visit_rate), r.called, r.assessed, new(r), r.problems, r.rectified]
            for r in [*rows, total]]
    add_table_cn(doc, headers, body)


def write_report(path: str | os.PathLike, *, campaign_id: int | None = None, villages: list[str] | None = None,
                 as_of: dt.date | None = None, mask: bool = True, print_date: dt.date | None = None) -> ExportResult:
    """Write the report draft; rows = paragraphs of the sections."""
    f = Facts(export_scope(campaign_id, villages, as_of), print_date)
    sections = [basics(f), screening(f), rectification(f), results(f), reviews(f), issues(f), next_steps(f)]
    doc = new_document()
    add_title(doc, quotes(f"{f.place}关于{f.scope.campaign_name}工作情况的报告"))
    add_addressee(doc, (f"{f.town}社会事务办" if f.village_id else f.settings[paper.REPORT_TO]) + "：")
    for i, (heading, paragraphs) in enumerate(zip(SECTIONS, sections)):
        add_heading_cn(doc, f"{NUMERALS[i]}、{heading}", 1)
        for text in paragraphs:
            add_paragraph_cn(doc, quotes(text))
    add_signature(doc, f.signer, cn_date(f.date))
    if len(f.rows) > 1:
        add_page_break(doc)
        add_heading_cn(doc, "附表", 1)
        add_title(doc, "各村（居）排查进度")
        village_table(doc, f.rows, f.total)
    save_document(doc, path)
    return finish("report", path, sum(len(s) for s in sections), mask)
