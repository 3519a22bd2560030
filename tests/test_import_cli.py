"""`import FILE`, `import undo N`, `import list` through the CLI: exit codes, JSON keys, samples, SIGKILL."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from main import app
from store.db import close_db, open_db
from store.ids import check_char
from store.town.villages import create_village, init_town
from tests import import_fixtures as fx
from tests.import_helpers import ident

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data" / "samples"  # copies of the district-shaped example lists
KEYS = ["rows", "inserted", "updated", "unchanged", "rejected", "skipped", "warnings", "batch_id", "report",
        "unknown_villages", "new_villages"]
runner = CliRunner()


def cli(*args):
    """Run the CLI in-process; close the connection afterwards."""
    result = runner.invoke(app, [str(a) for a in args])
    close_db()
    return result


@pytest.fixture
def town_db(tmp_path) -> Path:
    """A closed database file with the town and two villages."""
    path = tmp_path / "t.db"
    open_db(path)
    init_town("后龙镇", "泉港区", "测试员")
    create_village("后龙村")
    create_village("礁头社区")
    close_db()
    return path


def _write(path: Path, data: bytes) -> Path:
    """Write bytes and return the path."""
    path.write_bytes(data)
    return path


def batches(db: Path) -> int:
    """Import batches in the file."""
    with sqlite3.connect(db) as con:
        return con.execute('SELECT count(*) FROM "import_batch"').fetchone()[0]


def test_import_json_keys_and_counts(town_db, tmp_path):
    rows = [["姓名", "身份证号", "村(居)", "自付金额"], ["张三", ident(1), "后龙村", 20000], ["李四", "123", "后龙村", 1],
            ["合计", "", "", 20001]]
    path = fx.write_csv(tmp_path / "低保.csv", rows, "utf-8")
    result = cli("--db", town_db, "import", path, "--category", 2, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == KEYS and all(isinstance(data[k], int) for k in KEYS[:8])
    assert data["unknown_villages"] == [] and data["new_villages"] == []
    assert (data["rows"], data["inserted"], data["rejected"], data["skipped"], data["batch_id"]) == (3, 1, 1, 1, 1)
    assert data["rows"] == sum(data[k] for k in ("inserted", "updated", "unchanged", "rejected", "skipped"))
    assert data["report"] == str(tmp_path / "低保_导入报告.xlsx")


def test_import_summary_table_dry_run_and_map(town_db, tmp_path):
    rows = [["人员", "证件号码 ", "村(居)"], ["张三", ident(1), "后龙村"]]
    path = fx.write_csv(tmp_path / "信访人员.csv", rows, "gb18030")
    refused = cli("--db", town_db, "import", path)
    assert refused.exit_code == 2 and "缺少必需的列：姓名" in refused.output
    dry = cli("--db", town_db, "import", "--map", "人员=姓名", path, "--dry-run")
    assert dry.exit_code == 0 and "试导入" in dry.stdout and "新增人员" in dry.stdout and batches(town_db) == 0
    done = cli("--db", town_db, "import", path, "--map", "人员=name", "--report", tmp_path / "r.xlsx")
    assert done.exit_code == 0 and "第1批" in done.stdout and batches(town_db) == 1
    again = cli("--db", town_db, "import", path, "--map", "人员=name")
    assert "此前已导入过（第1批）" in again.stdout


@pytest.mark.parametrize("make,message", [
    (lambda p: _write(p / "a.xlsx", b"<html></html>"), "不是有效的Excel文件"),
    (lambda p: fx.encrypted_xlsx_stub(p / "a.xlsx"), "文件已设置密码"),
    (lambda p: fx.write_xlsx(p / "a.xlsx", {"S": [["甲", "乙"], [1, 2]]}), "未找到可识别的表头"),
    (lambda p: fx.sparse_file(p / "a.xlsx", 101 * 1024 * 1024), "超过100MB"),
    (lambda p: fx.write_xlsx(p / "a.xlsx", {"S": [["姓名", "身份证号"]]}), "未发现数据行"),
    (lambda p: fx.write_csv(p / "a.csv", [["姓名", "身份证号"], ["张三", ident(1)]], "utf-8"), "--category"),
    (lambda p: p / "missing.xlsx", "文件不存在"),
])
def test_unreadable_files_exit_2_without_batch(town_db, tmp_path, make, message):
    result = cli("--db", town_db, "import", make(tmp_path))
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and batches(town_db) == 0


def test_undo_and_list(town_db, tmp_path):
    path = fx.write_csv(tmp_path / "信访.csv", [["姓名", "身份证号"], ["张三", ident(1)]], "utf-8")
    assert cli("--db", town_db, "import", path).exit_code == 0
    listed = json.loads(cli("--db", town_db, "import", "list", "--json").stdout)
    assert [(b["id"], b["category"], b["inserted"], b["undone_at"]) for b in listed] == [(1, 5, 1, None)]
    assert "信访.csv" in cli("--db", town_db, "import", "list").stdout
    undone = cli("--db", town_db, "import", "undo", 1)
    assert undone.exit_code == 0 and "已撤销第1批导入" in undone.stdout
    again = cli("--db", town_db, "import", "undo", 1)
    assert again.exit_code == 1 and "已于" in again.output
    assert cli("--db", town_db, "import", "undo", 9).exit_code == 1


def test_long_list_with_progress_bar(town_db, tmp_path):
    rows = [["姓名", "身份证号"]] + [[f"人{i}", ident(i % 500, f"1960{1 + i // 500:02d}01")] for i in range(3500)]
    path = fx.write_csv(tmp_path / "信访.csv", rows, "utf-8")
    result = cli("--db", town_db, "import", path)
    assert result.exit_code == 0 and "3500" in result.stdout


def test_samples_into_demo_town(tmp_path):
    db = tmp_path / "demo.db"
    assert cli("--db", db, "demo").exit_code == 0
    expected = {"2021年以来新增持证残疾人名单.xlsx": (35, 0, 0), "2021年低保对象自付医疗费用名单.xlsx": (61, 1, 3),
                "2021年特困人员医疗费用明细表.xlsx": (40, 0, 0), "社会救助信访人员名单.csv": (15, 0, 0)}
    for name, (rows, skipped, warnings) in expected.items():
        shutil.copy(SAMPLES / name, tmp_path / name)
        data = json.loads(cli("--db", db, "import", tmp_path / name, "--json").stdout)
        assert (data["rows"], data["rejected"], data["skipped"], data["warnings"]) == (rows, 0, skipped, warnings)


def _big_list(path: Path, n: int) -> Path:
    """n distinct valid rows for category 3."""
    def row(i):
        first17 = f"350505{dt.date(1950, 1, 1) + dt.timedelta(days=i // 400):%Y%m%d}{(i % 400) * 2 + 1:03d}"
        return [i + 1, f"张{'三四五六'[i % 4]}", first17 + check_char(first17), "后龙村", 50000 + i % 1000]
    return fx.write_big_xlsx(path, ["序号", "姓名", "身份证号", "村(居)", "自付金额"], n, row)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_mid_import_leaves_database_as_before(town_db, tmp_path):
    big = _big_list(tmp_path / "big.xlsx", 50_000)
    with sqlite3.connect(town_db) as con:
        before = [con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ("person", "import_batch", "audit_log")]
    wal = Path(f"{town_db}-wal")
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(town_db), "import", str(big),
                             "--category", "3", "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while proc.poll() is None and time.time() < deadline:
        if wal.exists() and wal.stat().st_size > 0:  # the transaction is writing its pages
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.returncode != -signal.SIGKILL:
        pytest.skip("the import finished before it could be killed")
    with sqlite3.connect(town_db) as con:
        after = [con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ("person", "import_batch", "audit_log")]
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert after == before


def test_xls_renamed_xlsx_and_ods_import_with_note(town_db, tmp_path):
    rows = [["姓名", "身份证号", "村(居)"], ["张三", ident(1), "后龙村"], ["李四", ident(3), "礁头社区居委会"]]
    renamed = fx.write_xls(tmp_path / "信访名单.xlsx", {"说明": [["填表说明"]], "名单": rows})
    result = cli("--db", town_db, "import", renamed, "--category", 5)
    assert result.exit_code == 0 and "实际格式是Excel 97-2003(.xls)" in result.output and "新增人员" in result.output
    ods = fx.write_ods(tmp_path / "信访名单.ods", {"名单": rows[:1] + [["王五", ident(5), "后龙村"]]})
    data = json.loads(cli("--db", town_db, "import", ods, "--category", 5, "--json").stdout)
    assert (data["rows"], data["inserted"]) == (1, 1)


def test_zip_bomb_refused_without_batch(town_db, tmp_path):
    bomb = fx.zip_bomb(tmp_path / "名单.xlsx", megabytes=120)
    result = cli("--db", town_db, "import", bomb, "--category", 2)
    assert result.exit_code == 2 and "疑似恶意文件" in result.output and batches(town_db) == 0


def test_choices_remembered_per_template(town_db, tmp_path):
    def a_list(name, number):
        return fx.write_xlsx(tmp_path / name, {"名单": [["人员", "证件号码", "村(居)"], ["张三", number, "后龙村"]],
                                               "旧表": [["姓名", "身份证号"], ["旧人", ident(99)]]})
    first = cli("--db", town_db, "import", a_list("八月.xlsx", ident(1)), "--sheet", "名单", "--map", "人员=姓名",
                "--category", 5)
    assert first.exit_code == 0, first.output
    second = cli("--db", town_db, "import", a_list("九月.xlsx", ident(3)), "--category", 5, "--json")
    assert second.exit_code == 0 and "已套用上次导入" in second.stderr
    assert json.loads(second.stdout)["inserted"] == 1
    with sqlite3.connect(town_db) as con:
        names = {r[0] for r in con.execute('SELECT name FROM "person"')}
        kept = con.execute("SELECT count(*) FROM audit_log WHERE action = 'setting'").fetchone()[0]
    assert names == {"张三"} and kept >= 1
