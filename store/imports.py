"""Bulk merge of an imported list: decide in Python against preloaded rows, write in a second thread.

One import is one ``IMMEDIATE`` transaction: the batch row, new persons (with search keys), changed
persons (audited before/after), cases, case categories and one roster entry per source row. New
rows get contiguous ids, so the batch's audit row records them as id ranges: that is how undo
finds them (store/import_undo.py) without a "create" audit row per inserted person.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Iterable

from peewee import JOIN

from . import settings
from .cases import category_by_code, require_campaign
from .schema import Category, ImportBatch, db
from .search import name_keys, reverse

PERSON_FIELDS = ("sex", "birth_date", "phone", "village_id", "address", "relation",
                 "disability_category", "disability_grade", "disability_cert")
DERIVED_FIELDS = ("zone_id", "phone_rev")  # follow village and phone; kept for undo
ENTRY_FIELDS = ("medical_total", "reimbursed", "self_paid", "disability_category", "disability_grade",
                "disability_cert", "petition_date", "petition_content", "petition_reply", "monitor_category")
IMPORT_CACHE_KIB = 128 * 1024
IN_CHUNK = 500
MSG_NAME_CONFLICT = "同一身份证号姓名不同"
STORED_AT = {name: i for i, name in enumerate(PERSON_FIELDS + DERIVED_FIELDS, start=2)}  # index in a preloaded row
DELETED_AT = len(PERSON_FIELDS + DERIVED_FIELDS) + 2  # a soft-deleted person is not merged into silently


class ImportCancelled(Exception):
    """Raised inside the transaction when the clerk cancels: everything rolls back."""


@dataclass(slots=True)
class ImportRow:
    """One valid source row, normalised to stored values (dates as ISO text, amounts in fen)."""

    source_row: int
    id_number: str
    id_original: str | None
    name: str
    person: dict[str, Any]
    entry: dict[str, Any]
    raw: list  # the source row's cells; the writer stores them as a JSON array
    warning: str | None = None
    new_village: str | None = None
    outcome: str = ""  # inserted / updated / unchanged / conflict, set by plan_import
    reason: str = ""
    person_id: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    add_entry: bool = False
    values: tuple = ()  # the entry's ENTRY_FIELDS values, as written to its roster entry
    id_override: str | None = None  # the 核实说明 accepting an ID that fails its checksum or birth date


@dataclass
class BatchMeta:
    """What the batch row records besides the planned counts."""

    file_name: str
    file_path: str | None
    sha256: str
    sheet: str | None
    category_code: int
    rows: int
    rejected: int
    skipped: int
    warnings: int
    report_path: str | None = None
    raw_keys: list[str] | None = None  # the headers of the rows' raw values, kept once on the batch


@dataclass
class Plan:
    """The decisions for every valid row, made against the database before any write."""

    campaign_id: int
    category_id: int
    rows: list[ImportRow]
    cases: dict[int, int]  # person id -> existing case id
    linked: set[int]  # case ids that already carry the category
    new_villages: list[int] = field(default_factory=list)  # ids of villages this import created

    def count(self, outcome: str) -> int:
        """Rows with this outcome."""
        return sum(1 for r in self.rows if r.outcome == outcome)


Cancelled = Callable[[], bool]


def context_data(category_code: int) -> dict[str, Any]:
    """Town name, villages (id, name) and the category's name and threshold (yuan) for the rows."""
    camp = require_campaign()
    cat = category_by_code(category_code, camp.id)
    villages = db.execute_sql('SELECT id, name FROM "village" ORDER BY seq, id').fetchall()
    return {"town": settings.get(settings.TOWN), "villages": villages, "category_name": cat.name,
            "threshold": cat.threshold, "campaign_id": camp.id, "accepted_ids": accepted_ids()}


def accepted_ids() -> set[str]:
    """ID numbers of persons that fail their check but were accepted with a reason (audited): later
    lists naming the same number import without repeating the reason."""
    rows = db.execute_sql(
        'SELECT p.id_number FROM "audit_log" a JOIN "person" p ON p.id = a.row_id '
        "WHERE a.action = 'id_override' AND a.\"table\" = 'person' "
        "AND p.id_number = json_extract(a.after, '$.id_number')").fetchall()
    return {r[0] for r in rows}


def batches_with_sha(sha256: str) -> list[int]:
    """Ids of earlier batches (not undone) of the same file."""
    rows = db.execute_sql('SELECT id FROM "import_batch" WHERE sha256 = ? AND undone_at IS NULL ORDER BY id',
                          (sha256,)).fetchall()
    return [r[0] for r in rows]


