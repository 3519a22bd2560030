"""Clear Chinese sentences instead of raw errors (issue 20, item 15)."""

from __future__ import annotations

import re
import sqlite3

from typer.testing import CliRunner

from main import app
from store.db import close_db, translate
from tests import import_fixtures as fx
from tests.import_helpers import ident

runner = CliRunner()
ENGLISH = re.compile(r"\b(?:should|valid|unable|parse|Input|Error|int)\b")  # pydantic's, click's or Python's


def cli(*args):
    result = runner.invoke(app, [str(a) for a in args])
    close_db()
    return result


def test_import_undo_with_a_huge_or_non_numeric_batch(db_path):
    close_db()
    huge = cli("--db", db_path, "import", "undo", "99999999999999999999")
    assert huge.exit_code == 1 and "找不到第99999999999999999999批导入" in huge.output
    word = cli("--db", db_path, "import", "undo", "abc")
    assert word.exit_code == 2 and "整数" in word.output
    for result in (huge, word):
        assert "程序出错" not in result.output and not ENGLISH.search(result.output)


def test_a_300_character_file_name_is_explained(demo_db, tmp_path):
    close_db()
    long_name = tmp_path / ("长" * 300 + ".xlsx")
    export = cli("--db", demo_db, "export", "ledger", "--out", long_name)
    assert export.exit_code == 1 and "文件名或路径太长" in export.output
    listed = fx.write_csv(tmp_path / "信访.csv", [["姓名", "身份证号", "村(居)"], ["张三", ident(1), "后龙村"],
                                                  ["李四", "123", "后龙村"]], "utf-8")
    report = cli("--db", demo_db, "import", listed, "--category", "5", "--report", long_name)
    assert report.exit_code == 1 and "文件名或路径太长" in report.output and "未写入数据库" in report.output
    source = cli("--db", demo_db, "import", long_name)
    assert source.exit_code == 2 and "无法读取该文件" in source.output
    for result in (export, report, source):
        assert "程序出错" not in result.output and "Traceback" not in result.output


def test_a_full_disk_hidden_by_a_failed_rollback_is_named():
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError:
            # implicit chaining on purpose: translate() must look through __context__
            raise sqlite3.OperationalError("cannot rollback - no transaction is active")  # noqa: B904
    except sqlite3.OperationalError as exc:
        assert translate(exc).message.startswith("磁盘已满")


def test_a_spot_check_round_dated_where_it_could_never_be_recorded_is_refused(demo_db):
    """Issue 20, item 17: 9999-12-31 was saved; results are recorded between its date and today."""
    from store.schema import SpotCheckRound

    before = SpotCheckRound.select().count()
    close_db()
    for day in ("9999-12-31", "2000-01-01"):
        result = cli("--db", demo_db, "spotcheck", "draw", "--seed", "7", "--date", day, "--save")
        assert result.exit_code == 1 and f"抽查日期 {day}" in result.output and "已保存" not in result.output
    ok = cli("--db", demo_db, "spotcheck", "draw", "--seed", "7", "--date", "2026-11-29", "--save")
    assert ok.exit_code == 0 and "已保存为第" in ok.output
    from store.db import open_db

    open_db(demo_db)
    assert SpotCheckRound.select().count() == before + 1


def test_usage_errors_and_confirmations_say_nothing_in_english(tmp_path):
    db = tmp_path / "t.db"
    assert cli("--db", db, "init", "--town", "后龙镇", "--district", "泉港区").exit_code == 0
    for args in (["campaign", "standard", "set", "--kind", "x"], ["find", "zs", "--limit", "0"]):
        result = cli("--db", db, *args)
        assert result.exit_code == 2
        assert not re.search(r"Possible|options|is not in the range", result.output), result.output
    backup = cli("--db", db, "backup", "--dir", tmp_path / "备份")
    assert backup.exit_code == 0, backup.output
    answered = runner.invoke(app, ["--db", str(db), "restore", "latest", "--dir", str(tmp_path / "备份")],
                             input="maybe\n")
    close_db()
    assert answered.exit_code == 1 and "已取消" in answered.output
    assert "Error" not in answered.output and "invalid input" not in answered.output
