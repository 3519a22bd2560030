"""Deciding an import's rows against the database: what it holds for the file's ID numbers, read
once (store/imports/merge.py load runs it on the writer thread while the rows are read), then each row
inserted, updated, unchanged or refused (conflict)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Callable, Collection

from store.cases.cases import category_by_code, require_campaign
from store.imports.merge import DERIVED_FIELDS, ENTRY_FIELDS, MSG_NAME_CONFLICT, PERSON_FIELDS, ImportRow, Plan
from store.schema import db
from store.people.search import reverse

ID_AT, NAME_AT = 1, 2  # indexes in a preloaded row (see preload_persons)
STORED_AT = {name: i for i, name in enumerate(PERSON_FIELDS + DERIVED_FIELDS, start=3)}
DELETED_AT = len(PERSON_FIELDS + DERIVED_FIELDS) + 3  # a soft-deleted person is not merged into silently


def _json_rows(con: sqlite3.Connection, cols: str, sql: str, params: tuple = ()) -> list[list]:
    """The rows of `SELECT cols sql` as lists, which SQLite hands over as one JSON array: one step
    without Python's lock (GIL), instead of taking it back once a row from the busy reading thread."""
    (text,) = con.execute(f"SELECT json_group_array(json_array({cols})) {sql}", params).fetchone()
    return json.loads(text)


def preload_persons(con: sqlite3.Connection, numbers: Collection[str] | None) -> dict[str, list]:
    """id_number -> [id_number, id, name, *PERSON_FIELDS, *DERIVED_FIELDS, deleted_at] of the persons
    the file names, in one query (the numbers go in as one JSON array); of every person when numbers
    is None (store/imports/ahead.py). Each row keeps its number: dropping it would copy every row."""
    cols = ", ".join(f"p.{c}" for c in ("id_number", "id", "name", *PERSON_FIELDS, *DERIVED_FIELDS, "deleted_at"))
    if numbers is None:
        rows = _json_rows(con, cols, 'FROM "person" p')
    else:
        rows = _json_rows(con, cols, 'FROM json_each(?) j JOIN "person" p ON p.id_number = j.value',
                          (json.dumps(sorted(numbers)),))
    return {row[0]: row for row in rows}


def _preload_entries(con: sqlite3.Connection, category_id: int) -> dict[int, tuple]:
    """person id -> the data of its latest roster entry in this category."""
    rows = _json_rows(con, ", ".join(("person_id", *ENTRY_FIELDS)),
                      'FROM "roster_entry" WHERE id IN (SELECT max(id) FROM "roster_entry" WHERE category_id = ? '
                      "GROUP BY person_id)", (category_id,))
    return {row[0]: tuple(row[1:]) for row in rows}


def _preload_cases(con: sqlite3.Connection, campaign_id: int, category_id: int) -> tuple[dict, set, set]:
    """Every case of the campaign (person id -> case id), the cases already in the category, and the
    persons whose case was deleted (their rows are refused rather than added to an invisible case)."""
    rows = _json_rows(con, "person_id, id, deleted_at", 'FROM "case" WHERE campaign_id = ?', (campaign_id,))
    cases = {r[0]: r[1] for r in rows}
    linked = {r[0] for r in _json_rows(con, "case_id", 'FROM "case_category" WHERE category_id = ?', (category_id,))}
    return cases, linked, {r[0] for r in rows if r[2] is not None}


def _refused(row: ImportRow, known: list, removed: set[int]) -> bool:
    """True (the row set to conflict, with the reason) when the number belongs to someone else, a
    deleted person or a case deleted from the campaign."""
    if known[NAME_AT] != row.name:
        row.outcome, row.reason = "conflict", f"{MSG_NAME_CONFLICT}：名单为「{row.name}」，系统中为「{known[NAME_AT]}」"
        return True
    if known[DELETED_AT] is not None or row.person_id in removed:
        what = "该人员已删除" if known[DELETED_AT] is not None else "该对象已从本次排查中删除"
        row.outcome, row.reason = "conflict", f"{what}：如需保留，请在「修改记录」（Ctrl+L）中恢复后再导入此行"
        return True
    return False


