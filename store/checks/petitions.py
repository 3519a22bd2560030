"""Petitions (信访, 信访工作条例 2022) for any case: deadlines, one extension, closing, days left.

Notice due = received + 15 days (自收到信访事项之日起, 信访工作条例 2022); close due = accepted +
60 days, plus one extension of at most 30 days with a reason. A due date strictly before today is overdue (due today is not), the rule
of store/cases/overdue.py; `state()` and `petition_rows()` agree with `overdue_items()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from peewee import fn

from store import audit
from store.cases.cases import set_deleted, get_case
from store.common import as_date, get_row, one_of, optional, required, today_or, update_row
from store.errors import ValidationError
from store.schema import Petition, db

KINDS = ["建议意见", "检举控告", "申诉求决"]
OUTCOMES = ["予以支持", "解释说明", "不予支持"]
NOTICE_DAYS, CLOSE_DAYS, MAX_EXTENSION = 15, 60, 30
DATES = {"received": "收到日期", "accepted": "受理日期", "notice_sent": "告知日期",
         "review_on": "复查日期", "recheck_on": "复核日期"}


def dues(received: dt.date | None, accepted: dt.date | None) -> dict[str, dt.date | None]:
    """Notice due from the receipt, close due from the acceptance (None without the date)."""
    return {"notice_due": received + dt.timedelta(NOTICE_DAYS) if received else None,
            "close_due": accepted + dt.timedelta(CLOSE_DAYS) if accepted else None}


def _check_order(received: dt.date | None, accepted: dt.date | None) -> None:
    """Acceptance cannot come before receipt."""
    if received and accepted and accepted < received:
        raise ValidationError("受理日期不能早于收到日期", field="accepted")


def create_petition(case_id: int, *, kind: str, received: Any, accepted: Any = None,
                    summary: str | None = None) -> Petition:
    """Add a petition to a case (any category); the due dates follow from the acceptance date."""
    kind = one_of(kind, KINDS, "kind", "信访类型")
    got = as_date(received, "received", "收到日期")
    acc = as_date(accepted, "accepted", "受理日期", allow_none=True)
    _check_order(got, acc)
    with db.atomic():
        case = get_case(case_id)
        pet = Petition.create(case=case.id, kind=kind, received=got, accepted=acc, summary=optional(summary),
                              extension_days=0, **dues(got, acc))
        audit.log_row("create", pet)
    return pet


def edit_petition(petition_id: int, **changes: Any) -> Petition:
    """Change kind, dates (received, accepted, notice sent, 复查, 复核), summary or reply."""
    allowed = {"kind", "summary", "reply", *DATES}
    if set(changes) - allowed:
        raise ValidationError(f"未知字段：{'、'.join(sorted(set(changes) - allowed))}")
    data: dict[str, Any] = {}
    for key, value in changes.items():
        if key in DATES:
            data[key] = as_date(value, key, DATES[key], allow_none=key != "received")
        elif key == "kind":
            data[key] = one_of(value, KINDS, key, "信访类型")
        else:
            data[key] = optional(value)
    with db.atomic():
        pet = get_row(Petition, petition_id, "信访记录")
        _check_order(data.get("received", pet.received), data.get("accepted", pet.accepted))
        if "accepted" in data or "received" in data:
            data.update(dues(data.get("received", pet.received), data.get("accepted", pet.accepted)))
        return update_row(pet, data)


def extend(petition_id: int, days: int, reason: str) -> Petition:
    """The one extension of the close date: 1 to 30 days, with a reason; a second one is refused."""
    reason = required(reason, "extension_reason", "延期理由")
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION:
        raise ValidationError(f"延期天数应为 1 到 {MAX_EXTENSION} 天", field="extension_days")
    with db.atomic():
        pet = get_row(Petition, petition_id, "信访记录")
        if pet.extension_days:
            raise ValidationError(f"该信访已延期一次（{pet.extension_days}天），不能再次延期", field="extension_days")
        if pet.accepted is None:
            raise ValidationError("请先填写受理日期再办理延期", field="accepted")
        if pet.closed:
            raise ValidationError("该信访已办结，无需延期", field="extension_days")
        return update_row(pet, {"extension_days": days, "extension_reason": reason})


def close_petition(petition_id: int, closed: Any, outcome: str | None, reply: str | None = None) -> Petition:
    """Record the closing date, outcome and reply (closed=None reopens it)."""
    day = as_date(closed, "closed", "办结日期", allow_none=True)
    with db.atomic():
        pet = get_row(Petition, petition_id, "信访记录")
        if day is None:
            return update_row(pet, {"closed": None, "outcome": None})
        outcome = one_of(outcome, OUTCOMES, "outcome", "办理结果")
        if pet.accepted is None or day < pet.accepted:
            raise ValidationError("办结日期不能早于受理日期（或尚未受理）", field="closed")
        if day > dt.date.today():
            raise ValidationError("办结日期不能晚于今天", field="closed")
        data = {"closed": day, "outcome": outcome}
        if reply is not None:
            data["reply"] = optional(reply)
        return update_row(pet, data)


def petition_fields(petition_id: int) -> dict[str, Any]:
    """A live petition's editable values (for a form): kind, the five dates, summary, reply, closing."""
    pet = get_row(Petition, petition_id, "信访记录")
    keys = ["kind", *DATES, "summary", "reply", "closed", "outcome", "extension_days", "extension_reason"]
    return {"id": pet.id, "case_id": pet.case_id, **{k: getattr(pet, k) for k in keys}}


