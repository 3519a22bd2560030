"""Households from a list's 户主身份证号 column, set by an import (store.imports.merge) in bulk."""

from __future__ import annotations

import json

from store import audit, ids
from store.people.households import HEAD, ensure_household
from store.schema import db, now


def households_from_list(rows: list, column: int) -> int:
    """Households from a list's 户主身份证号 column (inside the import's transaction): each imported
    row's person without a household joins the one of its head (created when new, in the person's
    village); the head's own row makes it 户主. A household set by the clerk is never replaced; an
    unusable number is skipped (the row itself was imported). In bulk, an audit row per person and
    per new household; returns the persons placed."""
    heads = _heads(rows, column)
    wanted, changes = list(heads), []
    for start in range(0, len(wanted), 500):
        part = wanted[start:start + 500]
        changes += db.execute_sql(
            f'SELECT id, id_number, relation, village_id FROM "person" WHERE household_code IS NULL '
            f'AND id IN ({",".join("?" * len(part))})', part).fetchall()
    if not changes:
        return 0
    known = {c for (c,) in db.execute_sql('SELECT code FROM "household"').fetchall()}
    for pid, _number, _relation, village_id in changes:
        if heads[pid] not in known:
            known.add(heads[pid])
            ensure_household(heads[pid], village_id)
    stamp, operator, updates, audits = str(now()), audit.current_operator(), [], []
    for pid, number, relation, _village in changes:
        code = heads[pid]
        new_relation = HEAD if code == number and not relation else relation
        before = {"household_code": None, **({"relation": relation} if new_relation != relation else {})}
        after = {"household_code": code, **({"relation": new_relation} if new_relation != relation else {})}
        updates.append((code, new_relation, stamp, pid))
        audits.append((stamp, operator, "update", "person", pid, json.dumps(before, ensure_ascii=False),
                       json.dumps(after, ensure_ascii=False)))
    con = db.connection()
    con.executemany('UPDATE "person" SET household_code = ?, relation = ?, updated_at = ? WHERE id = ?', updates)
    con.executemany('INSERT INTO "audit_log" (time, operator, action, "table", row_id, before, after) '
                    "VALUES (?,?,?,?,?,?,?)", audits)
    return len(updates)


def _heads(rows: list, column: int) -> dict[int, str]:
    """{person id: the head's ID number} of the rows whose 户主身份证号 cell is a usable number."""
    heads: dict[int, str] = {}
    for row in rows:
        if row.outcome == "conflict" or row.person_id is None or column >= len(row.raw) or row.raw[column] in (None, ""):
            continue
        try:
            heads[row.person_id] = ids.parse_id(str(row.raw[column]), override=True).number
        except ids.IdError:
            continue
    return heads
