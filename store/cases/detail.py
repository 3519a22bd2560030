"""Everything about one case for the detail screen, with masked numbers; the audited reveal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import fn

from store import audit
from store.cases.attachments import case_attachments
from store.cases.add import origin_text
from store.people.households import household_line
from store.cases.cases import get_case
from store.ids import mask_id, mask_personal, mask_phone
from store.imports.merge import raw_pairs
from store.people.people import age_of, id_override_reason
from store.safety.unreadable import case_notes
from store.schema import (Attachment, Benefit, BenefitStep, CaseCategory, Category, Contact, ContactMember, ImportBatch,
                     Member, Person, Petition, Problem, Rectification, RosterEntry, SpotCheck, Village, Zone, db)

DISABILITY = {1: "视力", 2: "听力", 3: "言语", 4: "肢体", 5: "智力", 6: "精神", 7: "多重"}
GRADES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


def disability_text(category: int | None, grade: int | None) -> str:
    """A disability as 「肢体二级」, or empty."""
    if not category and not grade:
        return ""
    return f"{DISABILITY.get(category or 0, '')}{GRADES.get(grade or 0, '')}残疾"


@dataclass
class CaseDetail:
    """One case with its person and every related record, ready to show."""

    case_id: int
    person_id: int
    name: str
    id_masked: str
    sex: str
    age: int | None
    phone_masked: str
    village: str
    zone: str
    address: str
    household_note: str
    disability: str
    status: str
    member: str
    conclusion: str
    conclusion_reason: str
    next_followup: dt.date | None
    categories: list[str] = field(default_factory=list)
    roster: list[str] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    benefits: list[dict] = field(default_factory=list)
    petitions: list[str] = field(default_factory=list)
    spot_checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    id_note: str = ""  # set when the ID number fails its check: 「身份证号未通过校验（已核实：...）」
    origin: str = ""  # a hand-made case: 「入户排查发现（王某，2026-11-30）」
    attachments: list[str] = field(default_factory=list)
    coverage: str = ""  # 在保: 「低保（农村低保，2019-03-01起）」, 「未在保（已对照：低保、特困）」
    household: str = ""  # 「户主王大，家庭人口3人（已登记2人），年人均收入9000.00元」 (store.people.households)
    serious_illness: bool = False


def _yuan(v) -> str:
    """An amount as 「1234.50元」."""
    return f"{v}元" if v is not None else ""


def roster_line(e: RosterEntry, cat: Category) -> str:
    """One source-list entry with the values it carried."""
    parts = [f"{cat.code} {cat.short_name}"]
    money = [f"{label}{_yuan(v)}" for label, v in (("医疗总费用", e.medical_total), ("已报销", e.reimbursed),
                                                   ("自付", e.self_paid)) if v is not None]
    if money:
        parts.append("，".join(money))
    if e.disability_category or e.disability_grade:
        parts.append(disability_text(e.disability_category, e.disability_grade))
    if e.petition_date:
        parts.append(f"信访日期{e.petition_date}")
    if e.monitor_category:
        parts.append(f"监测类别：{e.monitor_category}")
    row = f"（名单第{e.source_row}行）" if e.source_row else ""
    return "，".join(parts) + row


def source_cell(value) -> str:
    """A source cell for the screen: a whole float without its .0, every ID number and mobile inside
    masked by store.ids.mask_personal (any spelling a list may use: full-width digits, spaces, dashes,
    a leading ', words around it); amounts, dates and house numbers stay."""
    if isinstance(value, float):
        return mask_personal(str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip("."))
    return mask_personal(value)


def raw_line(e: RosterEntry, keys: str | None) -> str:
    """The entry's original row as 「表头：值」 pairs, numbers masked; empty when none was kept."""
    pairs = raw_pairs(e.raw, keys)
    return "原表：" + "；".join(f"{k}：{source_cell(v)}" for k, v in pairs) if pairs else ""


def _roster(case_id: int) -> list[str]:
    """Each source-list entry of the case with the values it carried and its original row."""
    entries = list(RosterEntry.select(RosterEntry, Category).join(Category)
                   .where(RosterEntry.case == case_id).order_by(Category.code, RosterEntry.id))
    batches = {e.batch_id for e in entries if e.batch_id}
    keys = dict(ImportBatch.select(ImportBatch.id, ImportBatch.raw_keys).where(ImportBatch.id.in_(batches)).tuples())
    lines = []
    for e in entries:
        lines.append(roster_line(e, e.category))
        original = raw_line(e, keys.get(e.batch_id))
        if original:
            lines.append("    " + original)
    return lines


def _contacts(case_id: int) -> list[dict]:
    """Live contacts, newest first."""
    q = (Contact.select().where((Contact.case == case_id) & Contact.deleted_at.is_null())
         .order_by(Contact.date.desc(), Contact.id.desc()))
    rows = list(q)
    who: dict[int, list[str]] = {}
    for cm in (ContactMember.select(ContactMember.contact, Member.name).join(Member)
               .where(ContactMember.contact.in_([c.id for c in rows])).order_by(ContactMember.id).dicts()):
        who.setdefault(cm["contact"], []).append(cm["name"])
    names = {m.id: m.name for m in Member.select().where(Member.id.in_({c.member_id for c in rows if c.member_id}))}
    files = {a.contact_id: a.n for a in Attachment.select(Attachment.contact, fn.COUNT(Attachment.id).alias("n"))
             .where(Attachment.contact.in_([c.id for c in rows]), Attachment.deleted_at.is_null())
             .group_by(Attachment.contact)}
    return [{"id": c.id, "date": c.date, "kind": c.kind, "who": "、".join(who.get(c.id, [])) or names.get(c.member_id, ""),
             "findings": c.findings or "", "outcome": c.outcome or "", "next": c.next_followup,
             "files": files.get(c.id, 0)} for c in rows]


def _benefits(case_id: int) -> list[dict]:
    """Live benefits with their steps in order (a 先行救助 one with the steps still to complete)."""
    from store.cases.assess import missing_steps

    out = []
    for b in Benefit.select().where((Benefit.case == case_id) & Benefit.deleted_at.is_null()).order_by(Benefit.id):
        steps = [f"{s.status} {s.date}" for s in BenefitStep.select().where(BenefitStep.benefit == b.id)
                 .order_by(BenefitStep.date, BenefitStep.id)]
        out.append({"id": b.id, "type": b.type, "status": b.status, "amount": b.amount, "steps": steps,
                    "advance": bool(b.advance), "todo": missing_steps(b)})
    return out


def _petitions(case_id: int) -> list[str]:
    """Petitions as one line each."""
    q = Petition.select().where((Petition.case == case_id) & Petition.deleted_at.is_null()).order_by(Petition.received)
    return [f"{p.kind} 收到{p.received or ''} 告知期限{p.notice_due or ''}"
            f"{'（已告知' + str(p.notice_sent) + '）' if p.notice_sent else ''} 办结期限{p.close_due or ''}"
            f"{'，已办结' + str(p.closed) + ' ' + (p.outcome or '') if p.closed else '，未办结'}" for p in q]


def _checks_and_problems(case_id: int) -> tuple[list[str], list[str]]:
    """Spot checks and problems (with their rectification) of the case."""
    checks = [f"{s.date or '未检查'} {s.result or '待检查'} {s.findings or ''}".strip()
              for s in SpotCheck.select().where(SpotCheck.case == case_id).order_by(SpotCheck.id)]
    problems = []
    for pr in Problem.select().where((Problem.case == case_id) & Problem.deleted_at.is_null()):
        fix = Rectification.get_or_none(Rectification.problem == pr.id)
        state = "已整改" if fix and fix.done_on else (f"整改期限{fix.deadline}" if fix else "未整改")
        problems.append(f"{pr.found_on} {pr.source}/{pr.kind}：{pr.description}（{state}）")
    return checks, problems


def load(case_id: int, today: dt.date | None = None) -> CaseDetail:
    """The whole case; numbers masked."""
    from store.cases.assess import hints

    case = get_case(case_id)
    p: Person = case.person
    cats = (Category.select().join(CaseCategory).where(CaseCategory.case == case.id).order_by(Category.code))
    village = Village.get_or_none(Village.id == p.village_id)
    zone = Zone.get_or_none(Zone.id == p.zone_id)
    member = Member.get_or_none(Member.id == case.member_id)
    checks, problems = _checks_and_problems(case.id)
    today = today or dt.date.today()
    d = CaseDetail(
        case.id, p.id, p.name, mask_id(p.id_number), p.sex or "", age_of(p, today),
        " / ".join(mask_phone(x) for x in (p.phone or "").split("/") if x), village.name if village else "",
        zone.name if zone else "", p.address or "", p.household_note or "",
        disability_text(p.disability_category, p.disability_grade), case.status, member.name if member else "",
        case.conclusion or "", case.conclusion_reason or "", case.next_followup,
        [f"{c.code} {c.name}" for c in cats], _roster(case.id),
        _contacts(case.id), _benefits(case.id), _petitions(case.id), checks, problems,
    )
    d.hints = hints(case.id, today) + case_notes(db.connection(), case.id, p.id)
    d.id_note = id_note(p.id, p.id_number)
    d.origin = origin_text(case.id)
    d.attachments = [f"{a.name}  {a.size_text}  {a.to}  添加于{a.added}" for a in case_attachments(case.id)]
    d.coverage = coverage_text(p.id)
    d.household, d.serious_illness = household_line(p.id), bool(p.serious_illness)
    return d


def coverage_text(person_id: int) -> str:
    """The kinds covering a person with their since dates, or which rosters they are not on."""
    from store.rosters.coverage import coverage_of
    from store.rosters.rosters import current_rosters

    covered = coverage_of([person_id]).get(person_id, [])
    if covered:
        return "、".join(c.label() for c in covered)
    rosters = current_rosters()
    return f"未在保（已对照：{'、'.join(rosters)}）" if rosters else "未导入在保名单，无法对照"


def id_note(person_id: int, number: str | None) -> str:
    """「身份证号未通过校验（已核实：reason）」 for an accepted ID that fails its check, else ""."""
    reason = id_override_reason(person_id, number)
    if reason is None:
        return ""
    return f"身份证号未通过校验（已核实：{reason}）" if reason else "身份证号未通过校验（未记录核实说明）"


def reveal_id(person_id: int) -> str:
    """The full ID number of a person; writes a 「reveal」 audit row."""
    with db.atomic():
        person = Person.get_by_id(person_id)
        audit.log("reveal", "person", person.id, None, {"field": "id_number", "via": "界面"})
    return person.id_number or ""