def _json_rows(con: sqlite3.Connection, cols: str, sql: str, params: tuple = ()) -> list[list]:
    """The rows of `SELECT cols sql` as lists, which SQLite hands over as one JSON array: one step
    without Python's lock (GIL), instead of taking it back once a row from the busy reading thread."""
    (text,) = con.execute(f"SELECT json_group_array(json_array({cols})) {sql}", params).fetchone()
    return json.loads(text)


def _preload_persons(con: sqlite3.Connection, numbers: Collection[str]) -> dict[str, list]:
    """id_number -> [id, name, *PERSON_FIELDS, *DERIVED_FIELDS, deleted_at] of the persons the file
    names, in one query (the numbers go in as one JSON array)."""
    cols = ", ".join(f"p.{c}" for c in ("id_number", "id", "name", *PERSON_FIELDS, *DERIVED_FIELDS, "deleted_at"))
    rows = _json_rows(con, cols, 'FROM json_each(?) j JOIN "person" p ON p.id_number = j.value',
                      (json.dumps(sorted(numbers)),))
    return {row[0]: row[1:] for row in rows}


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


def _decide(row: ImportRow, known: tuple | None, latest: dict[int, tuple], removed: set[int] = frozenset()) -> None:
    """Set the row's outcome: inserted, conflict, updated (person or category data) or unchanged."""
    row.add_entry, row.values = True, tuple(map(row.entry.get, ENTRY_FIELDS))
    if known is None:
        row.outcome = "inserted"
        return
    row.person_id, name = known[0], known[1]
    if name != row.name:
        row.outcome, row.reason = "conflict", f"{MSG_NAME_CONFLICT}：名单为「{row.name}」，系统中为「{name}」"
        return
    if known[DELETED_AT] is not None or row.person_id in removed:
        what = "该人员已删除" if known[DELETED_AT] is not None else "该对象已从本次排查中删除"
        row.outcome, row.reason = "conflict", f"{what}：如需保留，请在「修改记录」（Ctrl+L）中恢复后再导入此行"
        return
    at = STORED_AT
    row.changes = changes = {k: (known[at[k]], v) for k, v in row.person.items()
                             if known[at[k]] != v and v is not None and v != ""}
    if changes:
        _derived(changes, known)
    row.add_entry = latest.get(row.person_id) != row.values
    row.outcome = "updated" if row.changes or row.add_entry else "unchanged"


def _derived(changes: dict[str, tuple[Any, Any]], known: tuple) -> None:
    """The zone (dropped with a new village) and reversed phone that follow a change."""
    if "village_id" in changes and known[STORED_AT["zone_id"]] is not None:
        changes["zone_id"] = (known[STORED_AT["zone_id"]], None)  # a zone belongs to the old village
    if "phone" in changes:
        changes["phone_rev"] = (known[STORED_AT["phone_rev"]], reverse(changes["phone"][1].split("/")[0]))


@dataclass
class Planner:
    """What deciding a row needs from the database, read once before the first row is decided."""

    known: dict[str, tuple]  # id_number -> the stored person (see _preload_persons)
    latest: dict[int, tuple]  # person id -> its latest roster entry's data in the category
    cases: dict[int, int]
    linked: set[int]
    removed: set[int]

    @classmethod
    def read(cls, con: sqlite3.Connection, numbers: Collection[str], campaign_id: int, category_id: int) -> "Planner":
        """Preload for the ID numbers a file names (runs on any thread given the connection)."""
        cases, linked, removed = _preload_cases(con, campaign_id, category_id)
        return cls(_preload_persons(con, numbers), _preload_entries(con, category_id), cases, linked, removed)

    def decide(self, rows: list[ImportRow]) -> None:
        """Set each row's outcome."""
        known, latest, removed = self.known, self.latest, self.removed
        for row in rows:
            _decide(row, known.get(row.id_number), latest, removed)


def plan_import(rows: list[ImportRow], category_code: int) -> Plan:
    """Decide insert / update / unchanged / conflict for every row (reads only: the dry run)."""
    camp = require_campaign()
    cat = category_by_code(category_code, camp.id)
    planner = Planner.read(db.connection(), {r.id_number for r in rows}, camp.id, cat.id)
    planner.decide(rows)
    return Plan(camp.id, cat.id, rows, planner.cases, planner.linked)


