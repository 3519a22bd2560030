"""Printing from the app and the CLI: a fake `lp` on PATH stands for the printer and a fake
`soffice` for LibreOffice (an .xlsx / .docx goes to lp as PDF); a missing printer, print command
or LibreOffice gives a Chinese message and the file is kept."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

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
    body = f'echo "$@" >> "{log}"\nread -r first < "$1"; echo "$first" >> "{log}"\n' \
           'echo "request id is 默认-1 (1 file(s))"\n'
    if fail:
        body = f'echo "{fail}" >&2\nexit 1\n'
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return log


def fake_soffice(folder, *, name: str = "soffice", works: bool = True):
    """A LibreOffice that records its arguments and writes <stem>.pdf into --outdir (or writes nothing)."""
    folder.mkdir(exist_ok=True)
    script = folder / name
    log = folder / "soffice.log"
    make = 'name="${last##*/}"; echo "%PDF-1.4 $name" > "$out/${name%.*}.pdf"\n' if works else ""
    script.write_text("#!/bin/sh\n" f'echo "$@" >> "{log}"\n'
                      'prev=""; for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; last="$a"; done\n'
                      + make, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return log


def only_on_path(monkeypatch, folder) -> None:
    """PATH holds the fakes only (this machine may have a real lp or LibreOffice)."""
    monkeypatch.setenv("PATH", str(folder))


def _cli(db, *args):
    result = runner.invoke(cli_app, ["--db", str(db), *args])
    close_db()
    return result


def test_export_print_sends_the_file_to_lp_as_pdf(demo_db, tmp_path, monkeypatch):
    log = fake_lp(tmp_path / "bin")
    office = fake_soffice(tmp_path / "bin")
    only_on_path(monkeypatch, tmp_path / "bin")
    out = tmp_path / "进度表.xlsx"
    close_db()
    result = _cli(demo_db, "export", "progress", "--out", str(out), "--as-of", "2026-11-29", "--print")
    assert result.exit_code == 0, result.output
    assert "已发送到默认打印机" in result.output and out.exists()
    printed, first_line = log.read_text(encoding="utf-8").splitlines()
    assert printed.endswith("进度表.pdf") and first_line == "%PDF-1.4 进度表.xlsx"
    assert "--headless" in office.read_text(encoding="utf-8") and str(out) in office.read_text(encoding="utf-8")
    assert not Path(printed).parent.exists()  # the temp PDF (personal data) is gone


def test_without_libreoffice_an_office_file_is_not_sent_raw(tmp_path, monkeypatch):
    log = fake_lp(tmp_path / "bin")
    only_on_path(monkeypatch, tmp_path / "bin")
    target = tmp_path / "表.xlsx"
    target.write_bytes(b"x")
    message = printing.print_file(target)
    assert message == f"本机没有可打印 Excel/Word 文件的程序，请用 WPS 或 Excel 打开后打印：{target}"
    assert not log.exists() and target.read_bytes() == b"x"
    fake_soffice(tmp_path / "bin", name="libreoffice", works=False)
    message = printing.print_file(target)
    assert "无法把文件转换为PDF" in message and "文件已保存" in message and not log.exists()
    pdf = tmp_path / "表.pdf"
    pdf.write_bytes(b"%PDF-1.4 x")
    assert printing.print_file(pdf) is None and log.read_text(encoding="utf-8").splitlines()[0] == str(pdf)


def test_no_default_printer_keeps_the_file(demo_db, tmp_path, monkeypatch):
    fake_lp(tmp_path / "bin", fail="lp: Error - no default destination available.")
    fake_soffice(tmp_path / "bin")
    only_on_path(monkeypatch, tmp_path / "bin")
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
    fake_soffice(tmp_path / "bin")
    only_on_path(monkeypatch, tmp_path / "bin")
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
    assert target.exists() and log.read_text(encoding="utf-8").splitlines()[1] == f"%PDF-1.4 {target.name}"
    assert "已发送到默认打印机" in status


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip
