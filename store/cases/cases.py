"""Write functions for cases (排查对象) and contacts (走访/回访), each audited."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from store import audit
from store.campaign.categories import check_usable
from store.errors import NotFound, ValidationError
from store.schema import Campaign, Case, CaseCategory, Category, Contact, ContactMember, Member, Person, db, now
from store.campaign.active import active_campaign_id
from store.cases.visits import CONTACT_KINDS, STATUSES, status_after, status_from  # noqa: F401 - STATUSES is read from here

OUTCOMES = ["无变化", "需入户", "疑似符合", "不符合", "已解决"]
SOURCES = ["名单", "自行发现"]


def require_campaign(campaign_id: int | None = None) -> Campaign:
    """The given campaign, or the active one; a clear error when there is none."""
    cid = campaign_id or active_campaign_id()
    camp = Campaign.get_or_none(Campaign.id == cid) if cid else None
    if camp is None:
        raise NotFound("数据库中没有进行中的整治工作（campaign）")
    return camp


def category_by_code(code: int, campaign_id: int) -> Category:
    """A category of a campaign by its code (1-7 in the source plan); a retired one is refused."""
    cat = Category.get_or_none((Category.campaign == campaign_id) & (Category.code == int(code)))
    if cat is None:
        raise ValidationError(f"没有第 {code} 类排查对象", field="category")
    check_usable(cat.id, cat.code)
    return cat


def get_case(case_id: int, *, deleted: bool = False) -> Case:
    """A case by id; NotFound when missing or deleted."""
    case = Case.get_or_none(Case.id == case_id)
    if case is None or (case.deleted_at and not deleted):
        raise NotFound("找不到该排查对象（可能已被删除）")
    return case


def add_category(case: Case, code: int, source: str = "名单") -> bool:
    """Mark a case as hit by one more category; True when it was new."""
    cat = category_by_code(code, case.campaign_id)
    if CaseCategory.get_or_none((CaseCategory.case == case.id) & (CaseCategory.category == cat.id)):
        return False
    link = CaseCategory.create(case=case.id, category=cat.id, source=source)
    audit.log_row("create", link)
    return True


def open_case(person_id: int, codes: Iterable[int], *, source: str = "名单",
              campaign_id: int | None = None, member_id: int | None = None) -> Case:
    """The person's case in the campaign (created if needed) hit by these categories."""
    codes = sorted({int(c) for c in codes})
    if not codes:
        raise ValidationError("至少选择一个排查类别", field="category")
    with db.atomic():
        camp = require_campaign(campaign_id)
        Person.get_by_id(person_id)
        case = Case.get_or_none((Case.campaign == camp.id) & (Case.person == person_id))
        if case is None:
            case = Case.create(campaign=camp.id, person=person_id, source=source, member=member_id)
            audit.log_row("create", case)
        elif case.deleted_at:
            raise ValidationError("该人员的排查对象已被删除，请先从历史记录中恢复")
        for code in codes:
            add_category(case, code, "手工" if source != "名单" else "名单")
    return case


def save_case(case: Case, before: dict[str, Any]) -> Case:
    """Save a changed case with its timestamp and audit row."""
    case.updated_at = now()
    case.save()
    audit.log_row("update", case, before)
    return case


def set_status(case_id: int, status: str) -> Case:
    """Move a case to a status of STATUSES."""
    if status not in STATUSES:
        raise ValidationError(f"无效的状态：{status}", field="status")
    with db.atomic():
        case = get_case(case_id)
        before = audit.snapshot(case)
        case.status = status
        return save_case(case, before)


