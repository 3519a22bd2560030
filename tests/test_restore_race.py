"""A restore and a concurrent import: an import that reports success is never lost.

The import either waits for the restore and lands in the restored database, or finished before the
restore took its lock and is then in the before-restore copy; never in neither (issue 20, item 1).
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.safety import restore as restore_mod
from store.safety.backup import make_backup
from store.db import close_db, open_db
from store.safety.restore import restore
from store.town.villages import create_village, init_town
from tests import import_fixtures as fx
from tests.import_helpers import ident

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def town_db(tmp_path) -> Path:
    """A closed database with the town, a village and one verified backup in 备份 beside it."""
    path = tmp_path / "t.db"
    open_db(path)
    init_town("后龙镇", "泉港区", "测试员")
    create_village("后龙村")
    make_backup(path)
    close_db()
    return path


def persons(path: Path) -> set[str]:
    """ID numbers of the persons in a database file."""
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT id_number FROM person")}
    finally:
        con.close()


def start(*args: str) -> subprocess.Popen:
    """The CLI in a subprocess (stdout and stderr captured)."""
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def one_person_list(folder: Path, seq: int) -> Path:
    """A petition list (category 5) with one person of its own."""
    return fx.write_csv(folder / f"信访{seq}.csv", [["姓名", "身份证号", "村(居)"], [f"张{seq}", ident(seq), "后龙村"]],
                        "utf-8")


def test_an_import_during_the_copy_waits_and_lands_in_the_restored_database(town_db, tmp_path, monkeypatch):
    """Deterministic: an import starts right after the before-restore copy was taken."""
    backup = next((tmp_path / "备份").glob("yingbao-*.db"))
    listed = one_person_list(tmp_path, 1)
    real_copy = restore_mod._copy_aside
    started: list[subprocess.Popen] = []

    def copy_then_import(db_path, aside):
        kept = real_copy(db_path, aside)
        proc = start("--db", str(town_db), "import", str(listed), "--category", "5", "--json")
        started.append(proc)
        try:
            proc.wait(timeout=8)  # the old code let it commit here, then overwrote it
        except subprocess.TimeoutExpired:
            pass  # waiting for the restore, as it should
        return kept

    monkeypatch.setattr(restore_mod, "_copy_aside", copy_then_import)
    out = restore(backup, town_db)
    out_text, err_text = started[0].communicate(timeout=60)
    assert started[0].returncode == 0, err_text
    assert json.loads(out_text)["batch_id"] >= 1
    assert persons(town_db) == {ident(1)}  # the reported import is in the database after the restore
    assert persons(out.aside[0]) == set()


def test_twenty_imports_racing_a_restore_are_never_lost(town_db, tmp_path):
    """Restore started, an import 0.1-1.5 s later; every import reporting success is kept somewhere
    the clerk is told about, and in the restored database unless it finished before the restore."""
    rng = random.Random(20)
    landed = kept_aside = 0
    for run in range(1, 21):
        listed = one_person_list(tmp_path, run)
        rst = start("--db", str(town_db), "restore", "latest", "--yes")
        time.sleep(rng.uniform(0.1, 1.5))
        imp = start("--db", str(town_db), "import", str(listed), "--category", "5", "--json")
        r_out, r_err = rst.communicate(timeout=120)
        i_out, i_err = imp.communicate(timeout=120)
        assert rst.returncode == 0, r_err
        assert "Traceback" not in i_err + r_err
        aside = Path(re.search(r"恢复前的数据库已另存为：(.+)", r_out).group(1).strip())
        if imp.returncode != 0:
            continue  # refused with a message: nothing reported, nothing to find
        final, before = persons(town_db), persons(aside)
        assert ident(run) in final | before, f"run {run}: import reported success but is lost"
        landed += ident(run) in final
        kept_aside += ident(run) in before
        assert final <= {ident(run)}  # the restore brought the backup back: no earlier run's person
    assert landed + kept_aside >= 1
