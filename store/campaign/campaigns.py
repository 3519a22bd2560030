"""Campaigns (整治工作) as data the office edits: one a year, made from a template, exactly one
active. Phases are saved as a whole ordered list; categories live in store/campaign/categories.py."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from store import audit
from store.campaign.active import active_campaign_id
from store.common import clean
from store.errors import NotFound, ValidationError
from store.followup import parse_date
from store.campaign.phases import StoredPhase, stored_phases
from store.safety.unreadable import MARK
from store.schema import Campaign, Phase, db

TEMPLATES = ("latest", "source")
DEMO_MARK = "（演示）"
_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年)")
UNSET: Any = object()  # "leave this value as it is" in edit_campaign


@dataclass(frozen=True)
class PhaseSpec:
    """A phase as typed: name and dates."""

    name: str
    start: dt.date
    end: dt.date


@dataclass
class CampaignView:
    """A campaign with its phases and categories, for the CLI and the 整治工作 screen."""

    id: int
    name: str
    year: int
    doc_number: str | None
    report_due: dt.date | None
    active: bool
    cases: int
    phases: list[StoredPhase] = field(default_factory=list)  # a date that cannot be read is None
    categories: list = field(default_factory=list)

    @property
    def start(self) -> dt.date | None:
        """The first phase's start."""
        return self.phases[0].start if self.phases else None

    def as_json(self) -> dict:
        """A plain dict for `campaign list --json`."""
        return {
            "id": self.id, "name": self.name, "year": self.year, "doc_number": self.doc_number,
            "report_due": _iso(self.report_due), "active": self.active, "cases": self.cases,
            "phases": [{"name": p.name, "start": _iso(p.start), "end": _iso(p.end)} for p in self.phases],
            "categories": [c.as_json() for c in self.categories],
        }


def _iso(day: dt.date | None) -> str | None:
    """A date as YYYY-MM-DD, None kept."""
    return day.isoformat() if day else None


