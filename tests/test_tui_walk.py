"""Every screen the clerk can reach, at 80x24 and 100x30: no English word outside the allowed
ones (keys, file types, paths) and no ambiguous-width character (two cells on a Chinese Windows
console) anywhere on the rendered terminal. The walk opens screens by the app's keys and by every
command of the palette, so screens added later are walked too."""

from __future__ import annotations

import getpass

import pytest

from tests.conftest import DEMO_TODAY
from tests.screen_walk import problems, walk
from tui.app import make_app


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_every_screen_is_chinese_and_single_width(demo_db, size):
    app = make_app(demo_db, today=DEMO_TODAY)
    seen: dict[str, list[str]] = {}
    async with app.run_test(size=size) as pilot:
        await walk(app, pilot, seen)
    assert len(seen) > 25  # every key and palette command opened something
    found = [p for where, lines in seen.items() for p in problems(lines, where, {getpass.getuser()})]
    assert not found, "\n".join(found[:40])


async def test_the_walk_finds_what_it_should():
    lines = ["F1 帮助  Ctrl+S 保存  /tmp/x/备份.xlsx", "Show this message", "╭──╮"]
    found = problems(lines, "here")
    assert any("'Show'" in p for p in found) and any("ambiguous" in p for p in found)
    assert not problems(lines[:1], "here")
