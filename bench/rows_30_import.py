"""Import rows: a 50,000-row, 15-column list into the demo town, against a floor measured here.

Two lists: one naming residents the town database already holds (90%, 10% of them with a new
phone, plus 10% new persons) - the usual case once the office has its residents - and one where
every person is new (45,000 more persons and about 200,000 search keys to index).

Floor: python-calamine reading the same file plus a bare sqlite3 executemany of its rows into an
empty table. Each run imports into a fresh copy of the demo town (later rows see it untouched).
Peak memory is measured in a fresh subprocess (its own VmHWM; see bench.run.PEAK_BYTES_CODE).
Two more figures explain the ratio: the read alone (read_s) and the import's own bulk writes replayed
with bare executemany on a fresh copy (sql_replay_s); read_plus_sql_x_floor is their sum over the
floor: the least this write plan (these tables, indexes and statements) can cost before a single row
is checked. The import commits without the automatic checkpoint and copies the log into the database
file in the background (store/db.py checkpoint_soon); background_checkpoint_s is that copy's time,
which close_db waits for, outside the import's time. Each import runs as `main.py import` does
(prepare with read_ahead: the stored persons are read while the file is parsed). two_cores_x, taken
before and after the runs, says whether the host gave the machine its two cores meanwhile (1.0) or
about one (2.0): the import's two threads need both, the floor one.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.run import PEAK_BYTES_CODE, Context, Row

N_ROWS = 50_000
HEADER = ["序号", "乡镇", "村(居)", "姓名", "性别", "身份证号", "出生日期", "联系电话", "家庭住址", "与户主关系",
          "就诊医院", "医疗总费用", "报销金额", "自付金额(元)", "备注"]
HOSPITALS = ["泉港区医院", "泉州市第一医院", "福建医科大学附属第二医院", "泉港区中医院"]


def make_list(path: Path, db_path: Path, known_share: float, n_rows: int = N_ROWS, seed: int = 30) -> Path:
    """Write the list: known_share of its rows name persons of the demo town (10% with a new phone), the rest new."""
    from store.demo.town import make_id, person_name
    from tests.import_fixtures import write_big_xlsx

    rng = random.Random(seed)
    con = sqlite3.connect(db_path)
    villages = [r[0] for r in con.execute('SELECT name FROM "village"')]
    known = con.execute('SELECT p.id_number, p.name, v.name, p.phone, p.address, p.relation FROM "person" p JOIN "village" v ON v.id = p.village_id '
                        "ORDER BY p.id LIMIT ?", (int(n_rows * known_share),)).fetchall()
    used = {r[0] for r in con.execute('SELECT id_number FROM "person"')}
    con.close()
    rows = []
    for i in range(n_rows):
        if known and rng.random() < known_share:
            number, name, village, phone, address, relation = known.pop()
            phone = phone if phone and rng.random() < 0.9 else "13" + f"{rng.randrange(10**9):09d}"
        else:
            birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 30_000))
            number, name = make_id(rng, birth, rng.random() < 0.5, used), person_name(rng)
            village = rng.choice(villages)
            phone = "13" + f"{rng.randrange(10**9):09d}"
            address, relation = f"{village}{rng.randint(1, 200)}号", "户主"
        paid = round(rng.uniform(42_000, 120_000), 2)
        reimb = round(paid * rng.uniform(0.5, 2), 2)
        spelling = village if village.endswith("社区") else village + rng.choice(["", "委会", "民委员会"])
        born = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
        rows.append([i + 1, "后龙镇", spelling, name, "男" if int(number[16]) % 2 else "女", number, born,
                     phone, address, relation or "",
                     rng.choice(HOSPITALS), round(paid + reimb, 2), reimb, paid, ""])
    return write_big_xlsx(path, HEADER, n_rows, lambda i: rows[i])


def floor_once(path: Path, workdir: Path) -> float:
    """calamine read of the file plus a bare executemany of its rows into an empty table."""
    import python_calamine as pc

    target = workdir / "import-floor.db"
    target.unlink(missing_ok=True)
    start = time.perf_counter()
    rows = pc.CalamineWorkbook.from_path(path).get_sheet_by_name("名单").to_python(skip_empty_area=False)
    con = sqlite3.connect(target)
    con.execute("CREATE TABLE t (" + ", ".join(f"c{i}" for i in range(15)) + ")")
    con.executemany("INSERT INTO t VALUES (" + ",".join("?" * 15) + ")", rows[1:])
    con.commit()
    con.close()
    return time.perf_counter() - start


def import_once(path: Path, db_copy: Path) -> tuple[float, dict, float]:
    """Open the copy and import the list: (seconds, summary counts, seconds of the log's copy into the
    database file, which runs in the background once the import has committed: close_db waits for it)."""
    from importers.load import prepare, run
    from store.db import close_db, open_db

    open_db(db_copy)
    start = time.perf_counter()
    summary = run(prepare(path, category=3, read_ahead=True))  # as `main.py import` does
    took = time.perf_counter() - start
    close_db()
    return took, summary.as_json(), time.perf_counter() - start - took


def peak_memory_mb(path: Path, db_copy: Path) -> float:
    """Peak resident memory of an import in a fresh subprocess, in MB."""
    root = Path(__file__).resolve().parent.parent
    code = PEAK_BYTES_CODE + (
        "import sys; sys.path.insert(0, %r)\n"
        "from importers.load import prepare, run\nfrom store.db import open_db\n"
        "open_db(%r); run(prepare(%r, category=3, read_ahead=True))\n"
        "print(_peak_bytes() / 2**20)\n"
    ) % (str(root), str(db_copy), str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def read_once(path: Path) -> float:
    """python-calamine reading the file, alone (the floor's first half)."""
    import python_calamine as pc

    start = time.perf_counter()
    pc.CalamineWorkbook.from_path(path).get_sheet_by_name("名单").to_python(skip_empty_area=False)
    return time.perf_counter() - start


def capture_writes(path: Path, db_copy: Path) -> tuple[list[tuple[str, list]], int]:
    """Import once, keeping every bulk write (single-row statement, rows) the import made, and the batch id."""
    import store.imports.bulk as bulk
    import store.imports.write as writes

    captured: list[tuple[str, list]] = []
    originals = bulk.BulkWriter.insert, bulk.BulkWriter.update, writes.audit_rows

    def insert(self, sql, rows):
        captured.append((sql, list(rows)))
        originals[0](self, sql, rows)

    def update(self, table, cols, rows):
        captured.append((f'UPDATE "{table}" SET {", ".join(f"{c} = ?" for c in cols)} WHERE id = ?', list(rows)))
        originals[1](self, table, cols, rows)

    def audit_rows(rows):  # the audit rows of changed persons and accepted ID numbers
        captured.append((writes.AUDIT_SQL, list(rows)))
        return originals[2](rows)

    bulk.BulkWriter.insert, bulk.BulkWriter.update, writes.audit_rows = insert, update, audit_rows
    try:
        _took, counts, _closed = import_once(path, db_copy)
    finally:
        bulk.BulkWriter.insert, bulk.BulkWriter.update, writes.audit_rows = originals
    return captured, counts["batch_id"]


def replay_once(db_copy: Path, captured: list[tuple[str, list]], batch_id: int) -> float:
    """Only the import's own bulk writes, replayed with bare executemany in one transaction (same
    pragmas and page cache as the import): what the import costs SQLite, before any row is read."""
    from store.imports.merge import IMPORT_CACHE_KIB

    con = sqlite3.connect(db_copy, isolation_level=None)
    for pragma in ("journal_mode = wal", "synchronous = full", "foreign_keys = 1", f"cache_size = -{IMPORT_CACHE_KIB}",
                   "temp_store = memory", "wal_autocheckpoint = 0"):  # as the import commits
        con.execute(f"PRAGMA {pragma}")
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.execute('INSERT INTO "import_batch" (id, file_name, sha256, rows, inserted, updated, unchanged, rejected, '
                "skipped, warnings, created_at) VALUES (?, 'bench', '', 0, 0, 0, 0, 0, 0, 0, '2026-01-01')", (batch_id,))
    for sql, rows in captured:
        con.executemany(sql, rows)
    con.execute("COMMIT")
    took = time.perf_counter() - start
    con.close()
    return took


def _lower_bound(ctx: Context, path: Path, floor: float) -> dict:
    """The import's read and its own SQL, each timed alone: no import can take less than their sum."""
    captured, batch_id = capture_writes(path, fresh_copy(ctx, "import-capture.db"))
    reads = [read_once(path) for _ in range(3)]
    replays = [replay_once(fresh_copy(ctx, f"import-replay-{i}.db"), captured, batch_id) for i in range(3)]
    read, replay = statistics.median(reads), statistics.median(replays)
    return {"read_s": round(read, 3), "sql_replay_s": round(replay, 3),
            "read_plus_sql_x_floor": round((read + replay) / floor, 2)}


def fresh_copy(ctx: Context, name: str) -> Path:
    """A copy of the demo town for one run."""
    target = ctx.workdir / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(ctx.db_path, target)
    return target


def two_cores_x() -> float:
    """Wall time of two CPU-bound processes run at once over one run alone: 1.0 when the host gives
    this machine two free cores, 2.0 when they share one. The import's two threads overlap only as
    far as the host lets them; the floor is one thread. Read the ratio with this figure beside it."""
    code = "s = 0\nfor i in range(10_000_000): s += i"

    def wall(n: int) -> float:
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(n)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - start

    return round(statistics.median(wall(2) / wall(1) for _ in range(3)), 2)


def _measure(ctx: Context, label: str, known_share: float, target: str) -> None:
    """One list, several runs against the floor, and the peak memory of one more run."""
    path = make_list(ctx.workdir / f"名单{int(known_share * 100)}.xlsx", ctx.db_path, known_share)
    runs, floors, counts, closes = [], [], {}, []
    cores = [two_cores_x()]
    for i in range(max(3, ctx.repeat)):
        floors.append(floor_once(path, ctx.workdir))
        took, counts, closed = import_once(path, fresh_copy(ctx, f"import-{i % 2}.db"))
        runs.append(took)
        closes.append(closed)
    peak = peak_memory_mb(path, fresh_copy(ctx, "import-mem.db"))
    cores.append(two_cores_x())
    bound = _lower_bound(ctx, path, statistics.median(floors))
    ctx.rows.append(Row(label, statistics.median(runs), "s", statistics.median(floors), target,
                        {"peak_mb": round(peak, 1), "runs": [round(r, 3) for r in runs], "two_cores_x": cores,
                         "background_checkpoint_s": round(statistics.median(closes), 3),
                         "floors": [round(f, 3) for f in floors], "counts": counts, **bound}))


def row_import(ctx: Context) -> None:
    """A 50,000-row list of the town's residents (90% already persons, 10% new) into the demo town."""
    _measure(ctx, f"import {N_ROWS} rows (90% known)", 0.9, "<= 3x floor; peak < 500 MB")


def row_import_all_new(ctx: Context) -> None:
    """The same size with every person new: 45,000 more persons and ~200,000 search keys to index."""
    _measure(ctx, f"import {N_ROWS} rows (all new)", 0.0, "info: all persons new")


ROWS = [row_import, row_import_all_new]
