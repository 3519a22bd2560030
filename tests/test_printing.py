"""Printing from the app and the CLI: a fake `lp` on PATH stands for the printer; a missing printer
or print command gives a Chinese message and the file is kept."""

from __future__ import annotations

import os
import stat
import sys

import pytest
from typer.testing import CliRunner

from exports import printing
from main import app as cli_app
from store.db import close_db
from tests.conftest import DEMO_TODAY
from tests.tui_helpers import settle

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the fake lp is a POSIX shell script")
runner = CliRunner()


def fake_lp(folder, *, fail: str | None = None):
    """An `lp` that records its arguments (or fails with lp's own message) in `folder`."""
    folder.mkdir(exist_ok=True)
    script = folder / "lp"
    log = folder / "lp.log"
    body = f'echo "$@" >> "{log}"\necho "request id is 默认-1 (1 file(s))"\n'
    if fail:
        body = f'echo "{fail}" >&2\nexit 1\n'
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return log


def _cli(db, *args):
    result = runner.invoke(cli_app, ["--db", str(db), *args])
    close_db()
    return result


def test_export_print_sends_the_file_to_lp(demo_db, tmp_path, monkeypatch):
    log = fake_lp(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "进度表.xlsx"
    close_db()
    result = _cli(demo_db, "export", "progress", "--out", str(out), "--as-of", "2026-11-29", "--print")
    assert result.exit_code == 0, result.output
    assert "已发送到默认打印机" in result.output and out.exists()
    assert log.read_text(encoding="utf-8").strip() == str(out)


def test_no_default_printer_keeps_the_file(demo_db, tmp_path, monkeypatch):
    fake_lp(tmp_path / "bin", fail="lp: Error - no default destination available.")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "报告.docx"
    close_db()
    result = _cli(demo_db, "export", "report", "--out", str(out), "--print")
    assert result.exit_code == 1 and "没有设置默认打印机" in result.output
    assert "文件已保存" in result.output and out.exists() and out.stat().st_size > 0
    assert "Traceback" not in result.output


def test_no_print_command_keeps_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(printing.shutil, "which", lambda name: None)
    target = tmp_path / "表.xlsx"
    target.write_bytes(b"x")
    message = printing.print_file(target)
    assert "没有打印命令" in message and target.read_bytes() == b"x"
    assert "找不到要打印的文件" in printing.print_file(tmp_path / "没有.xlsx")


def test_windows_uses_the_shell_print_verb(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(printing, "WINDOWS", True)
    monkeypatch.setattr(printing.os, "startfile", lambda path, verb: calls.append((path, verb)), raising=False)
    target = tmp_path / "表.xlsx"
    target.write_bytes(b"x")
    assert printing.print_file(target) is None and calls == [(str(target), "print")]

    def no_printer(path, verb):
        raise OSError(1155, "No application is associated with the specified file for this operation")

    monkeypatch.setattr(printing.os, "startfile", no_printer, raising=False)
    message = printing.print_file(target)
    assert "没有默认打印机" in message and "文件已保存" in message


async def test_ctrl_t_prints_from_the_export_screen(demo_db, tmp_path, monkeypatch):
    from tui.app import make_app
    from tui.screens import export as export_screen
    from tui.screens.export import ExportScreen

    log = fake_lp(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(export_screen, "documents_dir", lambda: tmp_path)
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        status = str(app.screen.query_one("#export-status").render())
    target = tmp_path / "后龙镇_村居排查进度表_2026-11-29.xlsx"
    assert target.exists() and log.read_text(encoding="utf-8").strip() == str(target)
    assert "已发送到默认打印机" in status


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip
