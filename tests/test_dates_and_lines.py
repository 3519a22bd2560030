"""CR-only CSV lines, the 1904 date system, dates before 1900 (issue 20, item 9)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zipfile

import pytest
from typer.testing import CliRunner

from importers.values import parse_date
from main import app
from store.db import close_db, open_db
from store.town.villages import create_village, init_town
from tests import import_fixtures as fx
from tests.import_helpers import ident

runner = CliRunner()


@pytest.fixture
def town(tmp_path):
    path = tmp_path / "t.db"
    open_db(path)
    init_town("后龙镇", "泉港区", "测试员")
    create_village("后龙村")
    close_db()
    return path


def imported(db, path, *extra):
    result = runner.invoke(app, ["--db", str(db), "import", str(path), "--category", "5", *extra])
    close_db()
    return result


def petition_dates(db) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in con.execute("SELECT petition_date FROM roster_entry"))
    finally:
        con.close()


def test_a_csv_with_cr_only_line_ends_is_read(town, tmp_path):
    text = "\r".join(["姓名,身份证号,村(居)", f"张三,{ident(1)},后龙村", f"李四,{ident(3)},后龙村"]) + "\r"
    path = tmp_path / "信访.csv"
    path.write_bytes(text.encode("utf-8"))
    result = imported(town, path)
    assert result.exit_code == 0, result.output
    con = sqlite3.connect(town)
    assert con.execute("SELECT count(*) FROM person").fetchone()[0] == 2
    con.close()


def test_bare_serial_dates_follow_the_workbooks_1904_date_system(town, tmp_path):
    rows = [["姓名", "身份证号", "村(居)", "来访日期"], ["张三", ident(1), "后龙村", 43000]]
    path = fx.write_raw_xlsx(tmp_path / "信访.xlsx", {"名单": fx.sheet_xml(fx.rows_xml(rows))})
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"<sheets>", b'<workbookPr date1904="1"/><sheets>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    result = imported(town, path)
    assert result.exit_code == 0, result.output
    assert petition_dates(town) == [(dt.date(1904, 1, 1) + dt.timedelta(days=43000)).isoformat()]  # 2021-09-23


def test_a_date_before_1900_says_what_it_is():
    with pytest.raises(ValueError) as info:
        parse_date(dt.time(0, 0))
    assert "早于1900年" in str(info.value) and "无法识别的日期格式" not in str(info.value)


def test_one_date_parser_for_forms_cli_and_exports():
    import datetime as dt

    from exports.common import parse_as_of
    from store.followup import parse_date, parse_day

    day = dt.date(2026, 11, 29)
    for text in ("2026-11-29", "2026/11/29", "2026.11.29", "2026年11月29日", "20261129", "２０２６－１１－２９"):
        assert parse_date(text) == parse_as_of(text) == day, text
    assert parse_date("+45", today=day) == parse_day("+45", day) == dt.date(2027, 1, 13)
    assert parse_as_of("-1") == dt.date.today() - dt.timedelta(days=1)


def test_an_address_is_cut_from_the_start_so_the_house_number_stays():
    from rich.cells import cell_len

    from tui.text import cut_start

    shown = cut_start("泉港区后龙镇后龙村北片2组62号", 22)
    assert shown.endswith("北片2组62号") and shown.startswith("...") and cell_len(shown) <= 22
    assert cut_start("后龙村62号", 22) == "后龙村62号"
