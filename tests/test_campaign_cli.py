"""The `campaign` commands through typer's CliRunner: init makes this year's campaign, new, edit,
use, the 低保 standards, carry-over, and exporting an older campaign; errors in one Chinese line."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from main import app
from store.db import close_db

runner = CliRunner()


def cli(*args):
    result = runner.invoke(app, [str(a) for a in args])
    close_db()
    return result


def test_cli_init_makes_this_years_campaign(tmp_path):
    db = tmp_path / "t.db"
    result = cli("--db", db, "init", "--town", "后龙镇", "--district", "泉港区")
    assert result.exit_code == 0 and "本年度整治工作" in result.output
    listed = json.loads(cli("--db", db, "campaign", "list", "--json").output)
    active = [c for c in listed if c["active"]]
    assert len(active) == 1 and active[0]["year"] == dt.date.today().year
    again = cli("--db", db, "init", "--town", "后龙镇", "--district", "泉港区")
    assert "本年度整治工作" not in again.output
    assert len(json.loads(cli("--db", db, "campaign", "list", "--json").output)) == 2


def test_cli_new_edit_use_and_errors(tmp_path):
    db = tmp_path / "t.db"
    cli("--db", db, "init", "--town", "后龙镇", "--district", "泉港区")
    made = cli("--db", db, "campaign", "new", "--year", "2027", "--start", "2027.8.1", "--doc-number", "龙政〔2027〕5号",
               "--report-due", "2027年10月20日")
    assert made.exit_code == 0 and "设为当前" in made.output
    shown = json.loads(cli("--db", db, "campaign", "show", "--json").output)
    assert shown["year"] == 2027 and shown["phases"][0]["start"] == "2027-08-01" and shown["report_due"] == "2027-10-20"
    bad = cli("--db", db, "campaign", "edit", "--phase", "谋划部署,2027-08-01,2027-08-10",
              "--phase", "推动落实,2027-08-05,2027-09-01")
    assert bad.exit_code == 1 and "之后开始" in bad.output
    edited = cli("--db", db, "campaign", "edit", "--phase", "谋划部署,2027-08-01,2027-08-10",
                 "--phase", "推动落实，2027-08-11，2027-09-30", "--category", "8,其他困难群众,1万,2026年1月1日",
                 "--category", "2,,2万,", "--retire", "5")
    assert edited.exit_code == 0, edited.output
    shown = json.loads(cli("--db", db, "campaign", "show", "--json").output)
    assert [p["name"] for p in shown["phases"]] == ["谋划部署", "推动落实"]
    cats = {c["code"]: c for c in shown["categories"]}
    assert 5 not in cats and cats[8]["threshold"] == "10000.00" and cats[2]["threshold"] == "20000.00"
    assert cats[2]["name"].endswith("低保对象")  # an empty field keeps the name
    first = min(c["id"] for c in json.loads(cli("--db", db, "campaign", "list", "--json").output) if c["year"] == 2026)
    assert "已切换到" in cli("--db", db, "campaign", "use", first).output
    assert json.loads(cli("--db", db, "info", "--json").output)["campaign_year"] == 2026
    missing = cli("--db", db, "campaign", "use", "99")
    assert missing.exit_code == 1 and "没有编号为 99" in missing.output
    wrong = cli("--db", db, "campaign", "new", "--year", "2028", "--start", "2028-13-01")
    assert wrong.exit_code == 1 and "没有这一日期" in wrong.output and "Traceback" not in wrong.output


def test_cli_standards_and_carryover(tmp_path):
    db = tmp_path / "t.db"
    assert cli("--db", db, "demo").exit_code == 0
    assert cli("--db", db, "campaign", "standard", "set", "城市", "900", "--since", "2026-01-01").exit_code == 0
    assert "abc" in cli("--db", db, "campaign", "standard", "set", "农村", "abc", "--since", "2026-01-01").output
    listed = cli("--db", db, "campaign", "standard", "list")
    assert "900.00" in listed.output and "1350.00" in listed.output
    made = cli("--db", db, "campaign", "new", "--year", str(dt.date.today().year + 1))
    assert "以前整治工作的未完成事项" in made.output and "动态监测" in made.output
    items = json.loads(cli("--db", db, "campaign", "carryover", "--json").output)
    assert items and {i["kind"] for i in items} >= {"monitoring"}
    assert cli("--db", db, "campaign", "standard", "remove", "城市", "--since", "2026.1.1").exit_code == 0
    assert json.loads(cli("--db", db, "campaign", "standard", "list", "--json").output) == []


def test_cli_export_an_older_campaign(tmp_path):
    db = tmp_path / "t.db"
    assert cli("--db", db, "demo").exit_code == 0
    old = json.loads(cli("--db", db, "campaign", "show", "--json").output)
    cli("--db", db, "campaign", "new", "--year", str(dt.date.today().year + 1))
    new_rows = json.loads(cli("--db", db, "export", "ledger", "--out", tmp_path / "new.xlsx", "--json").output)["rows"]
    result = cli("--db", db, "export", "ledger", "--out", tmp_path / "old.xlsx", "--campaign", old["id"], "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"] == old["cases"] > new_rows == 0
    assert cli("--db", db, "export", "ledger", "--out", tmp_path / "x.xlsx", "--campaign", "77").exit_code == 1


def test_cli_retire_and_reinstate_a_used_category(tmp_path):
    db = tmp_path / "t.db"
    assert cli("--db", db, "demo").exit_code == 0
    retired = cli("--db", db, "campaign", "edit", "--retire", "2")
    assert retired.exit_code == 0 and "第 2 类已停用" in retired.output
    refused = cli("--db", db, "campaign", "edit", "--reinstate", "3")
    assert refused.exit_code == 1 and "没有已停用的第 3 类" in refused.output
    back = cli("--db", db, "campaign", "edit", "--reinstate", "2")
    assert back.exit_code == 0 and "第 2 类已恢复使用" in back.output
    cats = {c["code"]: c for c in json.loads(cli("--db", db, "campaign", "show", "--json").output)["categories"]}
    assert cats[2]["retired_on"] is None and cats[2]["cases"] > 0