def delete_petition(petition_id: int) -> Petition:
    """Soft-delete a petition."""
    return set_deleted(Petition, petition_id, restore=False)


def restore_petition(petition_id: int) -> Petition:
    """Restore a soft-deleted petition."""
    return set_deleted(Petition, petition_id, restore=True)


@dataclass(frozen=True)
class PetitionState:
    """Where a petition stands on a day: due dates, days left (None when done), overdue flags."""

    notice_due: dt.date | None
    close_due: dt.date | None
    notice_days_left: int | None
    close_days_left: int | None
    notice_overdue: bool
    close_overdue: bool


def state(pet: Petition, today: dt.date | None = None) -> PetitionState:
    """Days left and overdue flags of a petition on a day."""
    today = today_or(today)
    due: dt.date | None = pet.close_due
    close_due = due + dt.timedelta(pet.extension_days or 0) if due else None
    notice_left = (pet.notice_due - today).days if pet.notice_due and not (pet.notice_sent or pet.closed) else None
    close_left = (close_due - today).days if close_due and not pet.closed else None
    return PetitionState(pet.notice_due, close_due, notice_left, close_left,
                         notice_left is not None and notice_left < 0, close_left is not None and close_left < 0)


@dataclass(frozen=True)
class PetitionRow:
    """A petition for the petition list and the 信访表, with its state on the day."""

    petition_id: int
    case_id: int
    village: str
    person: str
    kind: str
    received: dt.date | None
    accepted: dt.date | None
    closed: dt.date | None
    outcome: str
    extension_days: int
    summary: str
    state: PetitionState
    village_id: int | None = None
    id_number: str | None = None
    phone: str | None = None
    notice_sent: dt.date | None = None
    reply: str = ""
    unreadable: dict[str, str] = field(default_factory=dict)  # column -> 「无法识别：...」 for printouts

    def shown(self, column: str) -> dt.date | str | None:
        """A date column for a printout: its value, else the mark of a stored value that is no date."""
        value = getattr(self, column)
        return value if value is not None else self.unreadable.get(column)

    @property
    def notice_due(self) -> dt.date | None:
        """告知期限."""
        return self.state.notice_due

    @property
    def close_due(self) -> dt.date | None:
        """办结期限, including the extension."""
        return self.state.close_due

    def days_left(self, _as_of: dt.date | None = None) -> int | None:
        """Days to the close deadline on the row's day (negative when overdue); None when closed."""
        return self.state.close_days_left


def _as_of_view(pet: Petition, as_of: dt.date | None) -> Petition:
    """The petition as it stood on `as_of`: a closing after that day is not yet known."""
    if as_of is not None and pet.closed and pet.closed > as_of:
        pet.closed, pet.outcome = None, None
    return pet


def petition_rows(campaign_id: int, today: dt.date | None = None, *, village_id: int | None = None,
                  case_id: int | None = None, open_only: bool = False,
                  as_of: dt.date | None = None) -> list[PetitionRow]:
    """Live petitions of the campaign's live cases, by village, most urgent first. With `as_of`
    (the exports' 截至 day): only those received by then, closings after it ignored, in the town's
    village order and by date received."""
    from peewee import JOIN

    from store.schema import Case, Person, Village

    query = (Petition.select(Petition, Case, Person, Village).join(Case).join(Person)
             .join(Village, join_type=JOIN.LEFT_OUTER, on=(Person.village == Village.id))
             .where(Petition.deleted_at.is_null(), Case.deleted_at.is_null(), Case.campaign == campaign_id))
    if village_id is not None:
        query = query.where(Person.village == village_id)
    if case_id is not None:
        query = query.where(Petition.case == case_id)
    if open_only:
        query = query.where(Petition.closed.is_null())
    if as_of is not None:
        # a received day that is no date (another tool wrote it) keeps the petition listed, marked
        unreadable = Petition.received.is_null(False) & fn.date(Petition.received).is_null()
        query = query.where((fn.coalesce(Petition.received, Petition.accepted, as_of) <= as_of) | unreadable)
    rows, order = [], {}
    for pet in query:
        pet, person = _as_of_view(pet, as_of), pet.case.person
        village = person.village.name if person.village_id else "（未分村）"
        order[pet.id] = (person.village.seq, person.village_id) if person.village_id else (1 << 30, 0)
        rows.append(PetitionRow(pet.id, pet.case_id, village, person.name, pet.kind, pet.received, pet.accepted,
                                pet.closed, pet.outcome or "", pet.extension_days or 0, pet.summary or "",
                                state(pet, as_of or today), person.village_id, person.id_number, person.phone,
                                pet.notice_sent, pet.reply or ""))
    if as_of is not None:
        rows.sort(key=lambda r: (order[r.petition_id], r.received or dt.date.min, r.petition_id))
        return rows
    far = 1 << 30
    rows.sort(key=lambda r: (r.village, r.closed is not None,
                             min(x for x in (r.state.notice_days_left, r.state.close_days_left, far) if x is not None)))
    return rows
