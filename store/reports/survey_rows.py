"""The households behind the 入户调查表 (exports/survey.py): the live cases of a village, a zone or
a given set of cases, grouped by household (store.people.households: a case without one is a household of
its person), each with its members, income, housing, assets and what the latest home visit found."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from store.cases.detail import disability_text
from store.schema import Case, CaseCategory, Category, Contact, Household, Person, Village, Zone
from store.cases.visits import HOME_VISIT


@dataclass
class SurveyMember:
    """A member line of the form (ID number as stored: the export masks it)."""

    name: str
    relation: str
    sex: str
    birth_date: dt.date | None
    id_number: str | None
    health: str
    listed: bool  # a case of the campaign (排查对象)


@dataclass
class SurveyHousehold:
    """One page of the 入户调查表."""

    village: str
    zone: str
    head: str
    address: str
    size: int | None
    income: Decimal | None
    housing: str
    assets: str
    categories: list[str] = field(default_factory=list)
    members: list[SurveyMember] = field(default_factory=list)
    findings: str = ""
    needs: str = ""
    order: tuple = ()


def _member(p: Person, listed: bool) -> SurveyMember:
    """A person as a member line."""
    health = "、".join(x for x in (disability_text(p.disability_category, p.disability_grade),
                                   "重病" if p.serious_illness else "") if x)
    return SurveyMember(p.name, p.relation or "", p.sex or "", p.birth_date, p.id_number, health, listed)


def _cases(campaign_id: int, village_ids, zone_id: int | None, case_ids) -> list[Case]:
    """The live cases of the scope, with their persons."""
    q = (Case.select(Case, Person).join(Person)
         .where(Case.campaign == campaign_id, Case.deleted_at.is_null(), Person.deleted_at.is_null()))
    if village_ids is not None:
        q = q.where(Person.village.in_(list(village_ids)))
    if zone_id is not None:
        q = q.where(Person.zone == zone_id)
    if case_ids is not None:
        q = q.where(Case.id.in_(list(case_ids)))
    return list(q)


def _visits(case_ids: list[int]) -> dict[int, Contact]:
    """The latest live 入户走访 of each case."""
    out: dict[int, Contact] = {}
    for start in range(0, len(case_ids), 500):
        for c in (Contact.select().where(Contact.case.in_(case_ids[start:start + 500]), Contact.kind == HOME_VISIT,
                                         Contact.deleted_at.is_null()).order_by(Contact.date, Contact.id)):
            out[c.case_id] = c
    return out


def _categories(case_ids: list[int]) -> dict[int, list[str]]:
    """{case id: its category short names}."""
    out: dict[int, list[str]] = {}
    for start in range(0, len(case_ids), 500):
        for cc in (CaseCategory.select(CaseCategory.case, Category.short_name, Category.code).join(Category)
                   .where(CaseCategory.case.in_(case_ids[start:start + 500])).order_by(Category.code)):
            out.setdefault(cc.case_id, []).append(cc.category.short_name)
    return out


def _check_asked(campaign_id: int, case_ids, found: set[int]) -> None:
    """Every case asked for by number is in the scope; else a ValidationError (no empty form is
    written for a mistyped number or a case of another campaign)."""
    from store.errors import ValidationError

    missing = [i for i in dict.fromkeys(case_ids) if i not in found]
    if not missing:
        return
    live = {c.id for c in Case.select(Case.id).join(Person)
            .where(Case.id.in_(missing), Case.campaign == campaign_id, Case.deleted_at.is_null(),
                   Person.deleted_at.is_null())}
    gone = [str(i) for i in missing if i not in live]
    if gone:
        raise ValidationError(f"没有这个排查对象：{'、'.join(gone)}", field="case")
    raise ValidationError(f"排查对象不在所选的村（居）或片区：{'、'.join(map(str, missing))}", field="case")


def survey_households(campaign_id: int, village_ids=None, zone_id: int | None = None,
                      case_ids=None) -> list[SurveyHousehold]:
    """Every household of the scope's cases, in the town's village order, then zone and head."""
    cases = _cases(campaign_id, village_ids, zone_id, case_ids)
    if case_ids is not None:
        _check_asked(campaign_id, case_ids, {c.id for c in cases})
    ids = [c.id for c in cases]
    visits, cats = _visits(ids), _categories(ids)
    villages = {v.id: v for v in Village.select()}
    zones = {z.id: z for z in Zone.select()}
    groups: dict[str, list[Case]] = {}
    for c in cases:
        groups.setdefault(c.person.household_code or f"#{c.person.id}", []).append(c)
    codes = [k for k in groups if not k.startswith("#")]
    members: dict[str, list[Person]] = {}
    houses: dict[str, Household] = {}
    for start in range(0, len(codes), 500):
        part = codes[start:start + 500]
        for p in Person.select().where(Person.household_code.in_(part), Person.deleted_at.is_null()).order_by(Person.id):
            members.setdefault(p.household_code, []).append(p)
        houses.update({h.code: h for h in Household.select().where(Household.code.in_(part))})
    out = [_page(key, group, members.get(key, []), houses.get(key), visits, cats, villages, zones)
           for key, group in groups.items()]
    out.sort(key=lambda h: h.order)
    return out


def _page(key, group, people, house, visits, cats, villages, zones) -> SurveyHousehold:
    """One household's page from its cases and members."""
    listed = {c.person.id for c in group}
    people = people or [c.person for c in group]
    people.sort(key=lambda p: (p.relation not in ("户主", "本人"), p.id))
    first = group[0].person
    village, zone = villages.get(first.village_id), zones.get(first.zone_id)
    head = next((p for p in people if p.relation in ("户主", "本人")), None)
    found = [visits[c.id] for c in group if c.id in visits]
    found.sort(key=lambda v: (v.date, v.id))
    categories = sorted({n for c in group for n in cats.get(c.id, [])})
    return SurveyHousehold(
        village.name if village else "（未分村）", zone.name if zone else "", head.name if head else "",
        first.address or "", house.size if house else None, house.income if house else None,
        (house.housing or "") if house else "", (house.assets or "") if house else "", categories,
        [_member(p, p.id in listed) for p in people], found[-1].findings or "" if found else "",
        found[-1].needs or "" if found else "",
        (village.seq if village else 1 << 30, first.village_id or 0, zone.seq if zone else 1 << 30,
         head.name if head else first.name, key))


def zone_id_of(village_name: str | None, zone_name: str) -> int:
    """The id of a zone by its name (within a village when given); ValidationError when unknown or ambiguous."""
    from store.errors import ValidationError

    q = Zone.select(Zone.id).join(Village).where(Zone.name == zone_name.strip())
    if village_name:
        q = q.where(Village.name == village_name.strip())
    hits = [z.id for z in q]
    if len(hits) != 1:
        raise ValidationError(f"没有这个片区：{zone_name}" if not hits else f"有多个名为「{zone_name}」的片区，请同时指定村（居）",
                              field="zone")
    return hits[0]