def _check_contact(kind: str, date: dt.date, outcome: str | None, member_ids: list[int]) -> None:
    """Validate a contact's fields: a known kind, a date not in the future, members that exist."""
    if kind not in CONTACT_KINDS:
        raise ValidationError(f"无效的联系方式：{kind}", field="kind")
    if not isinstance(date, dt.date):
        raise ValidationError("请填写联系日期", field="date")
    if date > dt.date.today():
        raise ValidationError("联系日期不能晚于今天（补记以前的走访请写实际日期）", field="date")
    if outcome and outcome not in OUTCOMES:
        raise ValidationError(f"无效的结果：{outcome}", field="outcome")
    found = {m.id for m in Member.select(Member.id).where(Member.id.in_(member_ids))} if member_ids else set()
    if set(member_ids) - found:
        raise ValidationError("找不到该工作人员", field="member")


def record_contact(case_id: int, *, kind: str, date: dt.date, findings: str | None = None,
                   needs: str | None = None, outcome: str | None = None,
                   next_followup: dt.date | None = None, member_id: int | None = None,
                   photos: str | None = None, member_ids: Iterable[int] | None = None) -> Contact:
    """Record a visit or call on its date, with who took part (`member_ids`, or the one `member_id`).

    The case's status follows `status_after`; its 负责人 never changes here (zones assign cases).
    """
    ids = list(dict.fromkeys(int(m) for m in (member_ids or ([member_id] if member_id else []))))
    _check_contact(kind, date, outcome, ids)
    if next_followup and next_followup < date:
        raise ValidationError("下次跟进日期不能早于联系日期", field="next_followup")
    with db.atomic():
        case = get_case(case_id)
        contact = Contact.create(
            case=case.id, kind=kind, date=date, member=ids[0] if ids else None,
            findings=(findings or "").strip() or None, needs=needs, outcome=outcome, photos=photos,
            next_followup=next_followup, operator=audit.current_operator(),
        )
        audit.log_row("create", contact)
        for mid in ids:
            audit.log_row("create", ContactMember.create(contact=contact.id, member=mid))
        before = audit.snapshot(case)
        case.status = status_after(case.status, kind)
        if next_followup:
            case.next_followup = next_followup
        elif case.next_followup and date >= case.next_followup:
            case.next_followup = None  # the follow-up that was due has happened
        save_case(case, before)
    return contact


def set_deleted(model, row_id: int, restore: bool) -> Any:
    """Soft-delete or restore a row of a model with deleted_at, audited."""
    with db.atomic():
        row = model.get_or_none(model.id == row_id)
        if row is None:
            raise NotFound("找不到该记录")
        old = row.deleted_at
        row.deleted_at = None if restore else (old or now())
        row.save()
        stamp = lambda v: v.isoformat() if v else None  # noqa: E731
        audit.log("restore" if restore else "delete", model._meta.table_name, row.id,
                  {"deleted_at": stamp(old)}, {"deleted_at": stamp(row.deleted_at)})
    return row


def delete_case(case_id: int) -> Case:
    """Soft-delete a case."""
    return set_deleted(Case, case_id, restore=False)


def restore_case(case_id: int) -> Case:
    """Restore a soft-deleted case."""
    return set_deleted(Case, case_id, restore=True)


def delete_contact(contact_id: int) -> Contact:
    """Soft-delete a contact; a case that was 已走访 only by it goes back (已联系 or 待排查)."""
    with db.atomic():
        contact = set_deleted(Contact, contact_id, restore=False)
        _status_from_contacts(contact.case_id)
    return contact


def restore_contact(contact_id: int) -> Contact:
    """Restore a soft-deleted contact (and the status it gave its case)."""
    with db.atomic():
        contact = set_deleted(Contact, contact_id, restore=True)
        _status_from_contacts(contact.case_id)
    return contact


def _status_from_contacts(case_id: int) -> None:
    """Set an early status (待排查 / 已联系 / 已走访) from the case's live contacts, audited."""
    case = Case.get_by_id(case_id)
    kinds = {k for (k,) in Contact.select(Contact.kind).where(Contact.case == case_id,
                                                              Contact.deleted_at.is_null()).tuples()}
    status = status_from(case.status, kinds)
    if status != case.status:
        before = audit.snapshot(case)
        case.status, case.updated_at = status, now()
        case.save()
        audit.log_row("update", case, before)
