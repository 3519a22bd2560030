"""TUI rows: search keystroke-to-result p95, a case-table page, app start to first frame."""

from __future__ import annotations

import asyncio
import random
import statistics
import subprocess
import sys
import time

from bench.run import ROOT, Context, Row, median_of, percentile

SEARCHES = 40
PAGES = 200
PAGE = 30
STARTS = 3

READY_SCRIPT = """
import time
T0 = time.perf_counter()
import asyncio, sys
from store.db import open_db
from tui.app import make_app
from tui.screens.dashboard import DashboardScreen
open_db(sys.argv[1])
app = make_app(sys.argv[1])
def filled():
    try:
        return app.screen.query_one('#dash-villages').row_count > 0
    except Exception:
        return False
async def auto(pilot):
    while not isinstance(app.screen, DashboardScreen):
        await pilot.pause(0.005)
    drawn = asyncio.Event()
    app.screen.call_after_refresh(drawn.set)
    await drawn.wait()
    print('frame', time.perf_counter() - T0, flush=True)
    while not filled():
        await pilot.pause(0.005)
    print('ready', flush=True)
    app.exit()
app.run(headless=True, auto_pilot=auto, size=(100, 30))
"""


async def _search_latencies(db_path, queries: list[str]) -> list[float]:
    """Type each query key by key into the search screen; the screen times each result."""
    from tui.app import make_app

    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        samples: list[float] = []
        for q in queries:
            await pilot.press("slash")
            screen = app.screen
            for ch in q:
                before = len(screen.latency_ms)
                await pilot.press(ch)
                while len(screen.latency_ms) == before or screen.query_text != screen.query_one("#search-input").value:
                    await pilot.pause(0.001)
            samples.extend(screen.latency_ms)
            await pilot.press("escape")
    return samples


def row_tui_search(ctx: Context) -> None:
    """/ search in the app: keystroke to results on screen, p50 and p95 (ms)."""
    from store.db import close_db, open_db
    from store.schema import db

    open_db(ctx.db_path)
    rng = random.Random(4)
    rows = db.execute_sql('SELECT py_initials FROM "person" ORDER BY id').fetchall()
    queries = [r[0] for r in rng.sample(rows, SEARCHES)]
    samples = asyncio.run(_search_latencies(ctx.db_path, queries))
    close_db()
    ctx.rows.append(Row("tui search keystroke p50", percentile(samples, 50), "ms"))
    ctx.rows.append(Row("tui search keystroke p95", percentile(samples, 95), "ms", None, "p95 <= 50 ms",
                        {"keystrokes": len(samples)}))


def row_tui_case_page(ctx: Context) -> None:
    """A page of the case table (rows of 30 ids at random places), and a filter/sort change."""
    from store.cases import table as case_table
    from store.db import close_db, open_db
    from store.schema import db
    from store.campaign.active import active_campaign_id

    open_db(ctx.db_path)
    cid = active_campaign_id()
    ids = case_table.ordered_ids(case_table.CaseFilter(), cid)
    rng = random.Random(5)
    samples, floor = [], []
    for _ in range(PAGES):
        start = rng.randrange(0, max(1, len(ids) - PAGE))
        page = ids[start:start + PAGE]
        t0 = time.perf_counter()
        case_table.rows_for(page)
        samples.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        db.execute_sql(f'SELECT * FROM "case" WHERE id IN ({",".join("?" * len(page))})', page).fetchall()
        floor.append((time.perf_counter() - t0) * 1000)
    change = {s: median_of(lambda s=s: case_table.ordered_ids(case_table.CaseFilter(), cid, sort=s), ctx.repeat)
              for s in ("village", "name", "last_contact")}
    close_db()
    ctx.rows.append(Row("tui case table page p95", percentile(samples, 95), "ms", statistics.median(floor),
                        "p95 <= 50 ms", {"cases": len(ids)}))
    for sort, took in change.items():
        ctx.rows.append(Row(f"tui case table re-sort ({sort})", took * 1000, "ms", None, "",
                            {"note": "once per filter or sort change"}))


def _wall(cmd: list[str], until: str | None = None) -> float:
    """Wall time from spawning a process until it prints `until` (or exits)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    took = None
    for line in proc.stdout:
        if until and until in line:
            took = time.perf_counter() - start
    proc.wait(timeout=60)
    return took if took is not None else time.perf_counter() - start


def row_tui_start(ctx: Context) -> None:
    """Process start to the dashboard's first frame, and to its numbers; floor: `import textual.app`."""
    cmd = [sys.executable, "-c", READY_SCRIPT, str(ctx.db_path)]
    frame = statistics.median(_wall(cmd, "frame") for _ in range(STARTS))
    ready = statistics.median(_wall(cmd, "ready") for _ in range(STARTS))
    floor = statistics.median(_wall([sys.executable, "-c", "import textual.app"]) for _ in range(STARTS))
    ctx.rows.append(Row("tui start to first frame", frame, "s", floor, "<= 1.5 s"))
    ctx.rows.append(Row("tui start to dashboard numbers", ready, "s", floor, ""))


ROWS = [row_tui_search, row_tui_case_page, row_tui_start]
