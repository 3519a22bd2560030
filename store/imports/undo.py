"""Undo an import batch when nothing recorded later depends on its rows; otherwise say what does."""

from __future__ import annotations

import json
from typing import Any

from store import audit
from store.errors import NotFound, StoreError
from store.imports.merge import IN_CHUNK, batch_audit
from store.schema import ImportBatch, db, now

CASE_DEPENDENTS = [("contact", "走访/回访记录"), ("benefit", "救助记录"), ("petition", "信访记录"),
                   ("spot_check", "抽查记录"), ("problem", "问题清单记录")]


def _one(sql: str, params: tuple | list = ()) -> Any:
    """The first column of the first row."""
    return db.execute_sql(sql, params).fetchone()[0]


def _in_chunks(sql: str, ids: list[int], params: tuple = ()) -> list[tuple]:
    """Run a query with `IN ({ids})` in slices and gather the rows."""
    out: list[tuple] = []
    for start in range(0, len(ids), IN_CHUNK):
        part = ids[start:start + IN_CHUNK]
        out += db.execute_sql(sql.format(marks=",".join("?" * len(part))), [*params, *part]).fetchall()
    return out


def _updated_persons(info: dict) -> list[tuple[int, int, dict]]:
    """(audit id, person id, before values) of the persons the batch changed."""
    if not info.get("audit"):
        return []
    lo, hi = info["audit"]
    rows = db.execute_sql('SELECT id, row_id, before FROM "audit_log" WHERE id BETWEEN ? AND ? '
                          "AND action = 'update' AND \"table\" = 'person'", (lo, hi)).fetchall()
    return [(a, pid, json.loads(before or "{}")) for a, pid, before in rows]


def _case_dependents(case_range: list[int] | None, link_range: list[int] | None) -> list[str]:
    """Records hanging on the cases the batch created."""
    if not case_range:
        return []
    found = []
    for table, label in CASE_DEPENDENTS:
        # a petition made from a list row goes with that row (store.imports.list_petitions)
        extra = " AND entry_id IS NULL" if table == "petition" else ""
        n = _one(f'SELECT count(*) FROM "{table}" WHERE case_id BETWEEN ? AND ?{extra}', case_range)
        if n:
            found.append(f"{label}{n}条")
    lo, hi = link_range or (0, -1)
    n = _one('SELECT count(*) FROM "case_category" WHERE case_id BETWEEN ? AND ? AND id NOT BETWEEN ? AND ?',
             (*case_range, lo, hi))
    if n:
        found.append(f"后来添加的排查类别{n}条")
    return found


def _later_ranges(batch_id: int) -> list[tuple[int, int, int]]:
    """(batch id, first audit id, last audit id) of every later batch that changed persons."""
    out = []
    for (later,) in db.execute_sql('SELECT id FROM "import_batch" WHERE id > ?', (batch_id,)).fetchall():
        got = batch_audit(later).get("audit")
        if got:
            out.append((later, got[0], got[1]))
    return out


def _later_dependents(batch_id: int, import_audit: int, info: dict, persons: list[int]) -> list[str]:
    """Later batches naming the same persons, and later hand edits of them or of the batch's cases."""
    found = []
    live = {r[0] for r in _in_chunks('SELECT DISTINCT batch_id FROM "roster_entry" WHERE batch_id > ? '
                                     "AND person_id IN ({marks})", persons, (batch_id,))}
    ranges = _later_ranges(batch_id)
    edits = _in_chunks('SELECT id FROM "audit_log" WHERE id > ? AND "table" = \'person\' '
                       "AND action IN ('update', 'delete', 'restore') AND row_id IN ({marks})", persons, (import_audit,))
    by_hand = 0
    for (audit_id,) in edits:
        owner = next((b for b, lo, hi in ranges if lo <= audit_id <= hi), None)
        if owner is None:
            by_hand += 1
        else:
            live.add(owner)
    undone = {r[0] for r in db.execute_sql('SELECT id FROM "import_batch" WHERE undone_at IS NOT NULL').fetchall()}
    for later in sorted(live - undone):
        found.append(f"第{later}批导入也涉及这些人员")
    case_range = (info.get("created") or {}).get("case")
    if case_range:
        by_hand += _one('SELECT count(*) FROM "audit_log" WHERE id > ? AND "table" = \'case\' AND row_id BETWEEN ? AND ?',
                        (import_audit, *case_range))
    # a petition made from the batch's list rows that the clerk worked on since (notice, extension, close)
    by_hand += _one('SELECT count(*) FROM "audit_log" WHERE id > ? AND "table" = \'petition\' '
                    "AND action IN ('update', 'delete', 'restore') AND row_id IN (SELECT t.id FROM \"petition\" t "
                    'JOIN "roster_entry" e ON e.id = t.entry_id WHERE e.batch_id = ?)', (import_audit, batch_id))
    if by_hand:
        found.append(f"之后对这些人员或排查对象的修改{by_hand}条")
    return found


