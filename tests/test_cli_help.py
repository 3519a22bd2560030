"""Every command's --help is Chinese: typer's and click's own words (Usage, Options, Show this
message and exit., [default: ...], metavars) included; only what the clerk types stays ASCII."""

from __future__ import annotations

import re

import typer
from rich.cells import cell_len
from typer.testing import CliRunner

from main import app

runner = CliRunner()
# Values and words the clerk types or sees in file names: command names are added from the app.
TYPED = {
    "JSON", "YYYY", "MM", "DD", "N", "YINGBAO_DB", "csv", "xls", "xlsx", "ods", "docx", "Windows", "crontab",
    "systemd", "latest", "source", "all", "visited", "assessed", "small", "town", "root", "main", "py",
    "path", "kind", "rows", "masked", "progress", "lists", "ledger", "petitions", "report", "notice", "survey",
}


def every_command(cmd, path=()):
    """Paths of the app and all its commands and sub-commands."""
    yield list(path)
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from every_command(sub, (*path, name))


def test_every_help_is_chinese_and_aligned():
    paths = list(every_command(typer.main.get_command(app)))
    allowed = TYPED | {name for p in paths for name in p}
    assert len(paths) > 40
    for path in paths:
        out = runner.invoke(app, [*path, "--help"], terminal_width=80).output
        assert out.startswith("用法：") and "显示本帮助并退出。" in out, path
        words = set(re.findall(r"[A-Za-z][A-Za-z_]*", re.sub(r"--?[a-z][a-z0-9-]*", "", out)))
        assert not words - allowed, (path, words - allowed)
        assert all(cell_len(line) <= 80 for line in out.splitlines() if not line.startswith("用法：")), path


def test_option_help_starts_in_one_column_by_display_width():
    out = runner.invoke(app, ["backup", "--help"]).output
    starts = {cell_len(line[:line.index("保留")]) for line in out.splitlines() if "保留最近" in line}
    assert len(starts) == 1 and "[默认：14；不小于1]" in out
