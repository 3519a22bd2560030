"""The spotcheck and overdue commands through CliRunner."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from main import app
from store.db import close_db, open_db
from store.schema import SpotCheck, SpotCheckRound
from tests.conftest import DEMO_TODAY

runner = CliRunner()


def run(*args):
    close_db()
    result = runner.invoke(app, list(args))
    close_db()
    return result


def counts(path):
    open_db(path)
    out = (SpotCheckRound.select().count(), SpotCheck.select().count())
    close_db()
    return out


def test_draw_prints_and_writes_nothing_without_save(demo_db):
    before = counts(demo_db)
    result = run("--db", str(demo_db), "spotcheck", "draw", "--seed", "7", "--village", "后龙村",
                 "--village", "上西村")
    assert result.exit_code == 0, result.output
    assert "未保存" in result.output and "后龙村" in result.output and "********" in result.output
    assert counts(demo_db) == before


def test_draw_json_is_reproducible_and_save_stores_the_same_sample(demo_db):
    args = ["--db", str(demo_db), "spotcheck", "draw", "--seed", "7", "--ratio", "0.3", "--population", "visited"]
    first = json.loads(run(*args, "--json").output)
    assert first == json.loads(run(*args, "--json").output)
    assert first["round_id"] is None and first["sample_size"] == len(first["sample"])
    assert all(len(s["id_number"]) == 18 and "*" in s["id_number"] for s in first["sample"])
    saved = json.loads(run(*args, "--json", "--save", "--date", "2026-11-20", "--checker", "王检查").output)
    assert saved["round_id"] and saved["sample"] == first["sample"]
    open_db(demo_db)
    rnd = SpotCheckRound.get_by_id(saved["round_id"])
    stored = sorted(c.case_id for c in SpotCheck.select().where(SpotCheck.round == rnd.id))
    assert (rnd.seed, rnd.checker, rnd.date) == (7, "王检查", dt.date(2026, 11, 20))
    assert stored == sorted(s["case_id"] for s in first["sample"])


def test_draw_count_and_bad_input(demo_db):
    ok = json.loads(run("--db", str(demo_db), "spotcheck", "draw", "--seed", "1", "--count", "12", "--json").output)
    assert ok["sample_size"] == 12
    for args, needle, code in [
        (["--ratio", "1.5"], "不超过 1", 1), (["--ratio", "三成"], "比例无效", 1),
        (["--village", "火星村"], "找不到村（居）：火星村", 1), (["--population", "some"], "抽查范围", 1),
        (["--count", "999999"], "超过", 1), (["--save", "--date", "2026-02-30"], "日期格式不正确", 2),
    ]:
        result = run("--db", str(demo_db), "spotcheck", "draw", "--seed", "1", *args)
        assert result.exit_code == code and needle in result.output, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    missing_seed = run("--db", str(demo_db), "spotcheck", "draw")
    assert missing_seed.exit_code == 2 and "命令用法有误" in missing_seed.output


def test_overdue_json_and_table(demo_db):
    day = DEMO_TODAY.isoformat()
    items = json.loads(run("--db", str(demo_db), "overdue", "--json", "--date", day).output)
    assert items and {"kind", "label", "village", "person", "due", "days_over"} <= set(items[0])
    assert all(dt.date.fromisoformat(i["due"]) < DEMO_TODAY and i["days_over"] >= 1 for i in items)
    villages = [i["village"] for i in items]
    assert villages == sorted(villages, key=villages.index)  # grouped: each village once, contiguous
    table = run("--db", str(demo_db), "overdue", "--date", day)
    assert table.exit_code == 0 and f"逾期事项 {len(items)} 项" in table.output
    early = json.loads(run("--db", str(demo_db), "overdue", "--json", "--date", "2000-01-01").output)
    assert early == []
    assert "没有逾期事项" in run("--db", str(demo_db), "overdue", "--date", "2000-01-01").output
    bad = run("--db", str(demo_db), "overdue", "--date", "11/29/2026")
    assert bad.exit_code == 2 and "日期格式不正确" in bad.output


def test_overdue_on_an_empty_database(tmp_path):
    db = str(tmp_path / "none.db")
    assert run("--db", db, "overdue").exit_code == 1
