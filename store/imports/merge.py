"""Bulk merge of an imported list: decide in Python against preloaded rows, write in a second thread.

One import is one ``IMMEDIATE`` transaction: the batch row, new persons (with search keys), changed
persons (audited before/after), cases, case categories and one roster entry per source row. New
rows get contiguous ids, so the batch's audit row records them as id ranges: that is how undo
finds them (store/imports/undo.py) without a "create" audit row per inserted person.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Iterable

from peewee import JOIN

from store import settings
from store.cases.cases import category_by_code, require_campaign
from store.schema import Category, ImportBatch, db
from store.db import checkpoint_soon
from store.people.search import name_keys

PERSON_FIELDS = ("sex", "birth_date", "phone", "village_id", "address", "relation",
                 "disability_category", "disability_grade", "disability_cert")
DERIVED_FIELDS = ("zone_id", "phone_rev")  # follow village and phone; kept for undo
ENTRY_FIELDS = ("medical_total", "reimbursed", "self_paid", "disability_category", "disability_grade",
                "disability_cert", "petition_date", "petition_content", "petition_reply", "monitor_category")
IMPORT_CACHE_KIB = 128 * 1024
IN_CHUNK = 500
MSG_NAME_CONFLICT = "同一身份证号姓名不同"


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
    changes: dict[str, tuple[Any, Any]] | None = None  # set by plan_import when the person's data changes
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
    head_column: int | None = None  # the raw column of 户主身份证号 when the list has one (store.people.households)


@dataclass
class Plan:
    """The decisions for every valid row, made against the database before any write."""

    campaign_id: int
    category_id: int
    rows: list[ImportRow]
    cases: dict[int, int]  # person id -> existing case id
    linked: set[int]  # case ids that already carry the category
    new_villages: list[int] = field(default_factory=list)  # ids of villages this import created


Cancelled = Callable[[], bool]


def context_data(category_code: int) -> dict[str, Any]:
    """Town name, villages (id, name), their aliases (village id, alias) and the category's name and
    threshold (yuan) for the rows."""
    camp = require_campaign()
    cat = category_by_code(category_code, camp.id)
    villages = db.execute_sql('SELECT id, name FROM "village" ORDER BY seq, id').fetchall()
    aliases = db.execute_sql('SELECT village_id, alias FROM "village_alias" ORDER BY id').fetchall()
    return {"town": settings.get(settings.TOWN), "district": settings.get(settings.DISTRICT),
            "villages": villages, "aliases": aliases, "category_name": cat.name,
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


@contextmanager
def big_cache(kib: int = IMPORT_CACHE_KIB):
    """A larger page cache for the bulk write (index pages of big tables stay in memory)."""
    old = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    db.execute_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = {int(old)}")


@contextmanager
def checkpoint_after():
    """Automatic checkpoints as they were once the transaction has ended (load() turns them off for
    its commit); after a commit, the log is copied into the database file in the background."""
    old = db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0]
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA wal_autocheckpoint = {int(old)}")
    if old > 0:
        checkpoint_soon()


def load(chunks: Iterable[list[ImportRow]], numbers: Collection[str], meta: BatchMeta, *,
         cancelled: Cancelled | None = None, written: Callable[[], None] | None = None,
         report: Callable[[Plan], str | None] | None = None, before_commit: Callable[[Plan], None] | None = None,
         ahead: Any = None) -> tuple[int, Plan]:
    """Plan and write one import in one transaction, chunk by chunk as the caller reads them;
    `numbers`: every ID number the chunks may hold; `report(plan)` once every row is decided, while
    the last rows are written (the report's path, kept on the batch); `written()` once every row is
    written, before the audit rows, `before_commit(plan)` and the commit; `ahead`: a
    store.imports.ahead.PersonsAhead started while the file was parsed (taken if still current, closed
    in any case). Returns (batch id, plan).

    A second thread writes chunk k while the caller reads chunk k+1 (store/imports/bulk.py)."""
    from store.imports.bulk import bulk_writer
    from store.imports.plan import Planner
    from store.imports.write import ImportWriter

    cancelled = cancelled or (lambda: False)
    camp = require_campaign()
    cat = category_by_code(meta.category_code, camp.id)
    plan = Plan(camp.id, cat.id, [], {}, set())
    if ahead is not None and db.in_transaction():  # it cannot see the caller's uncommitted writes
        ahead.close()
        ahead = None
    with big_cache(), checkpoint_after(), db.atomic("IMMEDIATE"):
        # the writer may run a table's statements before those of the rows they refer to (bulk.py);
        # every reference is still checked, at the commit (SQLite turns this off again there)
        db.execute_sql("PRAGMA defer_foreign_keys = ON")
        writer = ImportWriter(plan, meta)  # the batch row and first free ids, before the thread starts
        with bulk_writer(db.connection()) as bulk:
            preloaded = bulk.call(lambda con: Planner.read(con, numbers, camp.id, cat.id,
                                                           ahead.take(db.database) if ahead else None))
            writer.bulk, pending, planner = bulk, [], None
            for chunk in chunks:  # the caller normalises the next chunk while this one is written
                if cancelled():
                    raise ImportCancelled()
                pending.append(chunk)
                if planner is None and preloaded.done():  # until then the caller reads on
                    planner = _shared(bulk.result(preloaded), plan)
                if planner is not None:
                    _write(pending, planner, plan, writer)
            _write(pending, planner or _shared(bulk.result(preloaded), plan), plan, writer)
            if report:  # the writer thread meanwhile runs the statements still queued
                meta.report_path = report(plan)
        if written:
            written()
        if cancelled():
            raise ImportCancelled()
        if meta.head_column is not None:  # the list names each row's 户主: households (store.people.households)
            from store.imports.households import households_from_list

            # before finish(): these person updates fall in the batch's audit range, so undo reverts them
            writer.updates += households_from_list(plan.rows, meta.head_column)
        batch_id = writer.finish()
        if meta.category_code == 5:  # the list's rows become petitions (store.imports.list_petitions)
            from store.imports.list_petitions import sync_list_petitions

            sync_list_petitions(camp.id)
        if before_commit:
            before_commit(plan)
        if cancelled():
            raise ImportCancelled()
        db.execute_sql("PRAGMA wal_autocheckpoint = 0")  # this commit only: the copy runs after it
    return batch_id, plan


def _shared(planner: Any, plan: Plan) -> Any:
    """The planner, its cases and category links shared with the plan (the writer adds to them)."""
    plan.cases, plan.linked = planner.cases, planner.linked
    return planner


def _write(chunks: list[list[ImportRow]], planner: Any, plan: Plan, writer: Any) -> None:
    """Decide and queue the chunks read so far (emptying the list)."""
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

