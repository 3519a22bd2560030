"""Backup rows: make_backup (copy, fsync, integrity_check, user_version, row counts, rename,
prune, record) of the town-size and district-size databases, against a floor measured in the
same run on the same file: a bare backup-API copy plus PRAGMA integrity_check of the copy.

The district database (1,000,000 persons) takes minutes to build, so it is built once and
cached in the system temp folder (yingbao-bench-district-seed1.db); delete it to rebuild.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench.run import Context, Row

TARGET = "<= 1.5x floor"


def _floor_once(src: Path, work: Path) -> float:
    """A bare sqlite3 backup-API copy of the file plus integrity_check of the copy."""
    dst_path = work / "floor-copy.db"
    start = time.perf_counter()
    src_con, dst_con = sqlite3.connect(src), sqlite3.connect(dst_path)
    src_con.backup(dst_con)
    dst_con.close()
    src_con.close()
    con = sqlite3.connect(dst_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    took = time.perf_counter() - start
    dst_path.unlink()
    return took


def _backup_once(src: Path, work: Path) -> float:
    """make_backup into a fresh folder, everything included."""
    from store.safety.backup import make_backup

    folder = work / "bk"
    start = time.perf_counter()
    make_backup(src, folder)
    took = time.perf_counter() - start
    shutil.rmtree(folder)
    return took


def _measure(ctx: Context, label: str, path: Path, repeat: int) -> None:
    """Alternate floor and backup runs (so drift hits both), report the medians."""
    from store.db import close_db, open_db

    work = ctx.workdir / "backup-bench"
    work.mkdir(exist_ok=True)
    open_db(path)  # as in the CLI: the backup also records LAST_BACKUP and an audit row
    floors, ours = [], []
    for _ in range(repeat):
        floors.append(_floor_once(path, work))
        ours.append(_backup_once(path, work))
    close_db()
    size_mb = path.stat().st_size / 1e6
    ctx.rows.append(Row(f"backup {label} (verified)", statistics.median(ours), "s", statistics.median(floors),
                        TARGET, {"size_mb": round(size_mb, 1), "runs": repeat}))


def row_backup_town(ctx: Context) -> None:
    """Backup of the database built for this run (town size with --size town)."""
    _measure(ctx, ctx.size, ctx.db_path, max(1, min(ctx.repeat, 3)))


def _district_db() -> Path:
    """The cached district-size demo database, built on first use."""
    from store.db import close_db, open_db
    from store.demo.town import build_demo

    path = Path(tempfile.gettempdir()) / "yingbao-bench-district-seed1.db"
    if path.exists() and os.environ.get("YINGBAO_BENCH_REBUILD") != "1":
        return path
    tmp = path.with_name(path.name + ".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    open_db(tmp)
    build_demo(seed=1, size="district")
    close_db()
    os.replace(tmp, path)
    return path


def row_backup_district(ctx: Context) -> None:
    """Backup of the district-size database (1,000,000 persons), cached between runs."""
    started = time.perf_counter()
    path = _district_db()
    built = time.perf_counter() - started
    _measure(ctx, "district", path, max(1, min(ctx.repeat, 2)))
    ctx.rows[-1].extra["prepare_s"] = round(built, 1)


ROWS = [row_backup_town, row_backup_district]
