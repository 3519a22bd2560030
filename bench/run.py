"""Benchmark: time each main job at a size against a floor measured in the same run.

    python bench/run.py --size small|town [--repeat 5] [--only find,info]

Every row reports the median (or p50/p95) of several runs and its ratio to a floor: the
cheapest way to do the same work with bare sqlite3 on this machine, measured in this run, so
the machine's noise cancels out. Results go to a table on screen and to bench/results.json.
Later issues add rows in bench/rows_*.py (each module exposes ROWS: list of functions).
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Row:
    """One line of the results table."""

    name: str
    value: float  # seconds (median) or milliseconds for per-query rows (unit says which)
    unit: str
    floor: float | None = None
    target: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """value / floor, when there is a floor."""
        return self.value / self.floor if self.floor else None


@dataclass
class Context:
    """What every row gets: the size, repeats and the demo database built at the start."""

    size: str
    repeat: int
    workdir: Path
    db_path: Path
    rows: list[Row] = field(default_factory=list)


def timed(fn: Callable[[], object]) -> float:
    """Wall time of one call, in seconds."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_of(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of several calls."""
    return statistics.median(timed(fn) for _ in range(repeat))


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of a list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


# Code for a child interpreter: its own peak resident memory in bytes. On Linux ru_maxrss is kept
# across fork+exec (the child would report the bench's own peak), so read VmHWM of the new process.
PEAK_BYTES_CODE = """
import sys as _sys
try:
    import resource as _resource
except ImportError:  # Windows: count Python allocations instead
    _resource = None
    import tracemalloc as _tracemalloc
    _tracemalloc.start()


def _peak_bytes():
    try:
        with open('/proc/self/status') as fh:
            return next(int(l.split()[1]) * 1024 for l in fh if l.startswith('VmHWM:'))
    except (OSError, StopIteration):
        pass
    if _resource is not None:
        return _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss * (1 if _sys.platform == 'darwin' else 1024)
    return _tracemalloc.get_traced_memory()[1]
"""


def load_rows() -> list[Callable[[Context], None]]:
    """The row functions of bench/rows_*.py, in file-name order."""
    funcs: list[Callable[[Context], None]] = []
    for path in sorted(Path(__file__).parent.glob("rows_*.py")):
        module = importlib.import_module(f"bench.{path.stem}")
        funcs.extend(module.ROWS)
    return funcs


def print_table(rows: list[Row]) -> None:
    """The results as a plain table."""
    print(f"{'job':<42}{'value':>12}  {'floor':>10}  {'ratio':>7}  target")
    for r in rows:
        ratio = f"{r.ratio:6.2f}x" if r.ratio is not None else "      -"
        floor = f"{r.floor:10.4f}" if r.floor is not None else "         -"
        print(f"{r.name:<42}{r.value:>10.4f}{r.unit:>2}  {floor}  {ratio}  {r.target}")


def main(argv: list[str] | None = None) -> int:
    """Run every row at the given size and write bench/results.json."""
    parser = argparse.ArgumentParser(description="yingbao benchmark")
    parser.add_argument("--size", choices=["small", "town"], default="small")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated substrings of row function names")
    parser.add_argument("--out", default=str(Path(__file__).with_name("results.json")))
    args = parser.parse_args(argv)
    only = [s for s in args.only.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="yingbao-bench-") as tmp:
        ctx = Context(args.size, args.repeat, Path(tmp), Path(tmp) / "town.db")
        for func in load_rows():
            if only and not any(s in func.__name__ for s in only) and func.__name__ != "row_demo_build":
                continue
            func(ctx)
            print_table(ctx.rows[-1:])
    print()
    print_table(ctx.rows)
    result = {
        "size": args.size, "repeat": args.repeat, "python": platform.python_version(),
        "machine": platform.machine(), "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        "rows": [{**asdict(r), "ratio": r.ratio} for r in ctx.rows],
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