def _getter(indexes: list[int]) -> Callable[[Any], tuple]:
    """A tuple of the items at these indexes (itemgetter, a tuple even for one index)."""
    if len(indexes) == 1:
        i = indexes[0]  # a closure, not a default argument: mypy cannot type a lambda with one
        return lambda values: (values[i],)
    return itemgetter(*indexes)


def _derived(changes: dict[str, tuple[Any, Any]], known: list) -> None:
    """The zone (dropped with a new village) and reversed phone that follow a change."""
    if "village_id" in changes and known[STORED_AT["zone_id"]] is not None:
        changes["zone_id"] = (known[STORED_AT["zone_id"]], None)  # a zone belongs to the old village
    if "phone" in changes:
        changes["phone_rev"] = (known[STORED_AT["phone_rev"]], reverse(changes["phone"][1].split("/")[0]))


@dataclass
class Planner:
    """What deciding a row needs from the database, read once before the first row is decided."""

    known: dict[str, list]  # id_number -> the stored person (see preload_persons)
    latest: dict[int, tuple]  # person id -> its latest roster entry's data in the category
    cases: dict[int, int]
    linked: set[int]
    removed: set[int]

    @classmethod
    def read(cls, con: sqlite3.Connection, numbers: Collection[str], campaign_id: int, category_id: int,
             known: dict[str, list] | None = None) -> "Planner":
        """Preload for the ID numbers a file names (runs on any thread given the connection); `known`:
        the persons already read (store/imports/ahead.py), when they are still current."""
        cases, linked, removed = _preload_cases(con, campaign_id, category_id)
        if known is None:
            known = preload_persons(con, numbers)
        else:  # only the persons the file names: the others' memory goes to the rows read next
            known = {n: person for n in numbers if (person := known.get(n)) is not None}
        return cls(known, _preload_entries(con, category_id), cases, linked, removed)

    def decide(self, rows: list[ImportRow]) -> None:
        """Set each row's outcome: inserted, conflict, updated (person or category data) or
        unchanged. One loop, no call a row: 50,000 rows run it on the import's busiest thread."""
        known_of, latest, removed, at, fields = self.known, self.latest, self.removed, STORED_AT, ENTRY_FIELDS
        getters: dict[tuple, Any] = {}  # the person's fields -> their stored values, for a row's shape
        for row in rows:
            row.add_entry, row.values = True, tuple(map(row.entry.get, fields))
            known = known_of.get(row.id_number)
            if known is None:
                row.outcome = "inserted"
                continue
            row.person_id = known[ID_AT]
            if (known[NAME_AT] != row.name or known[DELETED_AT] is not None or row.person_id in removed) \
                    and _refused(row, known, removed):
                continue
            person = row.person
            keys = tuple(person)
            stored = getters.get(keys) or getters.setdefault(keys, _getter([at[k] for k in keys]))
            if stored(known) == tuple(person.values()):  # the usual case: nothing new
                changes = {}
            else:
                row.changes = changes = {k: (known[at[k]], v) for k, v in person.items()
                                         if known[at[k]] != v and v is not None and v != ""}
                if changes:
                    _derived(changes, known)
            row.add_entry = latest.get(row.person_id) != row.values
            row.outcome = "updated" if changes or row.add_entry else "unchanged"


def plan_import(rows: list[ImportRow], category_code: int) -> Plan:
    """Decide insert / update / unchanged / conflict for every row (reads only: the dry run)."""
    camp = require_campaign()
    cat = category_by_code(category_code, camp.id)
    planner = Planner.read(db.connection(), {r.id_number for r in rows}, camp.id, cat.id)
    planner.decide(rows)
    for row in rows:  # a known person's move to a village the import would create is an update too
        if row.new_village and row.outcome == "unchanged":
            row.outcome = "updated"
    return Plan(camp.id, cat.id, rows, planner.cases, planner.linked)
