"""Write functions for persons: validate, write, keep search keys current, audit. Soft delete."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from store import audit, ids
from store.errors import IdNeedsReason, NotFound, ValidationError
from store.phones import typed_phone
from store.schema import AuditLog, Person, PersonKey, db, now
from store.people.search import name_keys, reverse

EDITABLE = {
    "name", "id_number", "sex", "birth_date", "phone", "village", "zone", "address",
    "household_code", "relation", "disability_category", "disability_grade", "disability_cert",
    "household_note", "serious_illness",
}
ID_OVERRIDE = "id_override"  # audit action of an accepted ID number that fails its checksum or birth date


def clean_name(name: Any) -> str:
    """A person's name without outer spaces; refuses an empty one."""
    text = str(name or "").replace("\u3000", " ").strip()
    if not text:
        raise ValidationError("姓名不能为空", field="name")
    return text


def _apply_id(values: dict[str, Any], reason: str | None) -> str:
    """Normalise the ID number and derive sex and birth date from it; returns why it fails its check
    when that is accepted with a reason (else ""). A number of the wrong shape is always refused."""
    raw = values.get("id_number")
    if raw in (None, ""):
        values["id_number"] = None
        return ""
    try:
        parsed = ids.parse_id(raw, override=True)
    except ids.IdError as exc:
        raise ValidationError(exc.message, field="id_number") from exc
    if parsed.problem:
        check_reason(parsed.problem, reason)
    born = ids.birth_date(parsed.number)
    values["id_number"] = parsed.number
    values["id_original"] = parsed.original if parsed.converted else None
    if born is not None and born <= dt.date.today():
        values["birth_date"] = born
    elif "birth_date" not in values:
        values["birth_date"] = None  # the number's date is no birth date: unknown
    values["sex"] = ids.sex_of(parsed.number)
    return parsed.problem


def check_reason(problem: str, reason: str | None) -> str:
    """The stripped reason for accepting an ID that fails its check; IdNeedsReason when there is none."""
    text = (reason or "").replace("\u3000", " ").strip()
    if text:
        return text
    if reason is None:
        raise IdNeedsReason(f"{problem}；如已核实号码无误，请填写核实说明后再保存", problem)
    raise IdNeedsReason(f"{problem}；身份证号未通过校验，必须填写核实说明才能保存", problem)


def _apply_phone(values: dict[str, Any]) -> None:
    """Normalise the phone; an unusable one is refused with the reason."""
    values["phone"] = typed_phone(values.get("phone"))


def _derived(values: dict[str, Any]) -> dict[str, Any]:
    """Columns derived from the entered ones: reversed ID and phone for tail search, pinyin."""
    out: dict[str, Any] = {}
    if "id_number" in values:
        out["id_rev"] = reverse(values["id_number"])
    if "phone" in values:
        first = (values["phone"] or "").split("/")[0] or None
        out["phone_rev"] = reverse(first)
    if "name" in values:
        out["py_initials"], out["py_full"], _ = name_keys(values["name"])
    return out


def _check_unique_id(number: str | None, person_id: int | None) -> None:
    """Refuse an ID number that another person already has."""
    if not number:
        return
    other = Person.get_or_none(Person.id_number == number)
    if other and other.id != person_id:
        state = "（已删除）" if other.deleted_at else ""
        raise ValidationError(f"身份证号已属于 {other.name}{state}", field="id_number")


def _write_keys(person_id: int, name: str) -> None:
    """Replace a person's search keys."""
    PersonKey.delete().where(PersonKey.person == person_id).execute()
    keys = name_keys(name)[2]
    if keys:
        PersonKey.insert_many([(person_id, k) for k in keys], [PersonKey.person, PersonKey.key]).execute()


def _validated(values: dict[str, Any], reason: str | None = None) -> tuple[dict[str, Any], str]:
    """Normalise entered values and add the derived columns; also why an accepted ID fails its check."""
    unknown = set(values) - EDITABLE
    if unknown:
        raise ValidationError(f"未知字段：{', '.join(sorted(unknown))}")
    out, problem = dict(values), ""
    if "name" in out:
        out["name"] = clean_name(out["name"])
    if "id_number" in out:
        problem = _apply_id(out, reason)
    if "phone" in out:
        _apply_phone(out)
    out.update(_derived(out))
    return out, problem


