"""Hostile import files: a tiny xlsx whose used range is huge is refused before the reader (issue 20, 7)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import python_calamine as pc
from importers.errors import ImportFileError
from importers.sniff import sniff
from main import app
from store.db import close_db
from tests import import_fixtures as fx
from tests.import_helpers import ident

runner = CliRunner()
HEADER = ["姓名", "身份证号", "村(居)"]


def hostile(path, far: str):
    """A header, five rows and one cell far away (e.g. XFD60000): about 2 KB zipped."""
    rows = fx.rows_xml([HEADER] + [[f"张{i}", ident(i), "后龙村"] for i in range(1, 6)])
    row = int("".join(ch for ch in far if ch.isdigit()))
    body = rows + f'<row r="{row}"><c r="{far}"><v>1</v></c></row>'
    return fx.write_raw_xlsx(path, {"名单": fx.sheet_xml(body, dimension="A1:C6")})


@pytest.fixture
def no_reader(monkeypatch):
    """The reader must never be reached: calamine would allocate rows x columns cells."""
    def refuse(*args, **kwargs):
        raise AssertionError("calamine opened a hostile file")

    monkeypatch.setattr(pc.CalamineWorkbook, "from_path", refuse)
    monkeypatch.setattr(pc.CalamineWorkbook, "from_filelike", refuse)


@pytest.mark.parametrize("far", ["XFD2000", "XFD8000", "XFD60000", "C1000000", "AMJ99999"])
def test_a_cell_far_away_is_refused_before_reading(tmp_path, no_reader, far):
    path = hostile(tmp_path / "名单.xlsx", far)
    assert path.stat().st_size < 4096
    with pytest.raises(ImportFileError) as info:
        sniff(path)
    assert "数据范围异常" in info.value.message and far in info.value.message


def test_the_cli_refuses_it_in_chinese_and_writes_nothing(tmp_path, db_path, no_reader):
    close_db()
    path = hostile(tmp_path / "名单.xlsx", "XFD60000")
    result = runner.invoke(app, ["--db", str(db_path), "import", str(path), "--category", "5"])
    close_db()
    assert result.exit_code == 2 and "数据范围异常" in result.output and "Traceback" not in result.output


def test_a_normal_wide_list_still_passes(tmp_path):
    wide = [HEADER + [f"列{i}" for i in range(100)]] + [[f"张{r}", ident(r), "后龙村"] + list(range(100))
                                                      for r in range(1, 30)]  # 103 columns, 30 rows
    path = fx.write_xlsx(tmp_path / "宽表.xlsx", {"名单": wide})
    assert sniff(path).kind == "xlsx"
