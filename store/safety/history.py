"""The audit log read back: a row's history, a town-wide filtered view, restoring deletions.

ID numbers and phones in before/after are masked unless the caller reveals them on purpose
(and audits that reveal). Deleted persons, cases and contacts can be restored for 30 days.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Any

from peewee import fn

from store.audit import ACTION_LABELS
from store.errors import NotFound, StoreError
from store.ids import mask_id, mask_phone
from store.logfile import redact
from store.schema import AuditLog, Case, CaseCategory, Contact, Person, now

RESTORE_DAYS = 30
TABLE_LABELS = {
    "person": "人员", "case": "排查对象", "contact": "走访/回访", "case_category": "排查类别",
    "benefit": "救助", "benefit_step": "救助进度", "petition": "信访", "village": "村（居）",
    "member": "工作人员", "zone": "片区", "setting": "设置", "roster_entry": "名单记录",
    "import_batch": "导入批次", "problem": "问题", "rectification": "整改", "spot_check": "抽查",
    "spot_check_round": "抽查批次", "campaign": "整治工作", "category": "排查重点",
    "village_alias": "村（居）别名", "attachment": "附件", "contact_member": "走访参加人员",
    "case_origin": "发现来源", "roster": "在保名单", "household": "家庭（户）",
}
_ID_FIELDS = {"id_number", "id_original"}
_HIDDEN_FIELDS = {"id_rev", "phone_rev"}


@dataclass(frozen=True)
class Change:
    """One audited change, ready to show."""

    id: int
    time: dt.datetime
    operator: str
    action: str
    action_label: str
    table: str
    table_label: str
    row_id: int | None
    before: dict | None
    after: dict | None

    def fields(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every key either side mentions."""
        before, after = self.before or {}, self.after or {}
        keys = list(before) + [k for k in after if k not in before]
        return [(k, before.get(k), after.get(k)) for k in keys]


@dataclass(frozen=True)
class Page:
    """One page of the town-wide view."""

    items: list[Change]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1)."""
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class Deleted:
    """A deleted person, case or contact, and whether it can still be restored."""

    table: str
    row_id: int
    label: str
    deleted_at: dt.datetime
    days_left: int

    @property
    def restorable(self) -> bool:
        """True within RESTORE_DAYS of the deletion."""
        return self.days_left >= 0


def _mask_value(key: str, value: Any) -> Any:
    """Mask an ID number or phone; hide derived search columns. Any other text is masked by its
    content (a find --json query, a reason, a file name may hold a full ID number or phone)."""
    if isinstance(value, list):
        return [_mask_value(key, v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_value(k, v) for k, v in value.items()}
    if value is None or not isinstance(value, str):
        return value
    if key in _ID_FIELDS:
        return mask_id(value)
    if key == "phone":
        return "/".join(mask_phone(p) for p in value.split("/"))
    if key in _HIDDEN_FIELDS:
        return "***"
    return redact(value)


def _decode(text: str | None, reveal: bool) -> dict | None:
    """A before/after JSON column as a dict, masked unless revealed."""
    if not text:
        return None
    data = json.loads(text)
    if not isinstance(data, dict):
        return {"值": data}
    return data if reveal else {k: _mask_value(k, v) for k, v in data.items()}


def _change(row: AuditLog, reveal: bool) -> Change:
    """An audit row as a Change."""
    return Change(row.id, row.time, row.operator or "", row.action, ACTION_LABELS.get(row.action, row.action),
                  row.table, TABLE_LABELS.get(row.table, row.table), row.row_id,
                  _decode(row.before, reveal), _decode(row.after, reveal))


# fields that hold another row's id, and the table of that row: shown by name, never as a number
REF_FIELDS = {"member": "member", "member_id": "member", "cadre": "member", "cadre_id": "member",
              "village": "village", "village_id": "village", "zone": "zone", "zone_id": "zone",
              "person": "person", "person_id": "person", "case": "case", "case_id": "case",
              "found_by": "member"}


def _ref_names(refs: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """The names of the referenced rows, one query per table."""
    from store.schema import Member, Village, Zone

    names: dict[tuple[str, int], str] = {}
    for kind, model in (("member", Member), ("village", Village), ("zone", Zone), ("person", Person)):
        if refs.get(kind):
            for r in model.select(model.id, model.name).where(model.id.in_(sorted(refs[kind]))):
                names[(kind, r.id)] = r.name
    if refs.get("case"):
        for c in Case.select(Case.id, Person.name).join(Person).where(Case.id.in_(sorted(refs["case"]))):
            names[("case", c.id)] = c.person.name
    return names


def _named(changes: list[Change]) -> list[Change]:
    """Changes with every reference (负责人, 村（居）, 片区, 人员, 排查对象) given as its name."""
    refs: dict[str, set[int]] = {}
    for ch in changes:
        for side in (ch.before, ch.after):
            for k, v in (side or {}).items():
                if k in REF_FIELDS and isinstance(v, int) and not isinstance(v, bool):
                    refs.setdefault(REF_FIELDS[k], set()).add(v)
    if not refs:
        return changes
    names = _ref_names(refs)

    def swap(side: dict | None) -> dict | None:
        if side is None:
            return None
        return {k: (names.get((REF_FIELDS[k], v), f"（已删除，编号{v}）")
                    if k in REF_FIELDS and isinstance(v, int) and not isinstance(v, bool) else v)
                for k, v in side.items()}

    return [replace(ch, before=swap(ch.before), after=swap(ch.after)) for ch in changes]


def _audit_reveal(table: str, row_id: int | None, via: str) -> None:
    """A reveal of full numbers in the history is itself audited."""
    from store import audit
    from store.schema import db

    with db.atomic():
        audit.log("reveal", table, row_id, None, {"via": via})


def _of_rows(targets: dict[str, list[int]], reveal: bool) -> list[Change]:
    """Every change of the given rows, newest first."""
    cond = None
    for table, ids in targets.items():
        if not ids:
            continue
        part = (AuditLog.table == table) & (AuditLog.row_id.in_(ids))
        cond = part if cond is None else cond | part
    if cond is None:
        return []
    rows = AuditLog.select().where(cond).order_by(AuditLog.time.desc(), AuditLog.id.desc())
    return _named([_change(r, reveal) for r in rows])


def _case_children(case_ids: list[int]) -> dict[str, list[int]]:
    """The contacts and category links of some cases."""
    return {
        "contact": [c.id for c in Contact.select(Contact.id).where(Contact.case.in_(case_ids))],
        "case_category": [k.id for k in CaseCategory.select(CaseCategory.id).where(CaseCategory.case.in_(case_ids))],
        **_field_work_children(case_ids),
    }


def _field_work_children(case_ids: list[int]) -> dict[str, list[int]]:
    """A case's attachments, the people of its contacts and how it was found (issue 16's tables)."""
    from store.schema import Attachment, CaseOrigin, ContactMember

    return {
        "attachment": [a.id for a in Attachment.select(Attachment.id).where(Attachment.case.in_(case_ids))],
        "contact_member": [m.id for m in ContactMember.select(ContactMember.id).join(Contact)
                           .where(Contact.case.in_(case_ids))],
        "case_origin": [o.id for o in CaseOrigin.select(CaseOrigin.id).where(CaseOrigin.case.in_(case_ids))],
    }


def case_history(case_id: int, *, reveal: bool = False) -> list[Change]:
    """Every change of a case, its contacts and its categories, newest first."""
    if Case.get_or_none(Case.id == case_id) is None:
        raise NotFound("找不到该排查对象")
    if reveal:
        _audit_reveal("case", case_id, "history")
    return _of_rows({"case": [case_id], **_case_children([case_id])}, reveal)


def person_history(person_id: int, *, reveal: bool = False) -> list[Change]:
    """Every change of a person and of their cases (with contacts), newest first."""
    if Person.get_or_none(Person.id == person_id) is None:
        raise NotFound("找不到该人员")
    case_ids = [c.id for c in Case.select(Case.id).where(Case.person == person_id)]
    if reveal:
        _audit_reveal("person", person_id, "history")
    return _of_rows({"person": [person_id], "case": case_ids, **_case_children(case_ids)}, reveal)


def town_history(*, operator: str | None = None, table: str | None = None, action: str | None = None,
                 since: dt.date | None = None, until: dt.date | None = None, page: int = 1,
                 page_size: int = 50, reveal: bool = False) -> Page:
    """The whole audit log filtered by operator, table, action and date range, one page of it."""
    query = AuditLog.select()
    if operator:
        query = query.where(AuditLog.operator == operator)
    if table:
        query = query.where(AuditLog.table == table)
    if action:
        query = query.where(AuditLog.action == action)
    if since:
        query = query.where(AuditLog.time >= dt.datetime.combine(since, dt.time()))
    if until:
        query = query.where(AuditLog.time < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    total = query.count()
    page = max(1, page)
    if reveal:
        _audit_reveal("audit_log", None, f"town history page {page}")
    rows = query.order_by(AuditLog.time.desc(), AuditLog.id.desc()).paginate(page, page_size)
    return Page(_named([_change(r, reveal) for r in rows]), total, page, page_size)


def operators() -> list[str]:
    """Every operator name in the log, for the filter."""
    rows = AuditLog.select(fn.DISTINCT(AuditLog.operator)).where(AuditLog.operator.is_null(False))
    return sorted(r[0] for r in rows.tuples())


def tables() -> list[tuple[str, str]]:
    """(table, Chinese label) of every table in the log, for the filter."""
    rows = AuditLog.select(fn.DISTINCT(AuditLog.table)).tuples()
    return sorted((r[0], TABLE_LABELS.get(r[0], r[0])) for r in rows)


def _days_left(deleted_at: dt.datetime, at: dt.datetime) -> int:
    """Whole days left to restore (negative once the window has passed)."""
    return (deleted_at + dt.timedelta(days=RESTORE_DAYS) - at).days


def deleted_items(*, at: dt.datetime | None = None, include_expired: bool = False) -> list[Deleted]:
    """Deleted persons, cases and contacts, newest deletion first."""
    at = at or now()
    out = [Deleted("person", p.id, p.name, p.deleted_at, _days_left(p.deleted_at, at))
           for p in Person.select().where(Person.deleted_at.is_null(False))]
    cases = Case.select(Case, Person).join(Person).where(Case.deleted_at.is_null(False))
    out += [Deleted("case", c.id, f"{c.person.name}（{c.status}）", c.deleted_at, _days_left(c.deleted_at, at))
            for c in cases]
    contacts = (Contact.select(Contact, Case, Person).join(Case).join(Person)
                .where(Contact.deleted_at.is_null(False)))
    out += [Deleted("contact", t.id, f"{t.case.person.name} {t.date} {t.kind}", t.deleted_at,
                    _days_left(t.deleted_at, at)) for t in contacts]
    if not include_expired:
        out = [d for d in out if d.restorable]
    return sorted(out, key=lambda d: d.deleted_at, reverse=True)


def _parent_deleted(table: str, row: Any) -> str | None:
    """Why a row cannot come back before its parent does."""
    if table == "case" and row.person.deleted_at:
        return "该排查对象的人员已被删除，请先恢复人员"
    if table == "contact" and row.case.deleted_at:
        return "该走访记录的排查对象已被删除，请先恢复排查对象"
    return None


def restore_deleted(table: str, row_id: int, *, at: dt.datetime | None = None) -> Any:
    """Restore a deleted person, case or contact within 30 days of its deletion (audited)."""
    from store.cases.cases import restore_case, restore_contact
    from store.people.people import restore_person

    models = {"person": (Person, restore_person), "case": (Case, restore_case),
              "contact": (Contact, restore_contact)}
    if table not in models:
        raise StoreError(f"只能恢复人员、排查对象和走访记录，不能恢复：{TABLE_LABELS.get(table, table)}")
    model, restore_fn = models[table]
    row = model.get_or_none(model.id == row_id)
    if row is None:
        raise NotFound(f"找不到该{TABLE_LABELS[table]}记录")
    if row.deleted_at is None:
        raise StoreError(f"该{TABLE_LABELS[table]}没有被删除，无需恢复")
    if _days_left(row.deleted_at, at or now()) < 0:
        raise StoreError(f"该记录删除于 {row.deleted_at:%Y-%m-%d}，已超过{RESTORE_DAYS}天，不能再从历史记录恢复"
                         "（如确需找回，请从备份恢复）")
    reason = _parent_deleted(table, row)
    if reason:
        raise StoreError(reason)
    return restore_fn(row_id)
