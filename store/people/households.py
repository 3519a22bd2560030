"""Households (户): who belongs to one, its size, income, housing and assets, and what its income
says against the dated 低保 standard (store.campaign.standards).

A household is keyed by the code its members carry in person.household_code: the head's ID number
when it is known (lists give it as 户主身份证号), else 「P」 and the head's person id. Its size
(家庭人口) counts members never entered as persons too; without one it is the number of its
persons. Its income is the annual per-capita income (家庭年人均收入, 元); the 低保 standard is
monthly per person, so the comparison is income / 12 against the standard of the village's kind
(村: 农村, 社区: 城市) in force on the day: below it 低保, below 1.5 times it 低保边缘.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from store import audit, ids
from store.common import optional
from store.errors import ValidationError
from store.people.people import create_person, get_person, update_person
from store.schema import Household, Person, Village, db, now

SELF = ("本人", "自己", "户主")  # typed in the 户主 field: the person heads the household
HEAD = "户主"
MAX_SIZE = 30


@dataclass
class Member:
    """A person of a household, masked."""

    person_id: int
    name: str
    relation: str
    id_masked: str
    sex: str = ""
    birth_date: dt.date | None = None
    disability: str = ""
    serious_illness: bool = False


@dataclass
class HouseholdView:
    """A household with its members, for the case detail, the person form and the 入户调查表."""

    id: int
    code: str
    village_id: int | None
    size: int | None
    income: Decimal | None
    housing: str
    assets: str
    note: str
    members: list[Member] = field(default_factory=list)

    @property
    def persons(self) -> int:
        """家庭人口: the size given, else the members entered."""
        return self.size or len(self.members) or 1

    @property
    def head(self) -> str:
        """The head's name (empty when the head is not entered)."""
        return next((m.name for m in self.members if m.relation in SELF), "")


def code_for(person: Person, head: str | None) -> str:
    """The household code for what was typed as 户主: 本人, or the head's ID number."""
    text = (head or "").strip()
    if text in SELF:
        return person.id_number or f"P{person.id}"
    try:
        return ids.parse_id(text, override=True).number
    except ids.IdError as exc:
        raise ValidationError(f"户主请填「本人」或户主的身份证号：{exc.message}", field="head") from exc


def ensure_household(code: str, village_id: int | None) -> Household:
    """The household of a code, created (audited) when new."""
    hh = Household.get_or_none(Household.code == code)
    if hh is None:
        hh = Household.create(code=code, village=village_id)
        audit.log_row("create", hh)
    return hh


def set_household(person_id: int, head: str | None, relation: str | None = None) -> Household | None:
    """Put a person in the household of `head` (「本人」 or the head's ID number) with a relation;
    an empty head takes the person out of any household. Audited."""
    with db.atomic():
        person = get_person(person_id)
        if not (head or "").strip():
            if person.household_code:
                update_person(person.id, household_code=None, relation=optional(relation))
            return None
        code = code_for(person, head)
        hh = ensure_household(code, person.village_id)
        own = code in (person.id_number, f"P{person.id}")
        rel = HEAD if own else (optional(relation) or person.relation)
        if own and relation and relation.strip() not in SELF:
            raise ValidationError("本人为户主时，与户主关系应为「户主」", field="relation")
        changes = {k: v for k, v in (("household_code", code), ("relation", rel))
                   if getattr(person, k) != v}
        if changes:
            update_person(person.id, **changes)
        return hh


def parse_income(value: Any) -> Decimal | None:
    """An annual per-capita income in yuan (0 allowed; 8600, 0.86万, 8,600元), or None when blank:
    read by the one money parser, store.campaign.categories.parse_yuan."""
    from store.campaign.categories import parse_yuan

    amount = parse_yuan(value, field="income", label="家庭年人均收入")
    if amount is not None and amount > 10_000_000:
        raise ValidationError("家庭年人均收入应在 0 到 1000万元之间", field="income")
    return amount


def parse_size(value: Any) -> int | None:
    """家庭人口: 1 to MAX_SIZE, or None when blank."""
    text = str(value if value is not None else "").strip().replace("人", "")
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_SIZE:
        raise ValidationError(f"家庭人口请填写 1 到 {MAX_SIZE} 的整数", field="size")
    return int(text)


EDITABLE = ("size", "income", "housing", "assets", "note")


