"""The write half of an import: each chunk's rows as bulk statements, queued to the writer thread
(store/imports/bulk.py) inside the caller's transaction; audit rows and counts once every chunk is in."""

from __future__ import annotations

import json
from collections import Counter
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, Callable, Iterable, cast

from store import audit
from store.imports.merge import ENTRY_FIELDS, BatchMeta, ImportRow, Plan, person_keys
from store.people.people import ID_OVERRIDE
from store.schema import ImportBatch, Village, db, now
from store.people.search import reverse
from store.town.village_names import kind_of

if TYPE_CHECKING:
    from store.imports.bulk import BulkWriter

PERSON_COLS = ("id", "id_number", "id_original", "id_rev", "name", "sex", "birth_date", "phone", "phone_rev",
               "village_id", "address", "relation", "disability_category", "disability_grade",
               "disability_cert", "py_initials", "py_full")
CASE_COLS = ("id", "person_id")  # with the campaign, status, source and time stamps as constants


def json_encoder(item_sep: str, key_sep: str) -> Callable[[Any], str]:
    """json.dumps(value, ensure_ascii=False, default=str) with these separators, for flat lists and
    dicts. JSONEncoder.encode builds its C encoder anew on every call, a third of the time of a
    short row; this one is built once (the plain encoder where the C one is missing or differs)."""
    slow = json.JSONEncoder(ensure_ascii=False, default=str, separators=(item_sep, key_sep)).encode
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C encoder
        return slow
    try:
        fast = make(None, str, json.encoder.encode_basestring, None, key_sep, item_sep, False, False, True)
        if "".join(fast([1.5, "后", None, {"a": True}], 0)) != slow([1.5, "后", None, {"a": True}]):
            return slow
    except TypeError:  # a C encoder of another signature
        return slow
    return lambda value: "".join(fast(value, 0))


JSON = json_encoder(", ", ": ")
RAW_JSON = json_encoder(",", ":")  # 50,000 rows: compact
AUDIT_SQL = ('INSERT INTO "audit_log" (time, operator, action, "table", row_id, before, after) '
             "VALUES (?,?,?,?,?,?,?)")


def insert_sql(table: str, cols: Iterable[str], constants: dict[str, int | str] | None = None) -> str:
    """An INSERT statement with one placeholder per column, and the constants (the same for every
    row: the batch, the time stamp) written into its text, so no row binds them again."""
    cols, constants = list(cols), constants or {}
    marks = ["?"] * len(cols) + [_literal(v) for v in constants.values()]
    return f'INSERT INTO "{table}" ({", ".join([*cols, *constants])}) VALUES ({",".join(marks)})'


def _literal(value: int | str) -> str:
    """An integer, or one of the import's own texts (a time stamp, 待排查), as SQL."""
    if type(value) is int:
        return str(value)
    if type(value) is not str or "\0" in value:
        raise TypeError(f"not a constant for a statement: {value!r}")
    return "'" + value.replace("'", "''") + "'"


def next_id(table: str) -> int:
    """The next free id of a table (safe inside the IMMEDIATE transaction)."""
    return db.execute_sql(f'SELECT coalesce(max(id), 0) + 1 FROM "{table}"').fetchone()[0]


def create_villages(rows: list[ImportRow]) -> list[int]:
    """Create the villages the rows name that do not exist yet (--create-villages), audited, under their
    plain names (后龙村委会 and 后龙村民委员会 make one 后龙村); the ids of the villages created."""
    names = sorted({r.new_village for r in rows if r.new_village})
    ids: dict[str, int] = {}
    created = []
    for name in names:
        village = Village.get_or_none(Village.name == name)
        if village is None:
            kind = kind_of(name)
            seq = (Village.select().count() or 0) + 1
            village = Village.create(name=name, kind=kind, seq=seq)
            audit.log_row("create", village)
            created.append(village.id)
        ids[name] = village.id
    for row in rows:
        if row.new_village:
            row.person["village_id"] = ids[row.new_village]
    return created


def raw_json(cells: list) -> str:
    """A row's cells as a JSON array: dates and other objects as text (str()), a boolean as Excel
    shows it (TRUE / FALSE). Encoded first and looked at after: a boolean is rare, and a text cell
    holding true or false only costs a second encoding."""
    text = RAW_JSON(cells)
    if "true" in text or "false" in text:
        text = RAW_JSON([("TRUE" if v else "FALSE") if type(v) is bool else v for v in cells])
    return text


