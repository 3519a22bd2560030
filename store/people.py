"""Write functions for persons: validate, write, keep search keys current, audit. Soft delete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import audit, ids
from .errors import NotFound, ValidationError
from .schema import Person, PersonKey, db, now
from .search import name_keys, reverse

EDITABLE = {
    "name", "id_number", "sex", "birth_date", "phone", "village", "zone", "address",
    "household_code", "relation", "disability_category", "disability_grade", "disability_cert",
    "household_note",
}


def clean_name(name: Any) -> str:
    """A person's name without outer spaces; refuses an empty one."""
    text = str(name or "").replace("\u3000", " ").strip()
    if not text:
        raise ValidationError("姓名不能为空", field="name")
    return text


def _apply_id(values: dict[str, Any]) -> None:
    """Normalise the ID number and derive sex and birth date from it."""
    raw = values.get("id_number")
    if raw in (None, ""):
        values["id_number"] = None
        return
    try:
        parsed = ids.parse_id(raw)
    except ids.IdError as exc:
        raise ValidationError(exc.message, field="id_number") from exc
    values["id_number"] = parsed.number
    values["id_original"] = parsed.original if parsed.converted else None
    values["birth_date"] = ids.birth_date(parsed.number)
    values["sex"] = ids.sex_of(parsed.number)


def _apply_phone(values: dict[str, Any]) -> None:
    """Normalise the phone; an unusable one is refused with the reason."""
    raw = values.get("phone")
    if raw in (None, ""):
        values["phone"] = None
        return
    result = ids.normalize_phones(raw)
    if not result.phones:
        raise ValidationError("；".join(result.warnings) or "电话号码无效", field="phone")
    values["phone"] = "/".join(result.phones)


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


def _validated(values: dict[str, Any]) -> dict[str, Any]:
    """Normalise entered values and add the derived columns."""
    unknown = set(values) - EDITABLE
    if unknown:
        raise ValidationError(f"未知字段：{', '.join(sorted(unknown))}")
    out = dict(values)
    if "name" in out:
        out["name"] = clean_name(out["name"])
    if "id_number" in out:
        _apply_id(out)
    if "phone" in out:
        _apply_phone(out)
    out.update(_derived(out))
    return out


def create_person(**values: Any) -> Person:
    """Add a person (name required; ID number validated and unique when given)."""
    values.setdefault("name", "")
    data = _validated(values)
    with db.atomic():
        _check_unique_id(data.get("id_number"), None)
        person = Person.create(**data)
        _write_keys(person.id, person.name)
        audit.log_row("create", person)
    return person


def get_person(person_id: int, *, deleted: bool = False) -> Person:
    """A person by id; NotFound when missing (or deleted, unless asked for)."""
    person = Person.get_or_none(Person.id == person_id)
    if person is None or (person.deleted_at and not deleted):
        raise NotFound("找不到该人员（可能已被删除）")
    return person


def update_person(person_id: int, **changes: Any) -> Person:
    """Change a person's fields, keeping search keys and the audit log current."""
    data = _validated(changes)
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
    """Age in full years on a date, from the ID number or the birth date."""
    on = on or dt.date.today()
    if person.id_number:
        return ids.age_on(person.id_number, on)
    if person.birth_date:
        b = person.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))
    return None
