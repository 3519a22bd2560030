"""The write half of an import: executemany in chunks inside the caller's transaction."""

from __future__ import annotations

import json
from itertools import repeat
from typing import Any, Iterable

from . import audit
from .imports import CHUNK, ENTRY_FIELDS, BatchMeta, ImportCancelled, ImportRow, Plan, person_keys
from .schema import ImportBatch, Village, db, now
from .search import reverse

PERSON_COLS = ("id", "id_number", "id_original", "id_rev", "name", "sex", "birth_date", "phone", "phone_rev",
               "village_id", "address", "relation", "disability_category", "disability_grade",
               "disability_cert", "py_initials", "py_full", "created_at", "updated_at")
ENTRY_COLS = ("batch_id", "category_id", "person_id", "case_id", "source_row", *ENTRY_FIELDS, "warning",
              "created_at", "raw")
PLAIN = frozenset({str, int, float, type(None)})  # cell types sqlite3 binds as they are (not bool: 1 or true?)
MAX_SQL_ARGS = 100  # SQLite functions take at most 127 arguments (SQLITE_MAX_FUNCTION_ARG)
JSON = json.JSONEncoder(ensure_ascii=False, default=str)
AUDIT_SQL = ('INSERT INTO "audit_log" (time, operator, action, "table", row_id, before, after) '
             "VALUES (?,?,?,?,?,?,?)")


class Writer:
    """Runs executemany in chunks, reporting progress and checking for a cancel between chunks."""

    def __init__(self, total: int, progress, cancelled) -> None:
        self.total, self.done = max(total, 1), 0
        self.progress, self.cancelled = progress, cancelled
        self.con = db.connection()

    def many(self, sql: str, rows: list[tuple], weight: bool = True) -> None:
        """executemany of rows in CHUNK slices."""
        for start in range(0, len(rows), CHUNK):
            if self.cancelled():
                raise ImportCancelled()
            part = rows[start:start + CHUNK]
            self.con.executemany(sql, part)
            if weight:
                self.done += len(part)
                self.progress(min(self.done, self.total), self.total)


def insert_sql(table: str, cols: Iterable[str]) -> str:
    """An INSERT statement with one placeholder per column."""
    cols = list(cols)
    return f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({",".join("?" * len(cols))})'


def next_id(table: str) -> int:
    """The next free id of a table (safe inside the IMMEDIATE transaction)."""
    return db.execute_sql(f'SELECT coalesce(max(id), 0) + 1 FROM "{table}"').fetchone()[0]


def create_villages(rows: list[ImportRow]) -> list[int]:
    """Create the villages the rows name that do not exist yet (--create-villages); audited."""
    names = sorted({r.new_village for r in rows if r.new_village})
    ids: dict[str, int] = {}
    for name in names:
        village = Village.get_or_none(Village.name == name)
        if village is None:
            kind = "社区" if name.endswith(("社区", "居委会")) else "村"
            seq = (Village.select().count() or 0) + 1
            village = Village.create(name=name, kind=kind, seq=seq)
            audit.log_row("create", village)
        ids[name] = village.id
    for row in rows:
        if row.new_village:
            row.person["village_id"] = ids[row.new_village]
    return [ids[n] for n in names]


def _insert_persons(w: Writer, rows: list[ImportRow], stamp: str) -> tuple[int, int]:
    """New persons with their search keys; returns the id range."""
    first = pid = next_id("person")
    people, keys, cache = [], [], {}
    for row in rows:
        row.person_id, p = pid, row.person
        phone = p.get("phone")
        initials, full, keyset = person_keys(row.name, cache)
        people.append((pid, row.id_number, row.id_original, reverse(row.id_number), row.name, p.get("sex"),
                       p.get("birth_date"), phone, reverse((phone or "").split("/")[0] or None),
                       p.get("village_id"), p.get("address"), p.get("relation"), p.get("disability_category"),
                       p.get("disability_grade"), p.get("disability_cert"),
                       initials, full, stamp, stamp))
        keys.extend(zip(repeat(pid), keyset))
        pid += 1
    w.many(insert_sql("person", PERSON_COLS), people)
    # person order, not key order: sorting 230,000 keys costs 0.14 s and saves the index only 0.06 s
    w.many('INSERT INTO "person_key" (person_id, key) VALUES (?,?)', keys, weight=False)
    return first, pid - 1


def _update_persons(w: Writer, rows: list[ImportRow], stamp: str) -> tuple[int, int] | None:
    """Changed persons: one UPDATE per set of changed columns, and an audit row each."""
    groups: dict[tuple, list[tuple]] = {}
    logs, operator = [], audit.current_operator()
    for row in rows:
        changes = row.changes
        cols = tuple(sorted(changes))
        groups.setdefault(cols, []).append((*(changes[c][1] for c in cols), stamp, row.person_id))
        before = {k: v[0] for k, v in row.changes.items()}  # stored values: text, numbers, None
        after = {k: v[1] for k, v in row.changes.items()}
        logs.append((stamp, operator, "update", "person", row.person_id, JSON.encode(before), JSON.encode(after)))
    for cols, params in groups.items():
        sets = ", ".join(f"{c} = ?" for c in (*cols, "updated_at"))
        w.many(f'UPDATE "person" SET {sets} WHERE id = ?', params)
    if not logs:
        return None
    first = next_id("audit_log")
    w.many(AUDIT_SQL, logs, weight=False)
    return first, first + len(logs) - 1


