"""The command line through typer's CliRunner: init, info, find, demo, and bad input."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from main import app
from store.db import close_db
from store.migrations import schema_version

runner = CliRunner()
COUNT_KEYS = ["villages", "members", "zones", "persons", "cases", "roster_entries", "contacts",
              "benefits", "petitions", "spot_checks", "problems", "import_batches", "audit_log"]


def run(*args, env=None):
    result = runner.invoke(app, list(args), env=env)
    close_db()
    return result


def test_demo_then_info_json_counts(tmp_path):
    db = str(tmp_path / "t.db")
    assert run("--db", db, "demo").exit_code == 0
    result = run("--db", db, "info", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in COUNT_KEYS:
        assert isinstance(data[key], int)
        assert (data[key] == 0) == (key == "import_batches"), key
    assert data["schema_version"] == schema_version() and data["town"] == "后龙镇"
    assert 1000 <= data["cases"] <= 1500 and 2500 <= data["persons"] <= 3500


def test_demo_refuses_data_unless_forced(tmp_path):
    db = str(tmp_path / "t.db")
    assert run("--db", db, "demo", "--seed", "3").exit_code == 0
    refused = run("--db", db, "demo")
    assert refused.exit_code == 1 and "--force" in refused.output
    assert run("--db", db, "demo", "--force", "--seed", "3").exit_code == 0
    data = json.loads(run("--db", db, "info", "--json").output)
    assert data["persons"] == 3000


def test_env_var_names_the_database(tmp_path):
    db = tmp_path / "env.db"
    assert run("init", "--town", "后龙镇", "--district", "泉港区", env={"YINGBAO_DB": str(db)}).exit_code == 0
    assert db.exists()


def test_init_is_idempotent(tmp_path):
    db = str(tmp_path / "t.db")
    first = run("--db", db, "init", "--town", "后龙镇", "--district", "泉港区", "--operator", "小林")
    second = run("--db", db, "init", "--town", "后龙镇", "--district", "泉港区", "--operator", "小林")
    assert first.exit_code == second.exit_code == 0
    assert "已设置" in first.output and "无变化" in second.output
    data = json.loads(run("--db", db, "info", "--json").output)
    assert (data["town"], data["district"], data["operator"]) == ("后龙镇", "泉港区", "小林")


def test_find_json_and_table(tmp_path):
    db = str(tmp_path / "t.db")
    run("--db", db, "demo")
    hits = json.loads(run("--db", db, "find", "zs", "--json", "--limit", "5").output)
    assert 1 <= len(hits) <= 5
    for h in hits:
        assert {"name", "id_number", "village", "case_status"} <= set(h)
        assert len(h["id_number"]) == 18
    table = run("--db", db, "find", hits[0]["id_number"][-6:])
    assert table.exit_code == 0 and hits[0]["name"] in table.output
    assert hits[0]["id_number"] not in table.output  # masked on screen
    assert "********" in table.output
    assert run("--db", db, "find", "qqqqqq").exit_code == 1


@pytest.mark.parametrize("setup,needle", [
    (lambda p: p.write_text("hello"), "不是有效的数据库"),
    (lambda p: p.mkdir(), "文件夹"),
])
def test_bad_database_files_give_one_chinese_line(tmp_path, setup, needle):
    path = tmp_path / "bad.db"
    setup(path)
    result = run("--db", str(path), "info")
    assert result.exit_code == 1
    assert needle in result.output and "Traceback" not in result.output


def test_missing_database_for_info(tmp_path):
    result = run("--db", str(tmp_path / "none.db"), "info")
    assert result.exit_code == 1 and "不存在" in result.output


def test_newer_schema_refused_by_cli(tmp_path):
    path = tmp_path / "future.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 9")
    con.execute("CREATE TABLE x (a)")
    con.commit()
    con.close()
    before = path.read_bytes()
    result = run("--db", str(path), "info")
    assert result.exit_code == 1 and "较新版本" in result.output
    assert path.read_bytes() == before


def test_usage_errors_are_chinese(tmp_path):
    result = run("--db", str(tmp_path / "t.db"), "--bogus")
    assert result.exit_code == 2 and "命令用法有误" in result.output
    result = run("--db", str(tmp_path / "t.db"), "demo", "--size", "huge")
    assert result.exit_code == 2 and "未知的规模" in result.output