class ImportWriter:
    """Writes one import chunk by chunk: new persons (contiguous ids, with search keys), changed
    persons (with their audit rows), cases, category links and roster entries go to the writer
    thread as each chunk is decided; finish() writes the batch's counts and its own audit row."""

    bulk: BulkWriter  # the writer thread's queue: the caller (merge.py) sets it once the thread runs

    def __init__(self, plan: Plan, meta: BatchMeta) -> None:
        """The batch row and the first free ids (call before the writer thread starts)."""
        self.plan, self.meta = plan, meta
        self.stamp, self.operator = str(now()), audit.current_operator()
        self.batch_id = ImportBatch.create(
            file_name=meta.file_name, file_path=meta.file_path, sha256=meta.sha256, sheet=meta.sheet,
            category=plan.category_id, report_path=meta.report_path, operator=self.operator,
            raw_keys=JSON(meta.raw_keys) if meta.raw_keys is not None else None).id
        self.first_person = self.next_person = next_id("person")
        self.first_case = self.next_case = next_id("case")
        self.first_link, self.links, self.entries = next_id("case_category"), 0, 0
        self.first_audit, self.updates = next_id("audit_log"), 0  # audit rows of changed persons
        self.overrides: list[ImportRow] = []
        self.names: dict[str, tuple] = {}  # name -> its search keys

    def villages(self, rows: list[ImportRow]) -> None:
        """Create the new villages a chunk names (--create-villages) before it is decided, so a known
        person's move to one is seen. Rare; the ORM needs the connection, so the writer waits."""
        if any(r.new_village for r in rows):
            self.bulk.wait_idle()
            self.plan.new_villages += create_villages(rows)

    def write(self, rows: list[ImportRow]) -> None:
        """Queue the writes of a decided chunk."""
        valid = [r for r in rows if r.outcome != "conflict"]
        inserted = [r for r in valid if r.outcome == "inserted"]
        if inserted:
            self._insert_persons(inserted)
            self.overrides += [r for r in inserted if r.id_override]
        self._update_persons([r for r in valid if r.changes])
        self._cases_and_links(valid)
        self._entries(valid)

    def _insert_persons(self, rows: list[ImportRow]) -> None:
        """New persons with their search keys."""
        people: list[tuple] = []
        keys: list[tuple[int, str]] = []
        pid = self.next_person
        for row in rows:
            row.person_id, p = pid, row.person
            phone = p.get("phone")
            initials, full, keyset = person_keys(row.name, self.names)
            people.append((pid, row.id_number, row.id_original, reverse(row.id_number), row.name, p.get("sex"),
                           p.get("birth_date"), phone, reverse((phone or "").split("/")[0] or None),
                           p.get("village_id"), p.get("address"), p.get("relation"), p.get("disability_category"),
                           p.get("disability_grade"), p.get("disability_cert"), initials, full))
            keys.extend(zip(repeat(pid), keyset))
            pid += 1
        self.next_person = pid
        self.bulk.insert(insert_sql("person", PERSON_COLS, {"created_at": self.stamp, "updated_at": self.stamp}), people)
        self.bulk.insert('INSERT INTO "person_key" (person_id, key) VALUES (?,?)', keys)

    def _update_persons(self, rows: list[ImportRow]) -> None:
        """Changed persons: one UPDATE per set of changed columns, and an audit row each (before and
        after). The audit rows of one import are contiguous but for those of villages it creates."""
        groups: dict[tuple, list[tuple]] = {}
        audits, operator, stamp = [], self.operator, self.stamp
        for row in rows:
            changes = row.changes
            assert changes is not None  # write() passes only the rows with changes
            before = {k: v[0] for k, v in changes.items()}  # stored values: text, numbers, None
            after = {k: v[1] for k, v in changes.items()}
            cols = tuple(sorted(after))
            groups.setdefault(cols, []).append((*map(after.__getitem__, cols), stamp, row.person_id))
            audits.append((operator, row.person_id, JSON(before), JSON(after)))
        for cols, params in groups.items():
            self.bulk.update("person", (*cols, "updated_at"), params)
        self.updates += len(audits)
        self.bulk.insert(insert_sql("audit_log", ("operator", "row_id", "before", "after"),
                                    {"time": stamp, "action": "update", '"table"': "person"}), audits)

    def _cases_and_links(self, rows: list[ImportRow]) -> None:
        """A case per person (new ones with contiguous ids) and the category link."""
        cases, new_cases, case_id = self.plan.cases, [], self.next_case
        mine = set()
        for row in rows:
            pid = row.person_id
            assert pid is not None  # a decided row has its person: found by the planner, or inserted
            if pid not in cases:
                cases[pid] = case_id
                new_cases.append((case_id, pid))
                case_id += 1
            mine.add(cases[pid])
        self.next_case = case_id
        self.bulk.insert(insert_sql("case", CASE_COLS, {"campaign_id": self.plan.campaign_id, "status": "待排查",
                                                        "source": "名单", "created_at": self.stamp,
                                                        "updated_at": self.stamp}), new_cases)
        links = sorted(mine - self.plan.linked)
        self.plan.linked.update(links)
        self.links += len(links)
        self.bulk.insert(insert_sql("case_category", ("case_id",), {"category_id": self.plan.category_id,
                                                                   "source": "名单"}), [(c,) for c in links])

    def _entries(self, rows: list[ImportRow]) -> None:
        """One roster entry per source row whose category data is new for the person; only the
        category fields some row of the chunk holds are bound (the file's columns), the rest stay NULL."""
        rows = [r for r in rows if r.add_entry]
        held = set().union(*(r.entry for r in rows))
        picked = [i for i, name in enumerate(ENTRY_FIELDS) if name in held]
        values = itemgetter(*picked) if len(picked) > 1 else (lambda v, i=picked[0]: (v[i],)) if picked else (lambda v: ())
        cases = self.plan.cases
        # cast: _cases_and_links() has checked that every decided row has its person
        params = [(r.person_id, cases[cast(int, r.person_id)], r.source_row, *values(r.values), r.warning, raw_json(r.raw))
                  for r in rows]
        self.entries += len(params)
        cols = ("person_id", "case_id", "source_row", *(ENTRY_FIELDS[i] for i in picked), "warning", "raw")
        self.bulk.insert(insert_sql("roster_entry", cols, {"batch_id": self.batch_id, "category_id": self.plan.category_id,
                                                           "created_at": self.stamp}), params)

    def finish(self) -> int:
        """After the last chunk is written: the audit rows of accepted ID numbers, the batch's counts
        and its import audit row (with the id ranges undo works by); returns the batch id."""
        audits = [self.first_audit, next_id("audit_log") - 1] if self.updates else None
        overrides = audit_rows([(self.stamp, self.operator, ID_OVERRIDE, "person", r.person_id, None,
                                 JSON({"id_number": r.id_number, "problem": _id_problem(r.id_number),
                                       "reason": r.id_override, "via": "导入", "batch": self.batch_id}))
                                for r in self.overrides])
        counts = batch_counts(self.plan, self.meta)
        ImportBatch.update(**counts, report_path=self.meta.report_path).where(ImportBatch.id == self.batch_id).execute()
        created = {"person": [self.first_person, self.next_person - 1] if self.next_person > self.first_person else None,
                   "case": [self.first_case, self.next_case - 1] if self.next_case > self.first_case else None,
                   "case_category": [self.first_link, self.first_link + self.links - 1] if self.links else None,
                   "village": self.plan.new_villages}
        audit.log("import", "import_batch", self.batch_id, None, {
            "file": self.meta.file_name, "sha256": self.meta.sha256, "category": self.meta.category_code, **counts,
            "entries": self.entries, "created": created, "audit": audits,
            **({"id_override": overrides} if overrides else {})})
        return self.batch_id



def audit_rows(rows: list[tuple]) -> list[int] | None:
    """Insert audit rows in one go; their id range, or None."""
    if not rows:
        return None
    first = next_id("audit_log")
    db.connection().executemany(AUDIT_SQL, rows)
    return [first, first + len(rows) - 1]


def _id_problem(number: str) -> str:
    """Why an accepted ID number fails its check (for its id_override audit row)."""
    from store.ids import parse_id

    return parse_id(number, override=True).problem


def batch_counts(plan: Plan, meta: BatchMeta) -> dict[str, int]:
    """The counts of a batch: conflicts join the rows rejected while reading."""
    merged = meta.rows - meta.rejected - meta.skipped - len(plan.rows)
    by = Counter(map(attrgetter("outcome"), plan.rows))  # one pass over 50,000 rows
    warned_conflicts = sum(1 for r in plan.rows if r.outcome == "conflict" and r.warning) if by["conflict"] else 0
    return {"rows": meta.rows, "inserted": by["inserted"], "updated": by["updated"],
            "unchanged": by["unchanged"] + merged, "rejected": meta.rejected + by["conflict"],
            "skipped": meta.skipped, "warnings": meta.warnings - warned_conflicts}