@overload
def as_day(value: Any, field_name: str, label: str, *, allow_none: Literal[False]) -> dt.date: ...
@overload
def as_day(value: Any, field_name: str, label: str, *, allow_none: bool = True) -> dt.date | None: ...
def as_day(value: Any, field_name: str, label: str, *, allow_none: bool = True) -> dt.date | None:
    """A date object, or one typed in any of the clerk's ways (2026-08-01, 2026.8.1, 2026年8月1日)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        day = parse_date(clean(value), field=field_name)
    except ValidationError as exc:
        raise ValidationError(f"{label}：{exc.message}", field=field_name) from None
    if day is None and not allow_none:
        raise ValidationError(f"请填写{label}", field=field_name)
    return day


def shift_years_in_text(text: str | None, delta: int) -> str | None:
    """「2021年产生医疗费用特困人员」 moved by delta years; text without a year unchanged."""
    if not text or not delta:
        return text
    return _YEAR_IN_TEXT.sub(lambda m: str(int(m.group(1)) + delta), text)


@overload
def shift_date_years(day: dt.date, delta: int) -> dt.date: ...
@overload
def shift_date_years(day: None, delta: int) -> None: ...
def shift_date_years(day: dt.date | None, delta: int) -> dt.date | None:
    """The same day delta years later (29 February becomes 28 February)."""
    if day is None or not delta:
        return day
    try:
        return day.replace(year=day.year + delta)
    except ValueError:
        return day.replace(year=day.year + delta, day=28)


# --- reading -------------------------------------------------------------------------------


def _case_counts() -> dict[int, int]:
    """Live cases per campaign."""
    rows = db.execute_sql('SELECT campaign_id, count(*) FROM "case" WHERE deleted_at IS NULL GROUP BY campaign_id')
    return dict(rows.fetchall())


def _phases(campaign_id: int) -> list[PhaseSpec]:
    """A campaign's phases in order, to edit or copy; ValidationError when one holds a date that
    cannot be read (another tool wrote it): moving or copying it would make up a date."""
    out = []
    for i, (name, start, end) in enumerate(stored_phases(campaign_id)):
        if start is None or end is None:
            part, label = ("start", "开始") if start is None else ("end", "结束")
            raise ValidationError(f"第{i + 1}个阶段「{name}」的{label}日期{MARK}（其他软件写入），"
                                  "请先在整治工作中重新填写该阶段的日期", field=f"phase-{i}-{part}")
        out.append(PhaseSpec(name, start, end))
    return out


def list_campaigns() -> list[CampaignView]:
    """Every campaign, newest year first, with phases (categories left out)."""
    counts, active = _case_counts(), active_campaign_id()
    query = Campaign.select().order_by(Campaign.year.desc(), Campaign.id.desc())
    return [CampaignView(c.id, c.name, c.year, c.doc_number, c.report_due, c.id == active,
                         counts.get(c.id, 0), stored_phases(c.id)) for c in query]


def get_campaign(campaign_id: int | None = None) -> CampaignView:
    """One campaign (default: the active one) with phases and categories (retired ones too)."""
    from store.campaign.categories import category_rows

    cid = campaign_id if campaign_id is not None else active_campaign_id()
    camp = Campaign.get_or_none(Campaign.id == cid) if cid is not None else None
    if camp is None:
        raise NotFound(f"没有编号为 {campaign_id} 的整治工作" if campaign_id is not None else "还没有整治工作")
    return CampaignView(camp.id, camp.name, camp.year, camp.doc_number, camp.report_due, camp.id == active_campaign_id(),
                        _case_counts().get(camp.id, 0), stored_phases(camp.id), category_rows(camp.id))


# --- validation ----------------------------------------------------------------------------


def check_year(value: Any) -> int:
    """A campaign year 2000-2100."""
    try:
        year = int(clean(value))
    except ValueError:
        raise ValidationError(f"年度应为四位数字，如 {dt.date.today().year}", field="year") from None
    if not 2000 <= year <= 2100:
        raise ValidationError(f"年度不在 2000 至 2100 之间：{year}", field="year")
    return year


def check_phases(phases: list[PhaseSpec], year: int, report_due: dt.date | None) -> None:
    """Phases named, each start on or before its end, in order without overlap, inside the campaign
    (dates in its year or the next), and the report due on or after the last phase's end."""
    if not phases:
        raise ValidationError("至少要有一个阶段", field="phases")
    low, high = dt.date(year, 1, 1), dt.date(year + 1, 12, 31)
    for i, p in enumerate(phases):
        no = f"第{i + 1}个阶段"
        if not clean(p.name):
            raise ValidationError(f"{no}：请填写阶段名称", field=f"phase-{i}-name")
        if p.end < p.start:
            raise ValidationError(f"{no}「{p.name}」结束日期早于开始日期", field=f"phase-{i}-end")
        for day, part in ((p.start, "start"), (p.end, "end")):
            if not low <= day <= high:
                raise ValidationError(f"{no}「{p.name}」的日期 {day} 不在 {year} 年度内（应在 {low} 至 {high} 之间）",
                                      field=f"phase-{i}-{part}")
        if i and p.start <= phases[i - 1].end:
            raise ValidationError(f"{no}「{p.name}」应在上一阶段「{phases[i - 1].name}」结束（{phases[i - 1].end}）"
                                  f"之后开始", field=f"phase-{i}-start")
    if report_due is not None and report_due < phases[-1].end:
        raise ValidationError(f"报告截止日期 {report_due} 早于最后一个阶段的结束日期 {phases[-1].end}",
                              field="report_due")
    if report_due is not None and report_due > high:
        raise ValidationError(f"报告截止日期 {report_due} 不在 {year} 年度内", field="report_due")


def phase_specs(rows: list) -> list[PhaseSpec]:
    """Phases from (name, start, end) tuples whose dates may be typed text."""
    out = []
    for i, (name, start, end) in enumerate(rows):
        out.append(PhaseSpec(clean(name), as_day(start, f"phase-{i}-start", f"第{i + 1}个阶段的开始日期", allow_none=False),
                             as_day(end, f"phase-{i}-end", f"第{i + 1}个阶段的结束日期", allow_none=False)))
    return out


# --- writing -------------------------------------------------------------------------------


def _write_phases(campaign_id: int, phases: list[PhaseSpec]) -> None:
    """Replace a campaign's phases (audited row by row; call inside a transaction)."""
    old = list(Phase.select().where(Phase.campaign == campaign_id).order_by(Phase.seq, Phase.id))
    for seq, spec in enumerate(phases, 1):
        row = old[seq - 1] if seq <= len(old) else None
        if row is None:
            row = Phase.create(campaign=campaign_id, seq=seq, name=spec.name, start=spec.start, end=spec.end)
            audit.log_row("create", row)
            continue
        before = audit.snapshot(row)
        row.seq, row.name, row.start, row.end = seq, spec.name, spec.start, spec.end
        row.save()
        audit.log_row("update", row, before)
    for row in old[len(phases):]:
        before = audit.snapshot(row)
        row.delete_instance()
        audit.log("delete", "phase", before["id"], before, None)


def use_campaign(campaign_id: int) -> bool:
    """Make one campaign the active one (every other inactive); True when it changed."""
    if Campaign.get_or_none(Campaign.id == campaign_id) is None:
        raise NotFound(f"没有编号为 {campaign_id} 的整治工作")
    with db.atomic():
        changed = False
        for camp in Campaign.select().where(Campaign.active != (Campaign.id == campaign_id)):
            before = audit.snapshot(camp)
            camp.active = camp.id == campaign_id
            camp.save()
            audit.log_row("update", camp, before)
            changed = True
    return changed


