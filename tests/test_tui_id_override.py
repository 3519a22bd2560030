"""Pilot test of the person form with an ID number that fails its check (BAD_INPUTS row 6): refused
with the reason, the typed values kept, a 「核实说明」 field; saving with a reason accepts it."""

from __future__ import annotations

import json

from store.ids import mask_id
from store.schema import AuditLog, Case
from tests.conftest import DEMO_TODAY
from tests.import_helpers import bad_checksum, ident
from tests.tui_helpers import open_case, settle, type_text
from tui.app import make_app
from tui.screens.case_detail import CaseDetailScreen
from tui.screens.person_form import PersonForm

SIZE = (100, 40)
WRONG = bad_checksum(ident(7, "19500101"))
REASON = "已与户口簿核对"


async def test_a_failed_checksum_needs_a_reason_then_saves_and_shows_the_marker(demo_db):
    case = Case.select().where(Case.deleted_at.is_null()).first()
    old = case.person.id_number
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "e")
        form = app.screen
        assert isinstance(form, PersonForm) and not form.query_one("#pf-override").display
        assert mask_id(old) in str(form.query_one("#pf-id_number-label").render())
        form.query_one("#pf-id_number").focus()
        await type_text(pilot, WRONG.lower())
        form.query_one("#pf-address").value = "后龙村3号"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and form.query_one("#pf-override").display
        error = str(form.query_one("#pf-id_number-error").render())
        assert "校验位错误" in error and "核实说明" in error
        assert form.query_one("#pf-id_number").value == WRONG.lower()
        assert form.query_one("#pf-address").value == "后龙村3号"
        assert form.focused is form.query_one("#pf-id_override_reason")
        await pilot.press("ctrl+s")  # still no reason: refused again, saying one is needed
        await settle(app, pilot)
        assert app.screen is form and "必须填写核实说明" in str(form.query_one("#pf-id_number-error").render())
        await type_text(pilot, REASON)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        shown = str(app.screen.query_one("#cd-person").render())
        assert f"身份证号未通过校验（已核实：{REASON}）" in shown
        assert WRONG not in shown and mask_id(WRONG) in shown
    person = Case.get_by_id(case.id).person
    assert person.id_number == WRONG and person.address == "后龙村3号"
    log = AuditLog.get((AuditLog.action == "id_override") & (AuditLog.row_id == person.id))
    assert json.loads(log.after)["reason"] == REASON
