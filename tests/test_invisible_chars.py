"""Invisible and control characters in names and sheet names (issue 20, item 8)."""

from __future__ import annotations

import sqlite3

from typer.testing import CliRunner

from main import app
from store.db import close_db, open_db
from store.town.villages import create_village, init_town
from tests import import_fixtures as fx
from tests.import_helpers import ident

runner = CliRunner()


def town(tmp_path):
    path = tmp_path / "t.db"
    open_db(path)
    init_town("后龙镇", "泉港区", "测试员")
    create_village("后龙村")
    close_db()
    return path


def test_a_zero_width_space_or_override_in_a_name_is_removed_and_flagged(tmp_path):
    db = town(tmp_path)
    rows = [["姓名", "身份证号", "村(居)"], ["张\u200b三", ident(1), "后龙村"], ["\u202e李四", ident(3), "后龙村"],
            ["王\x1b[31m五", ident(5), "后龙村"]]
    listed = fx.write_csv(tmp_path / "信访.csv", rows, "utf-8")
    result = runner.invoke(app, ["--db", str(db), "import", str(listed), "--category", "5", "--json"])
    close_db()
    assert result.exit_code == 0, result.output
    con = sqlite3.connect(db)
    names = sorted(r[0] for r in con.execute("SELECT name FROM person"))
    con.close()
    assert names == sorted(["张三", "李四", "王[31m五"])
    found = runner.invoke(app, ["--db", str(db), "find", "张三"])
    close_db()
    assert found.exit_code == 0 and "张三" in found.output
    from openpyxl import load_workbook

    report = load_workbook(tmp_path / "信访_导入报告.xlsx", read_only=True)
    text = "".join(str(c) for row in report.active.iter_rows(values_only=True) for c in row if c)
    assert text.count("不可见字符") == 3


def test_control_codes_never_reach_the_terminal(tmp_path):
    db = town(tmp_path)
    listed = fx.write_xlsx(tmp_path / "信访.xlsx", {"名单": [["姓名", "身份证号"], ["张三", ident(1)]]})
    result = runner.invoke(app, ["--db", str(db), "import", str(listed), "--sheet", "x\x1b[2J\u202e"])
    close_db()
    assert result.exit_code != 0
    assert "\x1b" not in result.output and "\u202e" not in result.output and "\\x1b" in result.output
    con = sqlite3.connect(db)
    con.execute("INSERT INTO person (name, created_at, updated_at) VALUES ('赵\x1b[31m六', '2026-01-01', '2026-01-01')")
    con.commit()
    con.close()
    found = runner.invoke(app, ["--db", str(db), "find", "赵"])
    close_db()
    assert "\x1b" not in found.output