def _affected_persons(batch_id: int, info: dict, updated: list[tuple]) -> list[int]:
    """Persons the batch created, changed or listed."""
    listed = {r[0] for r in db.execute_sql('SELECT DISTINCT person_id FROM "roster_entry" WHERE batch_id = ?',
                                           (batch_id,)).fetchall()}
    rng = (info.get("created") or {}).get("person")
    created = set(range(rng[0], rng[1] + 1)) if rng else set()
    return sorted(listed | created | {pid for _a, pid, _b in updated})


def _import_audit_id(batch_id: int) -> int:
    """The id of the batch's 'import' audit row."""
    row = db.execute_sql('SELECT id FROM "audit_log" WHERE action = \'import\' AND "table" = \'import_batch\' '
                         "AND row_id = ? ORDER BY id LIMIT 1", (batch_id,)).fetchone()
    if row is None:
        raise StoreError(f"第{batch_id}批导入没有导入记录，无法撤销")
    return row[0]


def _remove(batch_id: int, info: dict, updated: list[tuple]) -> dict[str, int]:
    """Restore changed persons and delete what the batch created; returns the counts."""
    created = info.get("created") or {}
    for _audit_id, pid, before in updated:
        if before:
            sets = ", ".join(f"{k} = ?" for k in before)
            db.execute_sql(f'UPDATE "person" SET {sets} WHERE id = ?', (*before.values(), pid))
            audit.log("undo_import", "person", pid, None, before)
    petitions = db.execute_sql('SELECT t.id, t.case_id, t.received FROM "petition" t JOIN "roster_entry" e '
                               "ON e.id = t.entry_id WHERE e.batch_id = ?", (batch_id,)).fetchall()
    for pid, case_id, received in petitions:  # they go with their list rows (ON DELETE CASCADE)
        audit.log("undo_import", "petition", pid, {"case": case_id, "received": str(received)}, None)
    removed = {"roster_entry": db.execute_sql('DELETE FROM "roster_entry" WHERE batch_id = ?', (batch_id,)).rowcount}
    if petitions:
        removed["petition"] = len(petitions)
    for table, key in (("case_category", "id"), ("case", "id"), ("person_key", "person_id"), ("person", "id")):
        rng = created.get("person" if table == "person_key" else table)
        if rng:
            cur = db.execute_sql(f'DELETE FROM "{table}" WHERE {key} BETWEEN ? AND ?', rng)
            removed[table] = cur.rowcount
    villages = [v for v in created.get("village") or []
                if not _one('SELECT count(*) FROM "person" WHERE village_id = ?', (v,))]
    for vid in villages:
        db.execute_sql('DELETE FROM "village" WHERE id = ?', (vid,))
    removed["village"] = len(villages)
    removed["restored"] = len(updated)
    return removed


def undo_import(batch_id: int) -> dict[str, int]:
    """Reverse a batch (audited), or refuse with a Chinese list of what depends on it."""
    if not 0 < batch_id < 2 ** 63:  # SQLite's integers end there (a bigger one raised OverflowError)
        raise NotFound(f"找不到第{batch_id}批导入（批次号见 yingbao import list）")
    with db.atomic("IMMEDIATE"):
        batch = ImportBatch.get_or_none(ImportBatch.id == batch_id)
        if batch is None:
            raise NotFound(f"找不到第{batch_id}批导入")
        if batch.undone_at:
            raise StoreError(f"第{batch_id}批导入已于{batch.undone_at:%Y-%m-%d %H:%M}撤销")
        info, import_audit = batch_audit(batch_id), _import_audit_id(batch_id)
        updated = _updated_persons(info)
        persons = _affected_persons(batch_id, info, updated)
        created = info.get("created") or {}
        deps = _case_dependents(created.get("case"), created.get("case_category"))
        deps += _later_dependents(batch_id, import_audit, info, persons)
        if deps:
            raise StoreError(f"无法撤销第{batch_id}批导入（{batch.file_name}），之后已有依赖它的记录："
                             + "、".join(deps) + "。请先处理这些记录")
        removed = _remove(batch_id, info, updated)
        batch.undone_at = now()
        batch.save()
        audit.log("undo_import", "import_batch", batch_id, None, {"file": batch.file_name, **removed})
    return removed