@contextmanager
def big_cache(kib: int = IMPORT_CACHE_KIB):
    """A larger page cache for the bulk write (index pages of big tables stay in memory)."""
    old = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    db.execute_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = {int(old)}")


def load(chunks: Iterable[list[ImportRow]], numbers: Collection[str], meta: BatchMeta, *,
         cancelled: Cancelled | None = None, written: Callable[[], None] | None = None,
         before_commit: Callable[[Plan], str | None] | None = None) -> tuple[int, Plan]:
    """Plan and write one import in one transaction, chunk by chunk as the caller reads them;
    `numbers`: every ID number the chunks may hold; `written()` once every row is written, before the
    audit rows, the report and the commit. Returns (batch id, plan).

    A second thread writes chunk k while the caller reads chunk k+1 (store/bulk.py)."""
    from .bulk import bulk_writer
    from .import_write import ImportWriter

    cancelled = cancelled or (lambda: False)
    camp = require_campaign()
    cat = category_by_code(meta.category_code, camp.id)
    plan = Plan(camp.id, cat.id, [], {}, set())
    with big_cache(), db.atomic("IMMEDIATE"):
        writer = ImportWriter(plan, meta)  # the batch row and first free ids, before the thread starts
        with bulk_writer(db.connection()) as bulk:
            preloaded = bulk.call(lambda con: Planner.read(con, numbers, camp.id, cat.id))
            writer.bulk, pending = bulk, []
            for chunk in chunks:  # the caller normalises the next chunk while this one is written
                if cancelled():
                    raise ImportCancelled()
                pending.append(chunk)
                if preloaded.done():  # until then the caller reads on
                    _write(pending, preloaded.result(), plan, writer)
            _write(pending, preloaded.result(), plan, writer)
        if written:
            written()
        if cancelled():
            raise ImportCancelled()
        batch_id = writer.finish()
        if before_commit:
            meta.report_path = before_commit(plan)
            ImportBatch.update(report_path=meta.report_path).where(ImportBatch.id == batch_id).execute()
        if cancelled():
            raise ImportCancelled()
    return batch_id, plan


def _write(chunks: list[list[ImportRow]], planner: Planner, plan: Plan, writer: Any) -> None:
    """Decide and queue the chunks read so far (emptying the list)."""
    plan.cases, plan.linked = planner.cases, planner.linked
    for chunk in chunks:
        writer.villages(chunk)
        planner.decide(chunk)
        plan.rows.extend(chunk)
        writer.write(chunk)
    chunks.clear()


def list_batches() -> list[dict[str, Any]]:
    """Every import batch, newest first, with its category code (one query)."""
    query = (ImportBatch.select(ImportBatch, Category.code.alias("code"))
             .join(Category, JOIN.LEFT_OUTER, on=(ImportBatch.category == Category.id))
             .order_by(ImportBatch.id.desc()).objects())
    keys = ("id", "file_name", "sheet", "rows", "inserted", "updated", "unchanged", "rejected", "skipped",
            "warnings", "operator", "created_at", "undone_at", "sha256")
    return [{**{k: getattr(b, k) for k in keys}, "category": b.code, "report": b.report_path} for b in query]


def raw_pairs(raw: str | None, keys: str | None) -> list[tuple[str, Any]]:
    """(header, value) of a roster entry's original cells: a JSON array under its batch's headers,
    or a JSON object (entries made before migration 2, or without a batch); blank cells left out."""
    if not raw:
        return []
    try:
        data = json.loads(raw)
        names = json.loads(keys) if keys else []
    except ValueError:
        return []
    if isinstance(data, dict):
        pairs = list(data.items())
    else:
        pairs = [(names[i] if i < len(names) else f"第{i + 1}列", v) for i, v in enumerate(data)]
    return [(k, v) for k, v in pairs if v is not None and str(v).strip() != ""]


def person_keys(name: str, cache: dict[str, tuple]) -> tuple[str, str, list[str]]:
    """(initials, full pinyin, every key) of a name, cached per name for the whole import."""
    keys = cache.get(name)
    if keys is None:
        keys = cache[name] = name_keys(name)
    return keys


def batch_audit(batch_id: int) -> dict[str, Any]:
    """The 'import' audit row's details of a batch (id ranges of what it created)."""
    row = db.execute_sql('SELECT "after" FROM "audit_log" WHERE action = ? AND "table" = ? AND row_id = ? '
                         "ORDER BY id LIMIT 1", ("import", "import_batch", batch_id)).fetchone()
    return json.loads(row[0]) if row and row[0] else {}

