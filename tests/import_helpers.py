"""Shared helpers for the import tests: valid ID numbers, a small town, running an import, counting rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from importers.load import prepare, run
from store.ids import check_char
from store.schema import db

VILLAGES = ["后龙村", "上西村", "峰前村", "礁头社区"]
TABLES = ["person", "person_key", "case", "case_category", "roster_entry", "import_batch", "audit_log", "village"]


def ident(seq: int, birth: str = "19900101", region: str = "350505") -> str:
    """A valid 18-digit ID number; odd seq = male."""
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + check_char(first17)


def bad_checksum(number: str) -> str:
    """The same number with a wrong check char."""
    return number[:17] + ("0" if number[17] != "0" else "1")


def do_import(path: Path, **options):
    """prepare + run with the given options (category, sheet, overrides, dry_run ...)."""
    keys = ("sheet", "overrides", "category", "header_row")
    prep = prepare(path, **{k: options.pop(k) for k in keys if k in options})
    return run(prep, **options)


def counts() -> dict[str, int]:
    """Row counts of the tables an import writes."""
    return {t: db.execute_sql(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}


def rows_of(summary) -> tuple[int, ...]:
    """(rows, inserted, updated, unchanged, rejected, skipped, warnings) of a summary."""
    return (summary.rows, summary.inserted, summary.updated, summary.unchanged, summary.rejected,
            summary.skipped, summary.warnings)


def person(number: str) -> dict | None:
    """A person's stored columns by ID number."""
    cur = db.execute_sql('SELECT * FROM "person" WHERE id_number = ?', (number,))
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row)) if row else None


def today() -> dt.date:
    """Today (IDs must be born before it)."""
    return dt.date.today()
