"""CLI start: `info` as a whole process (interpreter start, imports, open, print), against
`python -c pass` run in turn with it (pairs keep a drifting machine fair). Issue 22: typer 0.29
pulled in pydantic on every start (about 0.1 s); typer is pinned below 0.29."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from bench.run import ROOT, Context, Row

RUNS = 9


def _wall(cmd: list[str]) -> float:
    """Wall time of one whole process, output discarded."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def _loaded(module: str) -> bool:
    """Whether importing main.py loads a module (pydantic: the cost typer 0.29 added)."""
    code = f"import sys; import main; print({module!r} in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


def row_cli_start(ctx: Context) -> None:
    """`main.py info` start to exit, median of RUNS, floor: `python -c pass`."""
    import typer

    info = [sys.executable, str(ROOT / "main.py"), "--db", str(ctx.db_path), "info"]
    bare = [sys.executable, "-c", "pass"]
    _wall(info), _wall(bare)  # warm the file cache
    runs = max(RUNS, ctx.repeat)
    pairs = [(_wall(info), _wall(bare)) for _ in range(runs)]
    value = statistics.median(a for a, _ in pairs)
    floor = statistics.median(b for _, b in pairs)
    ctx.rows.append(Row("cli start: info (whole process)", value, "s", floor, "< 1 s",
                        {"runs": runs, "typer": typer.__version__, "pydantic_loaded": _loaded("pydantic")}))


ROWS = [row_cli_start]