def edit_campaign(campaign_id: int, *, name: Any = UNSET, doc_number: Any = UNSET, year: Any = UNSET,
                  report_due: Any = UNSET, start: Any = UNSET, phases: Any = UNSET) -> CampaignView:
    """Change name, 文号, year, report due, the start (the whole schedule moves with it, the report
    due too unless given), or the whole phase list (one transaction, audited). Typed text is
    accepted for every value."""
    camp = Campaign.get_or_none(Campaign.id == campaign_id)
    if camp is None:
        raise NotFound(f"没有编号为 {campaign_id} 的整治工作")
    new_name = camp.name if name is UNSET else clean(name)
    if not new_name:
        raise ValidationError("请填写整治工作名称", field="name")
    new_doc = camp.doc_number if doc_number is UNSET else (clean(doc_number) or None)
    new_year = camp.year if year is UNSET else check_year(year)
    new_due = camp.report_due if report_due is UNSET else as_day(report_due, "report_due", "报告截止日期")
    specs = _phases(camp.id) if phases is UNSET else phase_specs(phases)
    if start is not UNSET and specs:
        first = as_day(start, "start", "开始日期", allow_none=False)
        if phases is UNSET:  # the whole schedule moves (and the report due with it unless given)
            specs, moved = _moved(specs, first - specs[0].start)
            new_due = new_due + moved if new_due and report_due is UNSET else new_due
        else:
            specs[0] = PhaseSpec(specs[0].name, first, specs[0].end)
    check_phases(specs, new_year, new_due)
    with db.atomic():
        before = audit.snapshot(camp)
        camp.name, camp.doc_number, camp.year, camp.report_due = new_name, new_doc, new_year, new_due
        camp.save()
        audit.log_row("update", camp, before)
        if phases is not UNSET or start is not UNSET:
            _write_phases(camp.id, specs)
    return get_campaign(camp.id)


def new_campaign(year: Any, template: str = "latest", name: str | None = None, doc_number: str | None = None,
                 start: Any = None, report_due: Any = None, *, activate: bool = True) -> CampaignView:
    """A campaign for `year` copying a template's phases and categories with dates (and years
    written in category names) moved to the new year; made active unless told not to."""
    from store.campaign.categories import copy_categories, template_categories

    year = check_year(year)
    if template not in TEMPLATES:
        raise ValidationError(f"模板只能是 latest（最近一次整治工作）或 source（龙政〔2022〕63号）：{template}",
                              field="template")
    base = _template(template)
    delta = year - base["year"]
    phases = [PhaseSpec(n, shift_date_years(s, delta), shift_date_years(e, delta)) for n, s, e in base["phases"]]
    due = shift_date_years(base["report_due"], delta)
    first = as_day(start, "start", "开始日期")
    if first is not None and phases:
        phases, moved = _moved(phases, first - phases[0].start)
        due = due + moved if due else None
    if clean(report_due):
        due = as_day(report_due, "report_due", "报告截止日期")
    title = clean(name) or _default_name(base["name"], delta, year)
    check_phases(phases, year, due)
    categories = template_categories(base, delta)  # read before an unused campaign of the year goes
    with db.atomic():
        _drop_unused_of_year(year)
        camp = Campaign.create(name=title, year=year, doc_number=clean(doc_number) or None, report_due=due,
                               active=False)
        audit.log_row("create", camp)
        _write_phases(camp.id, phases)
        copy_categories(camp.id, categories)
        if activate:
            use_campaign(camp.id)
    return get_campaign(camp.id)


def _drop_unused_of_year(year: int) -> None:
    """One campaign a year: a campaign of `year` that nothing uses yet (made by `init` or the welcome
    screen, never worked on) is replaced, audited; one that holds work is kept and refused."""
    for camp in Campaign.select().where(Campaign.year == year):
        used = db.execute_sql(
            'SELECT EXISTS(SELECT 1 FROM "case" WHERE campaign_id = ?) OR EXISTS(SELECT 1 FROM "problem" '
            'WHERE campaign_id = ?) OR EXISTS(SELECT 1 FROM "spot_check_round" WHERE campaign_id = ?) OR EXISTS('
            'SELECT 1 FROM "roster_entry" r JOIN "category" k ON k.id = r.category_id WHERE k.campaign_id = ?)',
            (camp.id,) * 4).fetchone()[0]
        if used:
            raise ValidationError(f"{year}年已有整治工作「{camp.name}」（第 {camp.id} 号），一年只建一项；"
                                  f"请用 campaign edit {camp.id} 修改，或 campaign use {camp.id} 切换", field="year")
        audit.log_row("delete", camp)
        camp.delete_instance()  # its phases and categories go with it (ON DELETE CASCADE)


