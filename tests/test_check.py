"""check and damaged files: a Chinese report, exit codes, and every CLI command pointing to restore."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from main import app
from store.safety.check import check_database
from store.db import close_db, open_db
from store.migrations import schema_version
from store.errors import DatabaseDamaged, NotADatabase

runner = CliRunner()


def cli(*args):
    result = runner.invoke(app, list(args))
    close_db()
    return result


def damage_middle(path: Path) -> None:
    """Overwrite pages in the middle of the file (measured: 'database disk image is malformed')."""
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek((size // 2) // 4096 * 4096)
        fh.write(b"\xa5" * 4096 * 4)


def damage_header(path: Path) -> None:
    """Overwrite the header (measured: 'file is not a database')."""
    with path.open("r+b") as fh:
        fh.write(b"garbage!" * 8)


@pytest.fixture
def closed_demo(demo_db) -> Path:
    """The demo town, checkpointed into one file and closed."""
    from store.schema import db

    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_db()
    return demo_db


def test_demo_town_is_clean(closed_demo):
    report = check_database(closed_demo)
    assert report.clean and report.schema_version == schema_version() and not report.problems
    result = cli("--db", str(closed_demo), "check")
    assert result.exit_code == 0 and "检查结果：正常" in result.output
    data = json.loads(cli("--db", str(closed_demo), "check", "--json").output)
    assert data["clean"] is True and data["problems"] == []


@pytest.mark.parametrize("damage", [damage_middle, damage_header])
def test_damaged_file_is_reported_by_check_and_every_command(closed_demo, damage):
    damage(closed_demo)
    report = check_database(closed_demo)
    assert report.damaged and not report.clean and "restore" in report.text()
    runs = [("check",), ("info",), ("find", "zs"), ("backup",), ("demo", "--force"),
            ("init", "--town", "后龙镇", "--district", "泉港区")]
    for args in runs:
        result = cli("--db", str(closed_demo), *args)
        assert result.exit_code == 1, (args, result.output)
        assert "损坏" in result.output and "restore" in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_open_db_verify_refuses_damage(closed_demo):
    damage_middle(closed_demo)
    with pytest.raises(DatabaseDamaged) as info:
        open_db(closed_demo, verify=True)
    assert "restore" in info.value.message
    close_db()


def test_not_a_database_points_to_restore(closed_demo):
    damage_header(closed_demo)
    with pytest.raises(NotADatabase) as info:
        open_db(closed_demo)
    assert "restore" in info.value.message


def test_orphans_foreign_keys_and_bad_ids_are_problems(closed_demo):
    con = sqlite3.connect(closed_demo)
    con.execute("PRAGMA foreign_keys = OFF")
    pid, number = con.execute("SELECT id, id_number FROM person WHERE id_number IS NOT NULL LIMIT 1").fetchone()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    con.execute("UPDATE person SET id_number = ? WHERE id = ?", (wrong, pid))
    con.execute('INSERT INTO "case" (campaign_id, person_id, status, source, created_at, updated_at) '
                "VALUES (1, 999999, '待排查', '名单', '2026-11-29', '2026-11-29')")
    con.execute("INSERT INTO contact (case_id, kind, date, created_at) VALUES (888888, '入户走访', '2026-11-29', "
                "'2026-11-29')")
    con.commit()
    con.close()
    report = check_database(closed_demo)
    text = report.text()
    assert not report.clean and not report.damaged
    assert "排查对象的人员不存在：1 条" in text and "走访记录的排查对象不存在：1 条" in text
    assert "外键检查" in text and "身份证号校验不通过：1 人" in text
    assert wrong not in text and wrong[:6] + "********" + wrong[-4:] in text  # masked
    result = cli("--db", str(closed_demo), "check")
    assert result.exit_code == 1 and "发现" in result.output


def test_newer_schema_and_missing_tables(tmp_path, closed_demo):
    newer = tmp_path / "newer.db"
    shutil.copyfile(closed_demo, newer)
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {schema_version() + 1}")  # newer than this code
    con.commit()
    con.close()
    assert any("较新版本" in p for p in check_database(newer).problems)
    partial = tmp_path / "partial.db"
    con = sqlite3.connect(partial)
    con.execute("CREATE TABLE person (id INTEGER)")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    assert any("缺少数据表" in p for p in check_database(partial).problems)


def test_soft_deleted_parent_is_a_note_not_a_problem(demo_db):
    from store.people.people import delete_person
    from store.schema import Case

    delete_person(Case.select().first().person_id)
    close_db()
    report = check_database(demo_db)
    assert report.clean and any("其人员已删除：1 条" in n for n in report.notes)


@pytest.mark.parametrize("text, expected", [
    ("file is not a database", "已损坏"), ("database disk image is malformed", "restore"),
    ("database is locked", "占用"), ("attempt to write a readonly database", "只读"),
    ("database or disk is full", "磁盘已满"), ("disk I/O error", "读写出错"),
])
def test_translate_sqlite_and_peewee_errors(text, expected):
    import peewee

    from store.db import translate

    for exc in (sqlite3.OperationalError(text), peewee.OperationalError(text)):
        assert expected in translate(exc).message


def _last_backup(path: Path, when) -> None:
    """Record a backup time in the database, as a made backup does."""
    con = sqlite3.connect(path)
    with con:
        con.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('last_backup', ?)",
                    (when.isoformat(timespec="seconds"),))
    con.close()


def test_a_backup_more_than_a_day_old_is_said_in_red(closed_demo):
    import datetime as dt

    now = dt.datetime.now()
    _last_backup(closed_demo, now - dt.timedelta(hours=30))
    result = runner.invoke(app, ["--db", str(closed_demo), "check"], color=True)
    close_db()
    assert result.exit_code == 0  # a warning, not damage: scripts still see a clean database
    line = next(ln for ln in result.output.splitlines() if "上次备份" in ln)
    assert line.startswith("\x1b[1;31m注意：") and "30 小时前，超过一天" in line
    plain = cli("--db", str(closed_demo), "check")
    assert "\x1b[" not in plain.output and "注意：上次备份" in plain.output  # not a terminal: no colour codes
    data = json.loads(cli("--db", str(closed_demo), "check", "--json").output)
    assert data["backup_warning"] and data["last_backup"].startswith(f"{now - dt.timedelta(hours=30):%Y-%m-%d}")
    _last_backup(closed_demo, now - dt.timedelta(hours=2))
    assert "注意" not in cli("--db", str(closed_demo), "check").output


def test_never_backed_up_is_said(closed_demo):
    con = sqlite3.connect(closed_demo)
    with con:
        con.execute("DELETE FROM setting WHERE key = 'last_backup'")
    con.close()
    assert "注意：从未备份" in cli("--db", str(closed_demo), "check").output


def _unwritable_here(monkeypatch):
    """SQLite as in a read-only folder: a read-write open of the file fails; immutable reads work."""
    import store.safety.check as check_mod

    real = check_mod.sqlite3.connect

    def connect(target, *args, **kwargs):
        if "immutable=1" not in str(target):
            raise sqlite3.OperationalError("unable to open database file")
        return real(target, *args, **kwargs)

    monkeypatch.setattr(check_mod.sqlite3, "connect", connect)


def test_a_database_in_a_read_only_folder_is_not_called_damaged(demo_db, monkeypatch):
    """Issue 20, item 5: 「已损坏」 and `restore latest` would throw away everything since the backup."""
    from store.safety.check import check_database
    from store.db import close_db

    close_db()
    _unwritable_here(monkeypatch)
    report = check_database(demo_db)
    text = report.text(color=False)
    assert not report.damaged and "已损坏" not in text and "restore" not in text
    assert "无法写入数据库所在的文件或文件夹" in text and "不是数据库损坏" in text
    assert not report.clean  # exit status 1: something to fix


def test_an_older_database_is_not_called_incomplete(tmp_path):
    """A version-1 file has version 1's tables: check notes the upgrade, raises no false alarm."""
    import shutil
    from pathlib import Path

    from store.safety.check import check_database

    path = tmp_path / "old.db"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema_v1.db", path)
    report = check_database(path)
    assert report.problems == [] and not report.damaged
    assert any("自动升级" in n for n in report.notes)
    # a version-1 copy that lost a table of its own version is still incomplete
    import sqlite3

    with sqlite3.connect(path) as con:
        con.execute('DROP TABLE "notice"')
    assert any("缺少数据表：notice" in p for p in check_database(path).problems)
