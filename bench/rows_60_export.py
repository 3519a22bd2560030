"""Export rows: each export kind at the bench size (queries + file), time and peak memory.

Time: median of ctx.repeat runs in this process. Memory: peak RSS of a fresh subprocess that
opens the database and writes the export once (its own VmHWM: bench.run.PEAK_BYTES_CODE). Floor: the bare base layer writing the same number of
rows and columns of synthetic values (no queries). Target from issue 6: the slowest export under
5 s and under 500 MB at town size.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from bench.run import PEAK_BYTES_CODE, ROOT, Context, Row, median_of

KINDS = ["progress", "lists", "ledger", "spotcheck", "petitions", "report"]
COLUMNS = {"progress": 28, "lists": 11, "ledger": 14, "spotcheck": 11, "petitions": 15, "report": 8}
AS_OF = dt.date.today()

_PEAK = r"""
import json, sys, time
sys.path.insert(0, {root!r})
from store.db import open_db
from exports.common import write_export
open_db({db!r})
start = time.perf_counter()
result = write_export({kind!r}, {out!r})
took = time.perf_counter() - start
print(json.dumps({{"rows": result.rows, "peak": _peak_bytes(), "took": took}}))
"""


def _peak(ctx: Context, kind: str, out: str) -> dict:
    """Run one export in a fresh interpreter; return rows, peak bytes and its time."""
    code = PEAK_BYTES_CODE + _PEAK.format(root=str(ROOT), db=str(ctx.db_path), kind=kind, out=out)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _floor(rows: int, columns: int, path, repeat: int) -> float:
    """The base layer alone: write_table + save of rows x columns synthetic values."""
    from exports.xlsx import Column, add_sheet, new_workbook, save_workbook, write_table

    cols = [Column(f"列{i}", kind="int" if i % 3 == 2 else "text") for i in range(columns)]
    data = [[i if c % 3 == 2 else f"值{(i + c) % 97}" for c in range(columns)] for i in range(max(rows, 1))]

    def write() -> None:
        """One base-layer write of the synthetic table."""
        wb = new_workbook()
        write_table(add_sheet(wb, "表"), title="标题", subtitle="副标题", columns=cols, rows=data)
        save_workbook(wb, path)

    return median_of(write, repeat)


def row_exports(ctx: Context) -> None:
    """Every export kind: median time against the bare base-layer floor, and peak memory."""
    from exports.common import suffix, write_export
    from store.db import close_db, open_db

    open_db(ctx.db_path)
    measured = []
    for kind in KINDS:
        out = ctx.workdir / f"export-{kind}{suffix(kind)}"
        took = median_of(lambda kind=kind, out=out: write_export(kind, out, as_of=AS_OF), ctx.repeat)
        rows = write_export(kind, out, as_of=AS_OF).rows
        floor = _floor(rows, COLUMNS[kind], ctx.workdir / "floor.xlsx", ctx.repeat)
        peak = _peak(ctx, kind, str(ctx.workdir / f"peak-{kind}{suffix(kind)}"))
        measured.append((took, peak["peak"], kind))
        ctx.rows.append(Row(f"export {kind} ({rows} rows)", took, "s", floor, "slowest < 5 s, < 500 MB",
                            {"rows": rows, "peak_rss_mb": round(peak["peak"] / 2**20, 1)}))
    close_db()
    slowest = max(measured)
    ctx.rows.append(Row(f"export slowest: {slowest[2]} peak MB", slowest[1] / 2**20, "MB", None, "< 500 MB",
                        {"max_peak_mb": round(max(m[1] for m in measured) / 2**20, 1)}))


ROWS = [row_exports]