def _log_override(person: Person, problem: str, reason: str | None) -> None:
    """Audit an accepted ID number that fails its checksum or birth date, with the clerk's reason."""
    if problem:
        audit.log(ID_OVERRIDE, "person", person.id, None, {
            "id_number": person.id_number, "problem": problem, "reason": check_reason(problem, reason)})


def create_person(*, id_override_reason: str | None = None, **values: Any) -> Person:
    """Add a person (name required; ID number validated and unique when given).

    An ID number that fails only its checksum or birth date is accepted when id_override_reason
    gives the clerk's reason; the acceptance is audited as 「id_override」 in the same transaction."""
    values.setdefault("name", "")
    data, problem = _validated(values, id_override_reason)
    with db.atomic():
        _check_unique_id(data.get("id_number"), None)
        person = Person.create(**data)
        _write_keys(person.id, person.name)
        audit.log_row("create", person)
        _log_override(person, problem, id_override_reason)
    return person


def get_person(person_id: int, *, deleted: bool = False) -> Person:
    """A person by id; NotFound when missing (or deleted, unless asked for)."""
    person = Person.get_or_none(Person.id == person_id)
    if person is None or (person.deleted_at and not deleted):
        raise NotFound("找不到该人员（可能已被删除）")
    return person


def update_person(person_id: int, *, id_override_reason: str | None = None, **changes: Any) -> Person:
    """Change a person's fields, keeping search keys and the audit log current (an ID override as in create_person)."""
    data, problem = _validated(changes, id_override_reason)
    with db.atomic():
        person = get_person(person_id)
        before = audit.snapshot(person)
        _check_unique_id(data.get("id_number"), person.id)
        for key, value in data.items():
            setattr(person, key, value)
        person.updated_at = now()
        person.save()
        if "name" in data:
            _write_keys(person.id, person.name)
        audit.log_row("update", person, before)
        _log_override(person, problem, id_override_reason)
    return person


def delete_person(person_id: int) -> Person:
    """Soft-delete a person (restorable from the history)."""
    with db.atomic():
        person = get_person(person_id)
        before = audit.snapshot(person)
        person.deleted_at = now()
        person.save()
        audit.log("delete", "person", person.id, before, {"deleted_at": person.deleted_at.isoformat()})
    return person


def restore_person(person_id: int) -> Person:
    """Undo a soft delete."""
    with db.atomic():
        person = get_person(person_id, deleted=True)
        if person.deleted_at is None:
            return person
        old = person.deleted_at
        person.deleted_at = None
        person.save()
        audit.log("restore", "person", person.id, {"deleted_at": old.isoformat()}, {"deleted_at": None})
    return person


def age_of(person: Person, on: dt.date | None = None) -> int | None:
    """Age in full years on a date, from the ID number or the birth date; None when unknown."""
    on = on or dt.date.today()
    if person.id_number:
        try:
            return ids.age_on(person.id_number, on)
        except ValueError:  # an accepted ID whose date is invalid, or a birth after `on`
            pass
    b: dt.date | str | None = person.birth_date
    if isinstance(b, str):
        b = dt.date.fromisoformat(b) if b else None
    if b and b <= on:
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))
    return None


def id_override_reason(person_id: int, number: str | None) -> str | None:
    """The clerk's reason for accepting this ID number although it fails its check (latest audit row);
    None when the number passes the check; "" when it fails and no reason was recorded."""
    if not number or ids.is_valid_id(number):
        return None
    rows = (AuditLog.select(AuditLog.after).where((AuditLog.action == ID_OVERRIDE) & (AuditLog.table == "person")
                                                   & (AuditLog.row_id == person_id)).order_by(AuditLog.id.desc()))
    for row in rows:
        after = json.loads(row.after or "{}")
        if after.get("id_number") in (None, number):
            return after.get("reason") or ""
    return ""
