"""A process killed in the middle of a bulk zone assignment leaves all or none of it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from store.town import villages
from store.town import zones
from store.db import close_db
from store.schema import db
from store.campaign.active import active_campaign_id

ROOT = Path(__file__).resolve().parent.parent
N = 4000

CHILD = textwrap.dedent("""
    import os, signal, sys
    from store.db import open_db
    from store.town import zones
    open_db(sys.argv[1])
    real, calls = zones.write_chunk, []
    def dying(sql, rows):
        real(sql, rows)
        calls.append(1)
        if len(calls) == int(sys.argv[4]):
            os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
    zones.write_chunk = dying
    case_ids = [int(x) for x in open(sys.argv[2]).read().split()]
    zones.assign_cases(case_ids, int(sys.argv[3]))
    print("done")
""")


def _town(n: int) -> tuple[int, list[int]]:
    """A village with n unzoned cases, written in bulk; returns (zone id, case ids)."""
    v = villages.create_village("后龙村")
    zone = zones.create_zone(v.id, "东片")
    cid = active_campaign_id()
    with db.atomic():
        con = db.connection()
        con.executemany('INSERT INTO "person" (id, name, village_id, created_at, updated_at) VALUES (?,?,?,?,?)',
                        [(i, f"人{i}", v.id, "2026-01-01", "2026-01-01") for i in range(1, n + 1)])
        con.executemany('INSERT INTO "case" (id, campaign_id, person_id, status, source, created_at, updated_at) '
                        "VALUES (?,?,?,'待排查','名单','2026-01-01','2026-01-01')",
                        [(i, cid, i) for i in range(1, n + 1)])
    return zone.id, list(range(1, n + 1))


def _run(path: Path, ids_file: Path, zone_id: int, kill_after: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, str(path), str(ids_file), str(zone_id), str(kill_after)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_sigkill_during_bulk_assignment_keeps_all_or_nothing(db_path, tmp_path):
    zone_id, case_ids = _town(N)
    audit_before = db.execute_sql('SELECT count(*) FROM "audit_log"').fetchone()[0]
    close_db()
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(" ".join(map(str, case_ids)))
    killed = _run(db_path, ids_file, zone_id, kill_after=3)  # 3 of 8 chunks written, then killed
    assert killed.returncode != 0 and "done" not in killed.stdout
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute('SELECT count(*) FROM "person" WHERE zone_id IS NOT NULL').fetchone()[0] == 0
    assert con.execute('SELECT count(*) FROM "audit_log"').fetchone()[0] == audit_before
    con.close()
    finished = _run(db_path, ids_file, zone_id, kill_after=10**6)
    assert finished.returncode == 0 and "done" in finished.stdout, finished.stderr
    con = sqlite3.connect(db_path)
    assert con.execute('SELECT count(*) FROM "person" WHERE zone_id = ?', (zone_id,)).fetchone()[0] == N
    assert con.execute('SELECT count(*) FROM "audit_log"').fetchone()[0] == audit_before + N
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
