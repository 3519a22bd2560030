"""Roster import row: a 30,000-row 低保 household roster (户主 then members, 11 columns) into the
demo town, against the list import's floor measured here on the same file.

Floor: python-calamine reading the file plus a bare sqlite3 executemany of its rows into an empty
table (as bench/rows_30_import.py measures it). The import runs as `main.py roster import` does:
prepare_roster (read, header, ID checks, dates, amounts, households) then save_roster (one
transaction, the previous roster of the kind replaced). Each run imports into a fresh copy of the
demo town. two_cores_x (see rows_30_import) says how busy the host was.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from pathlib import Path

from bench.run import Context, Row
from bench.rows_30_import import fresh_copy, two_cores_x

N_ROWS = 30_000


def floor_once(path: Path, workdir: Path) -> float:
    """calamine read of the roster plus a bare executemany of its rows into an empty table."""
    import python_calamine as pc

    target = workdir / "roster-floor.db"
    target.unlink(missing_ok=True)
    start = time.perf_counter()
    rows = pc.CalamineWorkbook.from_path(path).get_sheet_by_name("名单").to_python(skip_empty_area=False)
    con = sqlite3.connect(target)
    width = len(rows[0])
    con.execute("CREATE TABLE t (" + ", ".join(f"c{i}" for i in range(width)) + ")")
    con.executemany("INSERT INTO t VALUES (" + ",".join("?" * width) + ")", rows[1:])
    con.commit()
    con.close()
    return time.perf_counter() - start


def import_once(path: Path, db_copy: Path) -> tuple[float, int]:
    """Open the copy and import the roster: (seconds, persons stored)."""
    from importers.roster import prepare_roster, run_roster
    from store.db import close_db, open_db

    open_db(db_copy)
    start = time.perf_counter()
    saved = run_roster(prepare_roster(path, "低保"))
    took = time.perf_counter() - start
    close_db()
    return took, saved.persons


def row_roster_import(ctx: Context) -> None:
    """A 30,000-row household roster (households of three) into the demo town."""
    from tests.roster_fixtures import big_household_roster

    path = big_household_roster(ctx.workdir / "低保花名册.xlsx", N_ROWS)
    runs, floors, persons = [], [], 0
    cores = [two_cores_x()]
    for i in range(max(3, ctx.repeat)):
        floors.append(floor_once(path, ctx.workdir))
        took, persons = import_once(path, fresh_copy(ctx, f"roster-{i % 2}.db"))
        runs.append(took)
    cores.append(two_cores_x())
    ctx.rows.append(Row(f"roster import {N_ROWS} rows (households)", statistics.median(runs), "s",
                        statistics.median(floors), "<= 3x floor",
                        {"runs": [round(r, 3) for r in runs], "floors": [round(f, 3) for f in floors],
                         "persons": persons, "two_cores_x": cores}))


ROWS = [row_roster_import]
