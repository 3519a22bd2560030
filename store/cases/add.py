"""Hand-made cases: a person the village found itself (第7类 其他困难群众) or any person added to a
category of the active campaign by hand, with who found them, how and when (CaseOrigin)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from store import audit
from store.cases.cases import open_case, require_campaign
from store.errors import ValidationError
from store.people.people import create_person, get_person
from store.schema import Case, CaseOrigin, Person, Village, db

FOUND_HOW = ["入户排查", "群众反映", "村（居）上报", "部门推送", "来访求助", "其他"]


@dataclass(frozen=True)
class NewPerson:
    """A person typed in the form or on the command line (ID checked as everywhere)."""

    name: str
    id_number: str | None = None
    village: str | None = None  # a village name
    phone: str | None = None
    address: str | None = None
    id_override_reason: str | None = None


def village_id_by_name(name: str | None) -> int | None:
    """A village by its name; a Chinese error for an unknown one."""
    text = (name or "").strip()
    if not text:
        raise ValidationError("请选择村（居）", field="village")
    v = Village.get_or_none(Village.name == text)
    if v is None:
        raise ValidationError(f"没有这个村（居）：{text}", field="village")
    return v.id


def _person(new: NewPerson) -> Person:
    """The person with this ID number (same name), else a new one (an override audited as usual)."""
    from store.ids import IdError, parse_id

    if new.id_number and new.id_number.strip():
        try:
            number = parse_id(new.id_number, override=True).number
        except IdError as exc:
            raise ValidationError(exc.message, field="id_number") from exc
        known = Person.get_or_none(Person.id_number == number)
        if known is not None:
            if known.name != new.name.strip():
                raise ValidationError(f"该身份证号已登记为「{known.name}」，与所填姓名不同，请核对", field="id_number")
            if known.deleted_at:
                raise ValidationError("该人员已被删除，请先在修改记录（Ctrl+L，s）中恢复", field="id_number")
            return known
    values = {"name": new.name, "id_number": new.id_number, "village": village_id_by_name(new.village),
              "phone": new.phone, "address": new.address}
    return create_person(id_override_reason=new.id_override_reason,
                         **{k: v for k, v in values.items() if v not in (None, "")})


def add_case(*, codes: list[int], found_by: str, found_how: str, found_on: dt.date | None = None,
             person_id: int | None = None, new: NewPerson | None = None) -> Case:
    """Open a case in the active campaign for an existing person (`person_id`) or a new one (`new`),
    in the categories `codes`, recording who found the person, how and when; one transaction."""
    if not (found_by or "").strip():
        raise ValidationError("请填写发现人（谁发现的）", field="found_by")
    if found_how not in FOUND_HOW:
        raise ValidationError(f"发现方式只能是：{'、'.join(FOUND_HOW)}", field="found_how")
    found_on = found_on or dt.date.today()
    if found_on > dt.date.today():
        raise ValidationError("发现日期不能晚于今天", field="found_on")
    with db.atomic():
        camp = require_campaign()
        person = get_person(person_id) if person_id else _person(new or NewPerson(""))
        existing = Case.get_or_none((Case.campaign == camp.id) & (Case.person == person.id))
        if existing is not None and not existing.deleted_at and CaseOrigin.get_or_none(CaseOrigin.case == existing.id):
            raise ValidationError(f"「{person.name}」已是本次排查的对象", field="person")
        case = open_case(person.id, codes, source="自行发现" if existing is None else existing.source,
                         campaign_id=camp.id)
        if CaseOrigin.get_or_none(CaseOrigin.case == case.id) is None:
            origin = CaseOrigin.create(case=case.id, found_by=found_by.strip(), found_how=found_how, found_on=found_on)
            audit.log_row("create", origin)
    return case


def origin_text(case_id: int) -> str:
    """「入户排查发现（王某，2026-11-30）」 for the detail screen; '' for a case from a list."""
    o = CaseOrigin.get_or_none(CaseOrigin.case == case_id)
    return f"{o.found_how}发现（{o.found_by}，{o.found_on}）" if o else ""