def _moved(phases: list[PhaseSpec], delta: dt.timedelta) -> tuple[list[PhaseSpec], dt.timedelta]:
    """Every phase moved by delta days (lengths kept)."""
    return [PhaseSpec(p.name, p.start + delta, p.end + delta) for p in phases], delta


def _default_name(template_name: str, delta: int, year: int) -> str:
    """The template's name with its years moved; 「2026年」 in front when it names no year."""
    text = shift_years_in_text(template_name.replace(DEMO_MARK, ""), delta) or ""
    return text if _YEAR_IN_TEXT.search(text) else f"{year}年{text}"


def _template(template: str) -> dict:
    """The template's year, name, report due, phases and categories as plain data."""
    from store.migrations import SOURCE_CAMPAIGN, SOURCE_CATEGORIES, SOURCE_PHASES

    if template == "latest":
        camp = Campaign.select().order_by(Campaign.year.desc(), Campaign.id.desc()).first()
        if camp is not None:
            return {"year": camp.year, "name": camp.name, "report_due": camp.report_due, "campaign_id": camp.id,
                    "phases": [(p.name, p.start, p.end) for p in _phases(camp.id)]}
    name, year, _doc, due = SOURCE_CAMPAIGN
    return {"year": year, "name": name, "report_due": dt.date.fromisoformat(due), "campaign_id": None,
            "phases": [(n, dt.date.fromisoformat(s), dt.date.fromisoformat(e)) for _seq, n, s, e in SOURCE_PHASES],
            "categories": SOURCE_CATEGORIES}


def needs_this_year(today: dt.date | None = None) -> bool:
    """True on a new install: the only campaign is the untouched 2022 template and no case exists,
    or there is no campaign at all, and the year is not 2022."""
    from store.migrations import SOURCE_CAMPAIGN

    today = today or dt.date.today()
    camps = list(Campaign.select())
    if not camps:
        return True
    if len(camps) > 1 or any(_case_counts().values()):
        return False
    camp = camps[0]
    return (camp.name, camp.year, camp.doc_number) == SOURCE_CAMPAIGN[:3] and camp.year != today.year


def _this_years_start(today: dt.date) -> dt.date | None:
    """Where this year's campaign from the source plan starts: the plan's own dates moved to this
    year, or today when those have passed already (a new install late in the year must not open on
    a campaign that has ended); None keeps the plan's dates."""
    base = _template("source")
    due = shift_date_years(base["report_due"], today.year - base["year"])
    return today if due is not None and due < today else None


def start_this_year(today: dt.date | None = None, **options) -> CampaignView | None:
    """On a new install, this year's campaign from the source plan (made active); None otherwise."""
    today = today or dt.date.today()
    if not needs_this_year(today):
        return None
    options.setdefault("start", _this_years_start(today))
    return new_campaign(today.year, "source", **options)


def this_year_proposal(today: dt.date | None = None) -> dict:
    """What the welcome screen proposes: this year's campaign from the source plan (not yet
    written) on a new install, else the active campaign as it is. Keys: name, doc_number, start,
    report_due, phases, existing (the active id, or None when it is still to be made)."""
    today = today or dt.date.today()
    if needs_this_year(today):
        base = _template("source")
        delta = today.year - base["year"]
        phases = [PhaseSpec(n, shift_date_years(s, delta), shift_date_years(e, delta)) for n, s, e in base["phases"]]
        due = shift_date_years(base["report_due"], delta)
        first = _this_years_start(today)
        if first is not None:
            phases, moved = _moved(phases, first - phases[0].start)
            due = due + moved
        return {"name": _default_name(base["name"], delta, today.year), "doc_number": "", "year": today.year,
                "start": phases[0].start, "report_due": due, "phases": phases, "existing": None}
    view = get_campaign()
    return {"name": view.name, "doc_number": view.doc_number or "", "year": view.year, "start": view.start,
            "report_due": view.report_due, "phases": view.phases, "existing": view.id}


def setup_this_year(today: dt.date | None = None, *, name: Any, doc_number: Any, start: Any,
                    report_due: Any = UNSET) -> CampaignView:
    """The welcome screen's Ctrl+S: make this year's campaign with the confirmed values, or
    apply them to the active one when it exists already (e.g. made by `init`). Without
    report_due the report due moves with the start."""
    today = today or dt.date.today()
    if needs_this_year(today):
        if not clean(name):
            raise ValidationError("请填写整治工作名称", field="name")
        return new_campaign(today.year, "source", name=name, doc_number=doc_number, start=start,
                            report_due=None if report_due is UNSET else report_due)
    return edit_campaign(get_campaign().id, name=name, doc_number=doc_number, start=start, report_due=report_due)