def save_household(code: str, **changes: Any) -> Household:
    """Change a household's size, income, housing, assets or note (audited)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}")
    data: dict[str, Any] = {}
    for key, value in changes.items():
        data[key] = (parse_size(value) if key == "size" else parse_income(value) if key == "income"
                     else optional(value))
    with db.atomic():
        hh = Household.get_or_none(Household.code == code)
        if hh is None:
            raise ValidationError("该户不存在，请先设置户主", field="head")
        if data.get("size") and data["size"] < _persons(code):
            raise ValidationError(f"家庭人口不能少于已登记的成员数（{_persons(code)}人）", field="size")
        before = audit.snapshot(hh)
        for key, value in data.items():
            setattr(hh, key, value)
        hh.updated_at = now()
        hh.save()
        audit.log_row("update", hh, before)
    return hh


def _persons(code: str) -> int:
    """Live persons carrying a household code."""
    return Person.select().where(Person.household_code == code, Person.deleted_at.is_null()).count()


def add_member(code: str, *, name: str, relation: str, id_number: str | None = None,
               id_override_reason: str | None = None) -> Person:
    """Add a household member by hand (a person of the household's village), audited."""
    relation = (relation or "").strip()
    if not relation:
        raise ValidationError("请填写与户主关系，如 配偶、子女、父母", field="relation")
    with db.atomic():
        hh = Household.get_or_none(Household.code == code)
        if hh is None:
            raise ValidationError("该户不存在，请先设置户主", field="head")
        person = create_person(name=name, id_number=id_number, village=hh.village_id, household_code=code,
                               relation=relation, id_override_reason=id_override_reason)
        if hh.size is not None and hh.size < _persons(code):
            save_household(code, size=_persons(code))
    return person


def household_of(person_id: int) -> HouseholdView | None:
    """The household a person belongs to, with its members (head first), or None."""
    from store.cases.detail import disability_text

    person = get_person(person_id)
    if not person.household_code:
        return None
    hh = Household.get_or_none(Household.code == person.household_code)
    members = [Member(p.id, p.name, p.relation or "", ids.mask_id(p.id_number) if p.id_number else "", p.sex or "",
                      p.birth_date, disability_text(p.disability_category, p.disability_grade), bool(p.serious_illness))
               for p in Person.select().where(Person.household_code == person.household_code,
                                              Person.deleted_at.is_null()).order_by(Person.id)]
    members.sort(key=lambda m: m.relation not in SELF)
    if hh is None:  # a code from a list, no household row yet
        return HouseholdView(0, person.household_code, person.village_id, None, None, "", "", "", members)
    return HouseholdView(hh.id, hh.code, hh.village_id, hh.size, hh.income, hh.housing or "", hh.assets or "",
                         hh.note or "", members)


def village_kind(village_id: int | None) -> str:
    """The standard that applies: 社区 → 城市, else 农村."""
    village = Village.get_or_none(Village.id == village_id) if village_id else None
    return "城市" if village is not None and village.kind == "社区" else "农村"


def income_hint(view: HouseholdView | None, on: dt.date) -> str | None:
    """What the household's income says against the 低保 standard in force, or None without data."""
    from store.campaign.standards import dibao_standard, edge_line

    if view is None or view.income is None:
        return None
    kind = village_kind(view.village_id)
    std = dibao_standard(kind, on)
    if std is None:
        return f"该户年人均收入{view.income}元，尚未设置{kind}低保标准，无法判断是否低于低保或低保边缘标准"
    monthly = (view.income / 12).quantize(Decimal("0.01"))
    base = f"该户{view.persons}人，年人均收入{view.income}元（月均{monthly}元），{kind}低保标准{std}元/人/月："
    if monthly < std:
        return base + "低于低保标准，可考虑申请「低保」"
    edge = edge_line(kind, on)  # the one 低保边缘 line: 1.5 x the standard (None only without one)
    if edge is not None and monthly < edge:
        return base + "低于标准的1.5倍，可认定「低保边缘」家庭"
    return None


def form_values(person_id: int) -> dict[str, Any]:
    """The household part of the person form: 户主 as typed (「本人」 or the head's masked ID number,
    never the full number), relation, 重病, and the household's size, income, housing, assets."""
    person = get_person(person_id)
    view = household_of(person_id)
    head = ""
    if person.household_code:
        own = person.household_code in (person.id_number, f"P{person.id}")
        head = "本人" if own else ids.mask_id(person.household_code) if person.household_code[:1].isdigit() \
            else person.household_code
    income = view.income if view is not None else None
    return {"head": head, "relation": person.relation or "", "serious_illness": bool(person.serious_illness),
            "size": str(view.size) if view is not None and view.size else "",
            "income": "" if income is None else str(int(income)) if income == int(income) else str(income),
            "housing": view.housing if view else "", "assets": view.assets if view else ""}


def save_form(person_id: int, person: dict[str, Any], household: dict[str, Any],
              id_override_reason: str | None = None) -> Person:
    """The person form's save in one transaction: person fields (store.people.people), then the 户主 and
    relation when given ("head" / "relation"), then the household's own fields."""
    household = dict(household)
    head, relation = household.pop("head", None), household.pop("relation", None)
    with db.atomic():
        if person:
            update_person(person_id, id_override_reason=id_override_reason, **person)
        if head is not None:
            set_household(person_id, head, relation)
        elif relation is not None:
            update_person(person_id, relation=optional(relation))
        if household:
            code = get_person(person_id).household_code
            if not code:
                raise ValidationError("请先填写户主（「本人」或户主身份证号）", field="head")
            save_household(code, **household)
        return get_person(person_id)


def household_line(person_id: int) -> str:
    """One line for the case detail: 「户主王大，家庭人口3人（已登记2人），年人均收入9000.00元」."""
    view = household_of(person_id)
    if view is None:
        return ""
    me = next((m for m in view.members if m.person_id == person_id), None)
    parts = [f"户主{view.head or '（未登记）'}" + (f"，本人为{me.relation}" if me and me.relation not in SELF and me.relation else ""),
             f"家庭人口{view.persons}人（已登记{len(view.members)}人）"]
    if view.income is not None:
        parts.append(f"年人均收入{view.income}元")
    if view.housing:
        parts.append(f"住房：{view.housing}")
    return "，".join(parts)


def household_sizes() -> dict[str, int]:
    """{household code: 家庭人口}: the size given, else its live persons (the ledger, the 公示表)."""
    sql = ('SELECT p.household_code, coalesce(max(h.size), count(*)) FROM "person" p '
           'LEFT JOIN "household" h ON h.code = p.household_code '
           "WHERE p.household_code IS NOT NULL AND p.deleted_at IS NULL GROUP BY p.household_code")
    return dict(db.execute_sql(sql).fetchall())
