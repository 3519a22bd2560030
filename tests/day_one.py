"""The clerk's first day, built the way the clerk builds it: `init`, this year's campaign, the town's
villages, then the district's lists in the shapes districts send (title rows, committee suffixes,
the town in front, another town's rows, a 合计 row). Nothing visited or decided yet.

Used by tests/test_day_one.py; every figure test that runs on the demo should also run here.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from main import app
from store.db import close_db
from tests.import_fixtures import write_xlsx
from tests.import_helpers import ident

runner = CliRunner()

TOWN, DISTRICT = "后龙镇", "泉港区"
# The office enters seven villages by hand; two more arrive only in the lists (待确认, then created).
REGISTERED = ["后龙村", "上西村", "峰前村", "许厝村", "土坑村", "礁头社区", "前亭村"]
ONLY_IN_LISTS = ["东山村", "坝头村"]
VILLAGES = REGISTERED + ONLY_IN_LISTS
# How the district writes each village: committee suffixes, the town or district in front, spaces.
SPELLINGS = {
    "后龙村": ["后龙村委会", "后龙村民委员会", "后龙镇后龙村", "后龙村"],
    "上西村": ["泉港区后龙镇上西村", "上西村委会", " 上西村 "],
    "峰前村": ["峰前村民委员会", "峰前村"],
    "许厝村": ["许厝村委", "许厝村"],
    "土坑村": ["土坑村", "后龙镇土坑村委会"],
    "礁头社区": ["礁头社区居委会", "礁头社区居民委员会", "礁头社区"],
    "前亭村": ["前亭村委会"],
    "东山村": ["东山村委会", "东山村民委员会"],
    "坝头村": ["坝头村委会"],
}
OTHER_TOWN = "山腰街道"


def cli(*args: str):
    """Run one CLI command in-process, closing the database after it as a separate process would."""
    result = runner.invoke(app, list(args))
    close_db()
    return result


def ok(*args: str) -> str:
    """Run a CLI command that must succeed; its output."""
    result = cli(*args)
    assert result.exit_code == 0, f"{args}: {result.output}"
    return result.output


def as_json(*args: str):
    """A CLI command's --json output (stdout only: notes go to stderr)."""
    result = cli(*args, "--json")
    assert result.exit_code == 0, f"{args}: {result.output}"
    return json.loads(result.stdout)


def _village_cells(count: int) -> list[str]:
    """`count` village cells cycling through every village and every spelling."""
    flat = [spelling for v in VILLAGES for spelling in SPELLINGS[v]]
    return [flat[i % len(flat)] for i in range(count)]


def village_of(cell: str) -> str:
    """The registry village a spelling stands for."""
    return next(v for v, spellings in SPELLINGS.items() if cell in spellings)


def dibao_list(path: Path, n: int = 40) -> tuple[Path, dict[str, int]]:
    """Category 2: 低保 self-paid costs; title rows, 乡镇 column, two rows of another town, 合计.

    Returns the file and the expected persons per village."""
    rows: list[list] = [["2021年低保对象自付医疗费用名单"], ["填报单位：泉港区民政局", "", "", "", "", "单位：元"],
                        ["序号", "乡镇", "村(居)", "户主姓名", "姓名", "身份证号码", "自付金额(元)", "备注"]]
    per_village: dict[str, int] = {}
    for i, cell in enumerate(_village_cells(n)):
        rows.append([i + 1, TOWN, cell, "户主" + str(i), f"低保{i:02d}号", ident(100 + i, "19600101"),
                     12000 + 137.5 * i, ""])
        per_village[village_of(cell)] = per_village.get(village_of(cell), 0) + 1
    rows.append([n + 1, OTHER_TOWN, "某某村委会", "外镇", "外镇甲", ident(900, "19700101"), 15000, ""])
    rows.append([n + 2, OTHER_TOWN, "某某村委会", "外镇", "外镇乙", ident(902, "19700101"), 16000, ""])
    rows.append(["合计", "", "", "", "", "", 999999, ""])
    return write_xlsx(path, {"Sheet1": rows}), per_village


def disability_list(path: Path, n: int = 18, overlap: int = 4) -> tuple[Path, dict[str, int]]:
    """Category 4: new disability certificates; the first `overlap` persons are also on the 低保 list.

    Returns the file and the expected NEW persons per village (those not on the 低保 list)."""
    rows: list[list] = [["2021年以来新增持证残疾人名单"],
                        ["姓名", "性别", "公民身份号码", "残疾类别", "残疾等级", "持证日期", "村居"]]
    per_village: dict[str, int] = {}
    cells = list(reversed(_village_cells(n)))
    for i in range(n):
        number = ident(100 + i, "19600101") if i < overlap else ident(300 + i, "19800505")
        cell = _village_cells(40)[i] if i < overlap else cells[i]
        rows.append([f"残疾{i:02d}号" if i >= overlap else f"低保{i:02d}号", "男" if i % 2 else "女", number,
                     ["肢体", "智力", "精神", "视力"][i % 4], ["一级", "二级", "三级", "四级"][i % 4],
                     dt.date(2025, 1 + i % 12, 1 + i), cell])
        if i >= overlap:
            per_village[village_of(cell)] = per_village.get(village_of(cell), 0) + 1
    return write_xlsx(path, {"残疾人": rows}), per_village


def start_day(db: str) -> None:
    """init, this year's campaign starting today (谋划部署), the villages the office enters by hand."""
    today = dt.date.today()
    ok("--db", db, "init", "--town", TOWN, "--district", DISTRICT, "--operator", "小林")
    ok("--db", db, "campaign", "new", "--year", str(today.year), "--start", today.isoformat())
    for name in REGISTERED:
        ok("--db", db, "village", "add", name)


def first_evening(tmp_path: Path) -> tuple[str, Path, dict[str, int]]:
    """The database on the evening of the first day: start_day, then the 低保 and disability lists,
    nothing visited. Returns the database path, the 低保 list's file and the persons per village."""
    db = str(tmp_path / "town.db")
    start_day(db)
    dibao, per_village = dibao_list(tmp_path / "2021年低保对象自付医疗费用名单.xlsx")
    disabled, new_per_village = disability_list(tmp_path / "2021年以来新增持证残疾人名单.xlsx")
    ok("--db", db, "import", str(dibao), "--category", "2", "--create-villages")
    ok("--db", db, "import", str(disabled), "--category", "4", "--create-villages")
    return db, dibao, {v: per_village.get(v, 0) + new_per_village.get(v, 0) for v in VILLAGES}
