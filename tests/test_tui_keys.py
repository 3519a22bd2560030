"""Keys typed in one burst (as a terminal delivers them): none lost, none reordered, each reaching
the screen or field that is open by the time it is its turn."""

from __future__ import annotations

from textual import events

from tests.conftest import DEMO_TODAY
from tests.tui_helpers import settle
from tui.app import make_app
from tui.screens.followup import FollowupScreen
from tui.widgets.fields import Field


def burst(app, *keys: str) -> None:
    """Post every key at once, without waiting in between (pilot.press waits after each key)."""
    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


async def test_the_name_typed_with_f2_lands_in_the_form(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        burst(app, "f2", "z", "h", "a", "n", "g")
        await settle(app, pilot)
        assert isinstance(app.screen, FollowupScreen)
        assert app.screen.query_one("#fu-person", Field).value == "zhang"


async def test_enter_moves_on_before_the_next_field_is_typed(db_path):
    app = make_app(db_path, today=DEMO_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        burst(app, "后", "龙", "镇", "enter", "泉", "港", "区", "tab", "a", "b")
        await settle(app, pilot)
        values = [app.screen.query_one(f"#welcome-{k}", Field).value for k in ("town", "district", "operator")]
        assert values == ["后龙镇", "泉港区", "ab"]


async def test_home_end_and_g_go_to_the_first_and_last_row(demo_db):
    from textual.widgets import DataTable

    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        table = app.focused
        assert isinstance(table, DataTable) and table.row_count > 3
        for key, row in (("end", table.row_count - 1), ("home", 0), ("G", table.row_count - 1), ("g", 0)):
            await pilot.press(key)
            await settle(app, pilot)
            assert table.cursor_row == row, key
        await pilot.press("f4")  # the case table pages its 1200 rows: End goes to the last of all
        await settle(app, pilot)
        cases = app.focused
        await pilot.press("end")
        await settle(app, pilot)
        assert cases.at == len(cases.ids) - 1 > 1000
        await pilot.press("g")
        await settle(app, pilot)
        assert cases.at == 0
