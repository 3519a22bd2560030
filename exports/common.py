"""What every export shares: kinds and file names, titles, masking, the posting rule, the result.

Posting rule: only the 村级公示表 (kind notice) is made for a village notice board: newly included
households in the form the 低保 rules allow (name, household size, benefit and amount, the 公示
period, the 监督电话), never an ID number, phone, health, disability or children's data. The
progress table holds counts only and may be shown. The three lists (问题清单、整改清单、成果清单)
go up to the town and the district: they are internal working papers marked 内部资料, like the
ledger, the spot-check record, the petition table, the written report and the 入户调查表 (it carries
health and disability data). In the lists children
(under 18, or holding a 孤儿 / 事实无人抚养儿童 benefit) still appear without name or ID number and
防返贫 (category 6) rows without ID number; elsewhere ID numbers and phones are masked unless the
export is made unmasked on purpose (audited).
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from store.ids import mask_id, mask_phone

KINDS = {
    "progress": "村居排查进度表", "lists": "三项清单", "ledger": "排查台账",
    "spotcheck": "抽查记录表", "petitions": "信访办理情况表", "report": "书面总结报告", "notice": "村级公示表",
    "survey": "入户调查表",
}
TITLES = {
    "progress": "村（居）排查进度表", "lists": "三项清单", "ledger": "排查台账",
    "spotcheck": "抽查记录表", "petitions": "信访办理情况表", "report": "书面总结报告", "notice": "村级公示表",
    "survey": "入户调查表",
}
DOCX = frozenset({"report", "survey"})  # the kinds written as Word documents
POSTED = frozenset({"notice"})  # made for a village notice board
INTERNAL = frozenset({"lists", "ledger", "spotcheck", "petitions", "report", "survey"})  # marked 内部资料
HIDDEN_NAME = "（依规不公开）"


@dataclass(frozen=True)
class ExportResult:
    """A written export: where it is, what it is, how many data rows, whether IDs were masked."""

    path: Path
    kind: str
    rows: int
    masked: bool
    sheets: int = 1

    def as_json(self) -> dict:
        """The --json form: {path, kind, rows, masked}."""
        return {"path": str(self.path), "kind": self.kind, "rows": self.rows, "masked": self.masked}


def suffix(kind: str) -> str:
    """The file extension of a kind."""
    return ".docx" if kind in DOCX else ".xlsx"


def default_file_name(kind: str, town: str | None, as_of: dt.date) -> str:
    """e.g. 后龙镇_村居排查进度表_2026-11-29.xlsx."""
    return f"{town or '本镇'}_{KINDS[kind]}_{as_of.isoformat()}{suffix(kind)}"


def cn_date(day: dt.date) -> str:
    """2026年11月29日."""
    return f"{day.year}年{day.month}月{day.day}日"


def quotes(text: str) -> str:
    """公文 quotes on paper: 「」 and straight double quotes become “” (screens keep 「」)."""
    text = text.replace("「", "“").replace("」", "”")
    parts = text.split('"')
    return "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1])) + parts[-1]


def titles(scope, what: str) -> tuple[str, str]:
    """Title row (town, villages, what) and subtitle (campaign, 截至 date)."""
    place = scope.town or ""
    if scope.village_names and len(scope.village_names) <= 3:
        place += "、".join(scope.village_names)
    return f"{place}{what}", f"{quotes(scope.campaign_name)}    截至{cn_date(scope.as_of)}"


def show_id(number: str | None, mask: bool, hidden: bool = False) -> str | None:
    """An ID number for a file: masked unless asked, empty when the posting rule hides it."""
    if not number or hidden:
        return None
    if not mask:
        return number
    if len(number) == 18 and number[:17].isdigit():  # the canonical form store keeps: slice fast
        return number[:6] + "********" + number[14:]
    return mask_id(number)


def show_phone(phone: str | None, mask: bool, hidden: bool = False) -> str | None:
    """Phones (several joined by /) for a file, masked unless asked."""
    if not phone or hidden:
        return None
    return "/".join(mask_phone(p) for p in phone.split("/")) if mask else phone


def posted_name(name: str | None, child: bool) -> str | None:
    """A person's name in a posted file: hidden for children."""
    return HIDDEN_NAME if child else name


def fit_totals(columns: list, totals: list) -> list:
    """Widen fixed-width number columns so the bold 合计 value never prints as ###."""
    from .xlsx import excel_width, normalise, value_width

    out = []
    for col, value in zip(columns, totals):
        value = normalise(value)
        if col.width and col.kind in ("int", "money") and isinstance(value, (int, float, Decimal)):
            col = replace(col, width=max(col.width, excel_width(value_width(value, col.kind)) + 1))
        out.append(col)
    return out


def finish(kind: str, path: str | os.PathLike, rows: int, mask: bool, sheets: int = 1) -> ExportResult:
    """Build the result; an unmasked export is written to the audit log."""
    if not mask:
        from store.reports.export_rows import log_unmasked_export

        log_unmasked_export(kind, os.path.abspath(os.fspath(path)), rows)
    return ExportResult(Path(os.path.abspath(os.fspath(path))), kind, rows, mask, sheets)


_MODULES = {"progress": "progress", "lists": "lists", "ledger": "ledger", "spotcheck": "spotcheck",
            "petitions": "petitions", "report": "report_docx", "notice": "notice", "survey": "survey"}


def sign_off(print_date: dt.date | None):
    """The 制表人 / 审核人 / 日期 lines from the paper settings (store.reports.paper)."""
    from store.reports import paper

    from .xlsx import SignOff

    values = paper.paper_settings()
    return SignOff(values[paper.PREPARER], values[paper.REVIEWER], print_date or dt.date.today())


def check_suffix(kind: str, path: str | os.PathLike) -> None:
    """Refuse a file name whose extension does not match what the kind writes."""
    if Path(os.fspath(path)).suffix.lower() != suffix(kind):
        from .atomic import ExportError

        raise ExportError(f"文件扩展名应为 {suffix(kind)}：{Path(os.fspath(path)).name}", path)


def write_export(kind: str, path: str | os.PathLike, **options) -> ExportResult:
    """Dispatch to exports.<module>.write_<kind>(path, **options)."""
    if kind not in _MODULES:
        raise ValueError(f"unknown export kind {kind!r}")
    check_suffix(kind, path)
    module = importlib.import_module(f"exports.{_MODULES[kind]}")
    return getattr(module, f"write_{kind}")(path, **options)


def parse_as_of(text: str | None) -> dt.date | None:
    """A 截至 date typed by the clerk: store.followup.parse_date (2026-11-29, 2026年11月29日, +N ...)."""
    from store.errors import ValidationError
    from store.followup import parse_date

    try:
        return parse_date(text or "")
    except ValidationError as exc:
        raw = unicodedata.normalize("NFKC", str(text)).strip()
        if exc.message.startswith("没有这一日期"):
            raise ValueError(f"日期不存在：{raw}") from None
        raise ValueError(f"无法识别的日期：{raw}（可用格式如2026-11-29、2026年11月29日、+N）") from None
