"""`yingbao export` through CliRunner, and the TUI export screen through Pilot."""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from textual.app import App
from textual.widgets import Input, Select, SelectionList, Static
from typer.testing import CliRunner

import tui.screens.export as export_screen
from exports import atomic
from main import app
from store.db import close_db, open_db
from store.schema import AuditLog
from tests.conftest import DEMO_TODAY

runner = CliRunner()


@pytest.fixture
def demo_file(tmp_path, demo_template):
    """A closed copy of the demo town for the CLI to open."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return path


def run(db, *args):
    result = runner.invoke(app, ["--db", str(db), "export", *args])
    close_db()
    return result


def test_export_json(tmp_path, demo_file):
    out = tmp_path / "进度.xlsx"
    result = run(demo_file, "progress", "--out", str(out), "--as-of", "2026-11-29", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"path": str(out), "kind": "progress", "rows": 12, "masked": True}
    assert openpyxl.load_workbook(out).active["A1"].value == "后龙镇村（居）排查进度表"


def test_every_kind_from_the_cli(tmp_path, demo_file):
    for kind in ("progress", "lists", "ledger", "spotcheck", "petitions", "report"):
        out = tmp_path / f"{kind}.{'docx' if kind == 'report' else 'xlsx'}"
        result = run(demo_file, kind, "--out", str(out), "--village", "上西村", "--village", "峰前村")
        assert result.exit_code == 0 and out.exists(), (kind, result.output)
        assert result.output.startswith("已导出")


def test_no_mask_is_audited(tmp_path, demo_file):
    out = tmp_path / "台账.xlsx"
    result = run(demo_file, "ledger", "--out", str(out), "--village", "上西村", "--no-mask", "--json")
    assert result.exit_code == 0 and json.loads(result.output)["masked"] is False
    open_db(demo_file)
    try:
        row = AuditLog.select().where(AuditLog.action == "export_unmasked").get()
        assert json.loads(row.after)["kind"] == "ledger"
    finally:
        close_db()


@pytest.mark.parametrize("args, code, message", [
    (["--village", "无此村"], 1, "没有这个村（居）：无此村"),
    (["--as-of", "2026-02-30"], 2, "截至日期有误：日期不存在"),
    (["--as-of", "明天"], 2, "截至日期有误：无法识别的日期"),
])
def test_bad_input_is_one_chinese_line(tmp_path, demo_file, args, code, message):
    out = tmp_path / "进度.xlsx"
    result = run(demo_file, "progress", "--out", str(out), *args)
    assert result.exit_code == code and message in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_unknown_kind_and_missing_folder(tmp_path, demo_file):
    result = run(demo_file, "bogus", "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2 and "未知的导出种类" in result.output
    result = run(demo_file, "progress", "--out", str(tmp_path / "无" / "x.xlsx"))
    assert result.exit_code == 1 and "文件夹不存在" in result.output


def test_locked_and_full_disk(tmp_path, demo_file, monkeypatch):
    out = tmp_path / "进度.xlsx"
    monkeypatch.setattr(atomic.os, "replace", lambda a, b: (_ for _ in ()).throw(PermissionError(13, "denied")))
    result = run(demo_file, "progress", "--out", str(out))
    assert result.exit_code == 1 and "正被其他程序" in result.output and not out.exists()
    monkeypatch.undo()
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    result = run(demo_file, "ledger", "--out", str(out))
    assert result.exit_code == 1 and "磁盘空间不足" in result.output and not out.exists()
    assert not list(tmp_path.glob("*.tmp"))


# ---------------------------------------------------------------- the TUI screen


class ExportTestApp(App):
    """A minimal app that only shows the export screen."""

    def on_mount(self) -> None:
        self.push_screen(export_screen.ExportScreen(today=DEMO_TODAY))


async def _settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def documents(tmp_path, monkeypatch):
    folder = tmp_path / "文档"
    folder.mkdir()
    monkeypatch.setattr(export_screen, "documents_dir", lambda: folder)
    return folder


async def test_screen_writes_default_file(demo_db, documents, monkeypatch):
    opened = []
    monkeypatch.setattr(export_screen, "open_with_default_app", lambda p: opened.append(p))
    app = ExportTestApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        path_input = screen.query_one("#export-path", Input)
        assert path_input.value == str(documents / "后龙镇_村居排查进度表_2026-11-29.xlsx")
        screen.query_one("#export-kind", Select).value = "ledger"
        await pilot.pause()
        assert path_input.value.endswith("后龙镇_排查台账_2026-11-29.xlsx")
        screen.query_one("#export-villages", SelectionList).select("上西村")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        status = str(screen.query_one("#export-status", Static).render())
        target = documents / "后龙镇_排查台账_2026-11-29.xlsx"
        assert target.exists() and str(target) in status and "已导出" in status
        assert openpyxl.load_workbook(target).sheetnames == ["上西村"]
        await pilot.press("ctrl+o")
        await _settle(app, pilot)
        assert opened == [target]


async def test_screen_shows_errors_and_keeps_form(demo_db, documents):
    app = ExportTestApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        screen.query_one("#export-asof", Input).value = "2026-13-40"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        status = screen.query_one("#export-status", Static)
        assert "截至日期有误" in str(status.render()) and status.has_class("-error")
        screen.query_one("#export-asof", Input).value = "2026-11-29"
        bad = str(documents / "没有" / "x.xlsx")
        screen.query_one("#export-path", Input).value = bad
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "文件夹不存在" in str(status.render())
        assert screen.query_one("#export-path", Input).value == bad
        assert screen.query_one("#export-open").disabled


def test_open_with_default_app_windows_branch(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(export_screen.os, "name", "nt")
    monkeypatch.setattr(export_screen.os, "startfile", lambda p: calls.append(p), raising=False)
    assert export_screen.open_with_default_app(tmp_path / "a.xlsx") is None
    assert calls == [str(tmp_path / "a.xlsx")]


def test_open_without_an_opener(tmp_path, monkeypatch):
    monkeypatch.setattr(export_screen.os, "name", "posix")
    monkeypatch.setattr(export_screen.shutil, "which", lambda name: None)
    message = export_screen.open_with_default_app(Path(tmp_path / "a.xlsx"))
    assert message and "手动打开" in message
