"""Full numbers never reach the history screen, and a reveal says whose numbers it showed (issue 20, 11)."""

from __future__ import annotations

from typer.testing import CliRunner

from main import app
from store.safety import history
from store.db import close_db, open_db
from store.schema import Person
from tui.history_text import field_lines

runner = CliRunner()


def test_a_find_json_query_is_masked_in_history_and_names_the_persons(demo_db):
    person = Person.select().where(Person.id_number.is_null(False), Person.phone.is_null(False)).first()
    number, phone = person.id_number, person.phone.split("/")[0]
    close_db()
    for query in (number, phone):
        result = runner.invoke(app, ["--db", str(demo_db), "find", query, "--json"])
        close_db()
        assert result.exit_code == 0 and number in result.output
    open_db(demo_db)
    reveals = history.town_history(action="reveal").items[:2]
    text = "\n".join(line for change in reveals for line in field_lines(change))
    assert number not in text and phone not in text
    assert number[:6] + "********" + number[-4:] in text and phone[:3] + "****" + phone[-4:] in text
    assert all(person.id in change.after["person_ids"] for change in reveals)
    assert "涉及人员" in text


def test_numbers_in_any_text_field_are_masked_by_content(demo_db):
    from store import audit
    from store.schema import db

    with db.atomic():
        audit.log("update", "case", 1, {"reason": "旧"}, {"reason": "核实 350505199001011234 电话13800001111"})
    change = history.town_history(table="case").items[0]
    assert change.after["reason"] == "核实 350505********1234 电话138****1111"
