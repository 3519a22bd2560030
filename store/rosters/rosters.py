"""在保名单: the current beneficiaries of each kind, as the civil-affairs system exports them.

A roster's kind is a protection kind (低保, 特困 ...) or one part of it (城市低保 / 农村低保, 集中供养 /
分散供养, 急难型 / 支出型: the system exports them as separate files). A roster replaces the current
rosters of its kind as of its date (they get replaced_by): a part replaces the same part, a whole kind
replaces every roster of that kind; a roster dated before those goes straight into history. Current
rosters (replaced_by IS NULL) count for coverage under their whole kind (store/rosters/coverage.py).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from store import audit
from store.common import chunks
from store.errors import NotFound, ValidationError
from store.schema import CoveredPerson, Roster, db

KINDS = ("低保", "特困", "孤儿", "事实无人抚养儿童", "低保边缘", "临时救助")
# What the clerk may type for --kind, and the sub-kind it names (城市/农村, 集中/分散, 急难型/支出型).
KIND_ALIASES = {
    "低保": ("低保", None), "最低生活保障": ("低保", None), "城市低保": ("低保", "城市低保"),
    "农村低保": ("低保", "农村低保"), "城乡低保": ("低保", None),
    "特困": ("特困", None), "特困人员": ("特困", None), "特困供养": ("特困", None), "五保": ("特困", None),
    "集中供养": ("特困", "集中供养"), "分散供养": ("特困", "分散供养"), "特困集中": ("特困", "集中供养"),
    "特困分散": ("特困", "分散供养"),
    "孤儿": ("孤儿", None), "事实无人抚养儿童": ("事实无人抚养儿童", None), "事实无人抚养": ("事实无人抚养儿童", None),
    "低保边缘": ("低保边缘", None), "低边": ("低保边缘", None), "低保边缘家庭": ("低保边缘", None),
    "临时救助": ("临时救助", None), "临救": ("临时救助", None), "急难型": ("临时救助", "急难型"),
    "支出型": ("临时救助", "支出型"),
}
# The parts of a kind that come as rosters of their own, and the kind they belong to.
PARTS = {"城市低保": "低保", "农村低保": "低保", "集中供养": "特困", "分散供养": "特困", "急难型": "临时救助",
         "支出型": "临时救助"}
TEMP_MONTHS_DAYS = 366  # 临时救助: only grants of the 12 months before the roster's date count
KIND_HELP = "、".join(KINDS) + "（也可写 城市低保、农村低保、集中供养、分散供养 等）"


def parse_kind(text: Any) -> tuple[str, str | None]:
    """(kind, sub-kind or None) of what the clerk typed; ValidationError naming the choices."""
    key = "".join(unicodedata.normalize("NFKC", str(text or "")).split())
    found = KIND_ALIASES.get(key)
    if found is None:
        raise ValidationError(f"无法识别的名单类别：{key or '（空）'}（可选：{KIND_HELP}）", field="kind")
    return found


def main_kind(kind: str) -> str:
    """The protection kind of a roster kind (农村低保 -> 低保; 低保 -> 低保)."""
    return PARTS.get(kind, kind)


def main_kind_sql(column: str) -> str:
    """SQL giving the protection kind of a roster kind column (constants of this module only)."""
    return f"CASE {column} " + " ".join(f"WHEN '{p}' THEN '{k}'" for p, k in PARTS.items()) + f" ELSE {column} END"


def roster_kind(kind: str, part: str | None) -> str:
    """The kind a roster is stored under: the part when the clerk named one that comes on its own."""
    return part if part in PARTS else kind


def benefit_kind(benefit_type: str | None) -> str | None:
    """The roster kind an app benefit type belongs to (低保单人户 -> 低保, 特困集中 -> 特困 ...)."""
    text = benefit_type or ""
    for kind in ("低保边缘", "低保", "特困", "孤儿", "事实无人抚养儿童", "临时救助"):
        if text.startswith(kind):
            return kind
    return None


@dataclass(slots=True)
class CoveredRow:
    """One normalised roster line, ready to store (dates ISO text, amount in fen)."""

    id_number: str
    name: str | None
    kind: str | None
    since: str | None
    household: str | None
    head_id_number: str | None
    relation: str | None
    persons: int | None
    amount: int | None
    source_row: int | None


@dataclass
class RosterMeta:
    """What a roster file is: kind, date, file, counts."""

    kind: str
    as_of: dt.date
    file_name: str
    sha256: str
    sheet: str | None = None
    rows: int = 0
    rejected: int = 0
    warnings: int = 0


@dataclass
class Saved:
    """What save_roster did."""

    roster_id: int
    persons: int
    households: int
    replaced: list[int] = field(default_factory=list)  # the roster(s) this one replaced
    history: bool = False  # True: an older roster than the current one, kept as history only


def same_file(sha256: str, kind: str) -> list[int]:
    """Rosters of this kind already imported from the same file."""
    return [r.id for r in Roster.select(Roster.id).where((Roster.sha256 == sha256) & (Roster.kind == kind))]


def save_roster(meta: RosterMeta, rows: list[CoveredRow]) -> Saved:
    """Store a roster and its people in one transaction; it replaces the current one of its kind
    when it is as new or newer. One audit row for the roster (its people are its content)."""
    if meta.kind not in KINDS and meta.kind not in PARTS:
        raise ValidationError(f"无法识别的名单类别：{meta.kind}", field="kind")
    households = len({r.household or r.id_number for r in rows})
    with db.atomic("IMMEDIATE"):
        scope = list(Roster.select().where(Roster.kind.in_(_scope(meta.kind)) & Roster.replaced_by.is_null())
                     .order_by(Roster.as_of.desc(), Roster.id.desc()))
        roster = Roster.create(kind=meta.kind, as_of=meta.as_of, file_name=meta.file_name, sha256=meta.sha256,
                               sheet=meta.sheet, rows=meta.rows, persons=len(rows), households=households,
                               rejected=meta.rejected, warnings=meta.warnings, operator=audit.current_operator())
        saved = Saved(roster.id, len(rows), households)
        if scope and scope[0].as_of > meta.as_of:
            roster.replaced_by = scope[0].id
            roster.save()
            saved.history = True
        else:
            saved.replaced = [r.id for r in scope]
            Roster.update(replaced_by=roster.id).where(Roster.id.in_(saved.replaced)).execute()
        _insert_people(roster.id, rows)
        audit.log("import", "roster", roster.id, None, {
            "kind": meta.kind, "as_of": meta.as_of.isoformat(), "file": meta.file_name, "sha256": meta.sha256,
            "persons": len(rows), "households": households, "replaced": saved.replaced, "history": saved.history})
    return saved


def _scope(kind: str) -> list[str]:
    """The roster kinds a new roster of this kind replaces: a part its own part, a whole kind all of it."""
    return [kind] if kind in PARTS else [kind, *(p for p, k in PARTS.items() if k == kind)]


_INSERT = ('INSERT INTO "covered_person" (roster_id, id_number, name, kind, since, household, head_id_number, '
           "relation, persons, amount, source_row) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def _insert_people(roster_id: int, rows: list[CoveredRow]) -> None:
    """Bulk insert of a roster's people (executemany in chunks, inside the caller's transaction)."""
    con = db.connection()
    for part in chunks(rows, 5000):
        con.executemany(_INSERT, [(roster_id, r.id_number, r.name, r.kind, r.since, r.household, r.head_id_number,
                                   r.relation, r.persons, r.amount, r.source_row) for r in part])


@dataclass(frozen=True)
class RosterView:
    """One roster as `roster list` shows it."""

    id: int
    kind: str
    as_of: dt.date | None
    file_name: str
    persons: int
    households: int
    rows: int
    rejected: int
    current: bool
    created_at: dt.datetime | None

    def as_json(self) -> dict[str, Any]:
        """The --json object."""
        return {"id": self.id, "kind": self.kind, "as_of": self.as_of.isoformat() if self.as_of else None,
                "file": self.file_name, "persons": self.persons, "households": self.households, "rows": self.rows,
                "rejected": self.rejected, "current": self.current,
                "imported_at": self.created_at.isoformat(sep=" ") if self.created_at else None}


def list_rosters() -> list[RosterView]:
    """Every roster, the current ones first (in KINDS order, a kind's parts after it), then history,
    newest first."""
    order = {k: i for i, k in enumerate(KINDS)} | {p: KINDS.index(k) + 0.5 for p, k in PARTS.items()}
    views = [RosterView(r.id, r.kind, r.as_of, r.file_name, r.persons, r.households, r.rows, r.rejected,
                        r.replaced_by_id is None, r.created_at) for r in Roster.select()]
    return sorted(views, key=lambda v: (not v.current, order.get(v.kind, 99), -(v.as_of or dt.date.min).toordinal(),
                                        -v.id))


def current_rosters() -> dict[str, RosterView]:
    """{roster kind: its current roster} for the kinds (and parts) that have one."""
    return {v.kind: v for v in list_rosters() if v.current}


def current_as_of() -> dict[str, dt.date]:
    """{protection kind: the date of its oldest current roster} (its parts may come on different days:
    a person is missing from the kind only once every part is that recent)."""
    out: dict[str, dt.date] = {}
    for v in list_rosters():
        if v.current and v.as_of is not None:
            kind = main_kind(v.kind)
            out[kind] = min(out.get(kind, v.as_of), v.as_of)
    return out


def remove_roster(roster_id: int) -> int:
    """Delete a roster (e.g. imported under the wrong kind); the one it replaced becomes current
    again. Returns the number of its people removed."""
    with db.atomic():
        roster = Roster.get_or_none(Roster.id == roster_id)
        if roster is None:
            raise NotFound(f"找不到第{roster_id}份在保名单")
        before = audit.snapshot(roster)
        people = CoveredPerson.select().where(CoveredPerson.roster == roster_id).count()
        Roster.update(replaced_by=None).where(Roster.replaced_by == roster_id).execute()
        roster.delete_instance()  # its people go with it (ON DELETE CASCADE)
        _settle(roster.kind)
        audit.log("delete", "roster", roster_id, {**before, "persons": people}, None)
    return people


def _settle(kind: str) -> None:
    """Leave one current roster per part of a kind: the newest of the roster's scope; the others in
    that scope point at it."""
    live = list(Roster.select().where(Roster.kind.in_(_scope(kind)) & Roster.replaced_by.is_null())
                .order_by(Roster.as_of.desc(), Roster.id.desc()))
    stale = [r.id for r in live[1:] if r.kind in _scope(live[0].kind)]
    if stale:
        Roster.update(replaced_by=live[0].id).where(Roster.id.in_(stale)).execute()