def _override_audits(w: Writer, rows: list[ImportRow], batch_id: int, stamp: str) -> list[int] | None:
    """An 「id_override」 audit row for each new person whose ID was accepted by the list's 核实说明."""
    from .ids import parse_id
    from .people import ID_OVERRIDE

    operator = audit.current_operator()
    logs = [(stamp, operator, ID_OVERRIDE, "person", r.person_id, None, JSON.encode({
        "id_number": r.id_number, "problem": parse_id(r.id_number, override=True).problem, "reason": r.id_override,
        "via": "导入", "batch": batch_id})) for r in rows if r.id_override]
    if not logs:
        return None
    first = next_id("audit_log")
    w.many(AUDIT_SQL, logs, weight=False)
    return [first, first + len(logs) - 1]


def _cases_and_links(w: Writer, plan: Plan, rows: list[ImportRow], stamp: str) -> dict[str, Any]:
    """A case per person (new ones with contiguous ids) and the category link; id ranges."""
    first_case = case_id = next_id("case")
    new_cases = []
    for row in rows:
        if row.person_id not in plan.cases:
            plan.cases[row.person_id] = case_id
            new_cases.append((case_id, plan.campaign_id, row.person_id, "待排查", "名单", stamp, stamp))
            case_id += 1
    w.many(insert_sql("case", ("id", "campaign_id", "person_id", "status", "source", "created_at", "updated_at")),
           new_cases)
    links = sorted({plan.cases[r.person_id] for r in rows} - plan.linked)
    first_link = next_id("case_category")
    w.many('INSERT INTO "case_category" (case_id, category_id, source) VALUES (?,?,?)',
           [(c, plan.category_id, "名单") for c in links])
    return {"case": [first_case, case_id - 1] if new_cases else None,
            "case_category": [first_link, first_link + len(links) - 1] if links else None}


def _cells(cells: list, pad: tuple) -> tuple:
    """A row's cells padded to the batch's width; dates and other objects as text (str()), a boolean
    as Excel shows it (TRUE / FALSE), the same whether SQLite or Python builds the JSON."""
    if not PLAIN.issuperset(map(type, cells)):
        cells = [v if type(v) in PLAIN else ("TRUE" if v else "FALSE") if type(v) is bool else str(v) for v in cells]
    return (*cells, *pad[len(cells):])


def entry_sql(width: int | None) -> str:
    """The roster entry INSERT: SQLite builds the raw JSON array from the row's cells (C, not Python);
    width None: the raw JSON comes ready made (lists wider than a SQL function takes arguments)."""
    marks = ",".join("?" * (len(ENTRY_COLS) - 1))
    raw = "?" if width is None else f"json_array({','.join('?' * width)})"
    return f'INSERT INTO "roster_entry" ({", ".join(ENTRY_COLS)}) VALUES ({marks}, {raw})'


def _entries(w: Writer, plan: Plan, rows: list[ImportRow], batch_id: int, stamp: str, width: int) -> int:
    """One roster entry per source row whose category data is new for the person."""
    cases, category = plan.cases, plan.category_id
    width = max([width, *(len(r.raw) for r in rows if len(r.raw) > width)])
    if width > MAX_SQL_ARGS:
        params = [(batch_id, category, r.person_id, cases[r.person_id], r.source_row, *r.values, r.warning, stamp,
                   JSON.encode(list(_cells(r.raw, ())))) for r in rows if r.add_entry]
        width = None
    else:
        pad = (None,) * width
        params = [(batch_id, category, r.person_id, cases[r.person_id], r.source_row, *r.values, r.warning, stamp,
                   *_cells(r.raw, pad)) for r in rows if r.add_entry]
    w.many(entry_sql(width), params)
    return len(params)


def write_plan(plan: Plan, meta: BatchMeta, progress, cancelled) -> int:
    """Write the batch and everything it decided; returns the batch id."""
    stamp = str(now())
    valid = [r for r in plan.rows if r.outcome != "conflict"]
    inserted = [r for r in valid if r.outcome == "inserted"]
    updated = [r for r in valid if r.changes]
    w = Writer(len(inserted) + len(updated) + 3 * len(valid), progress, cancelled)
    batch = ImportBatch.create(
        file_name=meta.file_name, file_path=meta.file_path, sha256=meta.sha256, sheet=meta.sheet,
        category=plan.category_id, report_path=meta.report_path, operator=audit.current_operator(),
        raw_keys=JSON.encode(meta.raw_keys) if meta.raw_keys is not None else None)
    created: dict[str, Any] = {"person": list(_insert_persons(w, inserted, stamp)) if inserted else None}
    overrides = _override_audits(w, inserted, batch.id, stamp)
    audits = _update_persons(w, updated, stamp)
    created.update(_cases_and_links(w, plan, valid, stamp))
    entries = _entries(w, plan, valid, batch.id, stamp, len(meta.raw_keys or ()))
    counts = batch_counts(plan, meta)
    ImportBatch.update(**counts).where(ImportBatch.id == batch.id).execute()
    audit.log("import", "import_batch", batch.id, None, {
        "file": meta.file_name, "sha256": meta.sha256, "category": meta.category_code, **counts,
        "entries": entries, "created": {**created, "village": plan.new_villages},
        "audit": list(audits) if audits else None, **({"id_override": overrides} if overrides else {})})
    return batch.id


def batch_counts(plan: Plan, meta: BatchMeta) -> dict[str, int]:
    """The counts of a batch: conflicts join the rows rejected while reading."""
    merged = meta.rows - meta.rejected - meta.skipped - len(plan.rows)
    return {"rows": meta.rows, "inserted": plan.count("inserted"), "updated": plan.count("updated"),
            "unchanged": plan.count("unchanged") + merged, "rejected": meta.rejected + plan.count("conflict"),
            "skipped": meta.skipped,
            "warnings": meta.warnings - sum(1 for r in plan.rows if r.outcome == "conflict" and r.warning)}
