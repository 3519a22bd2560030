"""Files holding personal data are owner-only; temp files a killed command left are swept by its next
run; what the clerk made keeps its mode (issue 20, items 10, 12 and 13)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from main import app
from store.safety.backup import make_backup
from store.db import close_db, open_db
from store.town.villages import create_village, init_town
from tests import import_fixtures as fx
from tests.import_helpers import ident

runner = CliRunner()
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():
    """The umask most systems run with (022): a file created plainly comes out 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@posix_only
def test_the_import_report_with_full_id_numbers_is_owner_only(tmp_path, usual_umask):
    db = tmp_path / "t.db"
    open_db(db)
    init_town("后龙镇", "泉港区", "测试员")
    create_village("后龙村")
    close_db()
    listed = fx.write_csv(tmp_path / "信访.csv", [["姓名", "身份证号", "村(居)"], ["张三", ident(1), "后龙村"],
                                                  ["李四", "123", "后龙村"]], "utf-8")
    result = runner.invoke(app, ["--db", str(db), "import", str(listed), "--category", "5"])
    close_db()
    assert result.exit_code == 0, result.output
    report = tmp_path / "信访_导入报告.xlsx"
    assert report.exists() and mode(report) == 0o600


def test_a_killed_exports_temp_file_is_removed_by_the_next_export(demo_db, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = out / f".台账.{dead_pid()}.k7x2m1ab.tmp"  # a killed --no-mask export: full ID numbers
    dead.write_bytes(b"PK partial")
    old = out / ".台账.q9w8e7r6.tmp"  # the name an older version gave it (no process id), a day old
    old.write_bytes(b"PK partial")
    os.utime(old, (old.stat().st_atime - 86400, old.stat().st_mtime - 86400))
    running = out / f".台账.{os.getpid()}.a1b2c3d4.tmp"  # an export still writing
    running.write_bytes(b"PK partial")
    close_db()
    result = runner.invoke(app, ["--db", str(demo_db), "export", "ledger", "--out", str(out / "台账.xlsx")])
    close_db()
    assert result.exit_code == 0, result.output
    assert not dead.exists() and not old.exists() and running.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted(["台账.xlsx", running.name])


def test_a_killed_backups_temp_copy_is_removed_by_the_next_backup(demo_db, tmp_path):
    folder = tmp_path / "bk"
    folder.mkdir()
    left = folder / f".yingbao-tmp-20261127-210000-{dead_pid()}.db"  # a whole copy of the database
    left.write_bytes(b"\0" * 8192)
    res = make_backup(demo_db, folder)
    assert not left.exists() and [p.name for p in folder.iterdir()] == [res.path.name]


@posix_only
def test_a_read_only_database_stays_read_only(demo_db):
    """The clerk's 0400 protection is not undone by the next command (issue 20, 13)."""
    close_db()
    demo_db.chmod(0o400)
    try:
        runner.invoke(app, ["--db", str(demo_db), "info"])
        close_db()
        assert mode(demo_db) == 0o400
    finally:
        demo_db.chmod(0o600)


@posix_only
def test_backup_dir_never_changes_an_existing_folders_mode(demo_db, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # a shared folder with the sticky bit
    mine = tmp_path / "mine"
    mine.mkdir()
    mine.chmod(0o755)
    link = tmp_path / "link"
    link.symlink_to(mine)
    close_db()
    for folder in (shared, link):
        result = runner.invoke(app, ["--db", str(demo_db), "backup", "--dir", str(folder)])
        close_db()
        assert result.exit_code == 0, result.output
    assert mode(shared) == 0o1777 and mode(mine) == 0o755
    assert all(mode(p) == 0o600 for p in list(shared.iterdir()) + list(mine.iterdir()))
    new = tmp_path / "new" / "bk"
    runner.invoke(app, ["--db", str(demo_db), "backup", "--dir", str(new)])
    close_db()
    assert mode(new) == 0o700  # a folder the backup creates is owner-only
