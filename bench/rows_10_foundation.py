"""Foundation rows: demo build, find (each kind of query), info."""

from __future__ import annotations

import random
import sqlite3
import time

from bench.run import Context, Row, median_of, percentile, timed

QUERIES = 200


def _bare_insert_floor(path, persons: int) -> float:
    """Floor for the demo: bare executemany of as many 15-column rows into an empty table."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (" + ", ".join(f"c{i}" for i in range(15)) + ")")
    rows = [tuple(f"v{i}-{j}" for j in range(15)) for i in range(persons)]
    start = time.perf_counter()
    con.executemany("INSERT INTO t VALUES (" + ",".join("?" * 15) + ")", rows)
    con.commit()
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def row_demo_build(ctx: Context) -> None:
    """Build the demo town once (timed) — every later row uses it."""
    from store.db import close_db, open_db
    from store.demo.town import SIZES, build_demo

    open_db(ctx.db_path)
    took = timed(lambda: build_demo(seed=1, size=ctx.size))
    close_db()
    floor = _bare_insert_floor(ctx.workdir / "floor.db", SIZES[ctx.size].persons)
    ctx.rows.append(Row(f"demo build ({ctx.size})", took, "s", floor, "-",
                        {"persons": SIZES[ctx.size].persons}))


def _queries(kind: str, rng: random.Random) -> list[str]:
    """QUERIES queries of one kind, drawn from real persons of the demo town."""
    from store.schema import db

    rows = db.execute_sql('SELECT name, py_initials, py_full, id_number, phone FROM "person" '
                          "WHERE phone IS NOT NULL ORDER BY random() LIMIT ?", (QUERIES,)).fetchall()
    pick = {
        "initials": lambda r: r[1], "full pinyin": lambda r: r[2], "name": lambda r: r[0],
        "id tail": lambda r: r[3][-rng.randint(4, 6):], "phone": lambda r: r[4],
    }[kind]
    return [pick(r) for r in rows]


def _pk_floor(n: int) -> float:
    """Per-query floor: a bare primary-key lookup through the same connection, in ms (p50)."""
    from store.schema import db

    con = db.connection()
    samples = []
    for i in range(n):
        start = time.perf_counter()
        con.execute('SELECT id, name FROM "person" WHERE id = ?', (i + 1,)).fetchall()
        samples.append((time.perf_counter() - start) * 1000)
    return percentile(samples, 50)


def row_find(ctx: Context) -> None:
    """find(): p50 and p95 over QUERIES queries of each kind, in milliseconds."""
    from store.db import close_db, open_db
    from store.people.search import find

    open_db(ctx.db_path)
    rng = random.Random(2)
    floor = _pk_floor(QUERIES)
    for kind in ("initials", "full pinyin", "name", "id tail", "phone"):
        samples = []
        for q in _queries(kind, rng):
            start = time.perf_counter()
            find(q)
            samples.append((time.perf_counter() - start) * 1000)
        target = "p95 <= 20 ms" if kind == "initials" else ""
        ctx.rows.append(Row(f"find {kind} p50", percentile(samples, 50), "ms", floor))
        ctx.rows.append(Row(f"find {kind} p95", percentile(samples, 95), "ms", floor, target))
    close_db()


def row_info(ctx: Context) -> None:
    """info: all counts plus the campaign, median of repeats; floor is one bare count(*)."""
    from store.reports import queries
    from store.db import close_db, open_db
    from store.schema import db

    open_db(ctx.db_path)
    took = median_of(lambda: (queries.counts(), queries.active_campaign(), queries.town_info()), ctx.repeat)
    tables = [t for t, _live in queries.COUNTED.values()]
    floor = median_of(lambda: [db.execute_sql(f'SELECT count(*) FROM "{t}"').fetchone() for t in tables],
                      ctx.repeat)
    close_db()
    ctx.rows.append(Row("info (counts)", took, "s", floor, "floor: bare count(*) of the same tables"))


ROWS = [row_demo_build, row_find, row_info]
