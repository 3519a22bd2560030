"""A phone number typed by hand that is no phone (「123」) is a validation error under the phone
field, in the CLI and in the new-case form: nothing is written (it used to say 「已忽略」)."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from main import app as cli_app
from store.db import close_db, open_db
from store.schema import Case, Person
from tests.conftest import DEMO_TODAY
from tests.tui_helpers import settle, type_text

runner = CliRunner()


@pytest.fixture
def demo_file(tmp_path, demo_template):
    """A closed copy of the demo town for the CLI to open."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return path


def _counts(path) -> tuple[int, int]:
    open_db(path)
    try:
        return Person.select().count(), Case.select().count()
    finally:
        close_db()


@pytest.mark.parametrize("phone", ["123", "13800001234/123"])
def test_case_add_with_a_bad_phone_is_refused_and_writes_nothing(demo_file, phone):
    before = _counts(demo_file)
    result = runner.invoke(cli_app, ["--db", str(demo_file), "case", "add", "--name", "林阿婆", "--village", "上西村",
                                     "--found-by", "村主任", "--phone", phone])
    close_db()
    assert result.exit_code == 1
    assert "电话号码无效" in result.output and "「123」" in result.output and "已忽略" not in result.output
    assert _counts(demo_file) == before


async def test_the_new_case_form_shows_the_bad_phone_under_its_field(demo_db):
    from tui.app import make_app
    from tui.screens.case_add_form import CaseAddForm

    before = Person.select().count(), Case.select().count()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, CaseAddForm)
        await type_text(pilot, "林阿婆")
        form.query_one("#ca-phone").value = "123"
        form.query_one("#ca-village").value = "上西村"
        form.query_one("#ca-found_by").value = "包片干部"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        error = str(form.query_one("#ca-phone-error").render())
        assert "电话号码无效" in error and "已忽略" not in error
        assert form.focused is form.query_one("#ca-phone") and form.query_one("#ca-name").value == "林阿婆"
    assert (Person.select().count(), Case.select().count()) == before
