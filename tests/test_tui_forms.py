"""Pilot tests of the forms: F2 follow-up, 研判, benefits, the welcome screen."""

from __future__ import annotations

import datetime as dt

from store import settings
from store.schema import Benefit, BenefitStep, Case, Contact, Village
from tests.conftest import DEMO_TODAY
from tests.tui_helpers import open_case, settle, type_text, waiting_case_found_by_initials
from tui.app import make_app
from tui.screens.case_detail import CaseDetailScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.followup import FollowupScreen
from tui.screens.welcome import WelcomeScreen

SIZE = (100, 30)
NOTE = "电话联系本人"


async def test_f2_with_a_picked_person_in_under_15_keystrokes(demo_db):
    case, initials = waiting_case_found_by_initials()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        keys = ["f2", *initials]
        await pilot.press(*keys)
        await settle(app, pilot)
        keys += ["enter"]
        await pilot.press("enter")
        await settle(app, pilot)
        await type_text(pilot, NOTE)
        keys += ["ctrl+s"]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert len(keys) < 15, keys
        assert isinstance(app.screen, DashboardScreen)
    contact = Contact.get(Contact.case == case.id)
    assert (contact.kind, contact.findings, contact.date) == ("电话回访", NOTE, DEMO_TODAY)
    assert Case.get_by_id(case.id).status == "已联系"  # a call is no home visit


async def test_f2_from_an_open_case_starts_in_the_note(demo_db):
    case = Case.select().where(Case.status == "待排查").order_by(Case.id.desc()).first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "f2")
        assert isinstance(app.screen, FollowupScreen) and app.screen.focused.id == "fu-findings"
        await type_text(pilot, "入户看过")
        await pilot.press("f6", "ctrl+r", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert "入户看过" in str(app.screen.query_one("#cd-parts").render())
    contact = Contact.get(Contact.case == case.id)
    assert contact.kind == "入户走访" and contact.next_followup == DEMO_TODAY + dt.timedelta(days=15)
    assert contact.member_id == case.member_id  # defaults to the member in charge
    assert Case.get_by_id(case.id).next_followup == DEMO_TODAY + dt.timedelta(days=15)


async def test_f2_bad_date_keeps_the_text_and_points_at_the_field(demo_db):
    case = Case.select().where(Case.status == "待排查").first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "f2")
        await type_text(pilot, "说明情况")
        form = app.screen
        form.query_one("#fu-next_followup").value = "2026/13/01"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and form.focused.id == "fu-next_followup"
        assert "日期" in str(form.query_one("#fu-next_followup-error").render())
        assert form.query_one("#fu-findings").text == "说明情况"
        form.query_one("#fu-next_followup").value = "2026年12月6日"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert Contact.get(Contact.case == case.id).next_followup == dt.date(2026, 12, 6)


async def test_esc_with_typed_text_asks_first(demo_db):
    case = Case.select().first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "f2")
        await type_text(pilot, "半句话")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FollowupScreen) and app.screen.query_one("#fu-findings").text == "半句话"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, CaseDetailScreen)
    assert Contact.select().where(Contact.case == case.id, Contact.findings == "半句话").count() == 0


async def test_assess_not_eligible_needs_a_reason_then_goes_to_monitoring(demo_db):
    case = Case.select().where(Case.status == "已走访").first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(CaseDetailScreen(case.id))
        await settle(app, pilot)
        await pilot.press("j")
        await pilot.pause()
        form = app.screen
        form.query_one("#as-conclusion").value = "不符合"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "原因" in str(form.query_one("#as-reason-error").render())
        form.query_one("#as-reason").focus()
        await type_text(pilot, "收入超标")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
    case = Case.get_by_id(case.id)
    assert (case.conclusion, case.conclusion_reason, case.status) == ("不符合", "收入超标", "动态监测")
    assert case.next_followup == DEMO_TODAY + dt.timedelta(days=30)


async def test_assess_eligible_then_advance_the_benefit(demo_db):
    case = Case.select().where(Case.status == "已走访").first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(CaseDetailScreen(case.id))
        await settle(app, pilot)
        await pilot.press("j")
        await pilot.pause()
        app.screen.query_one("#as-conclusion").value = "符合"
        app.screen.query_one("#as-benefits").focus()
        await pilot.press("space", "ctrl+s")  # the first type: 低保
        await settle(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#bf-status").value = "调查"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    benefit = Benefit.get(Benefit.case == case.id)
    assert (benefit.type, benefit.status) == ("低保", "调查")
    assert [s.status for s in BenefitStep.select().where(BenefitStep.benefit == benefit.id)] == ["申请", "调查"]
    assert Case.get_by_id(case.id).conclusion == "符合"


async def test_welcome_on_an_empty_database_then_demo(db_path):
    app = make_app(db_path, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "乡镇" in str(app.screen.query_one("#welcome-town-error").render())
        await type_text(pilot, "后龙镇")
        await pilot.press("enter")
        await type_text(pilot, "泉港区")
        await pilot.press("enter")
        await type_text(pilot, "王五")
        await pilot.press("enter", "enter")  # the backup folder is optional: Enter there saves
        await settle(app, pilot)
        assert settings.get(settings.TOWN) == "后龙镇" and settings.get(settings.OPERATOR) == "王五"
        assert settings.get(settings.BACKUP_DIR) is None
        await pilot.press("ctrl+d")
        await settle(app, pilot, rounds=8)
        assert isinstance(app.screen, DashboardScreen)
    assert Village.select().count() == 12


async def test_delete_a_contact_after_confirming(demo_db):
    contact = Contact.select().where(Contact.deleted_at.is_null()).first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(CaseDetailScreen(contact.case_id))
        await settle(app, pilot)
        before = len(app.screen.detail.contacts)
        first = app.screen.detail.contacts[0]["id"]
        await pilot.press("d", "enter", "y")
        await settle(app, pilot)
        assert len(app.screen.detail.contacts) == before - 1
    assert Contact.get_by_id(first).deleted_at is not None


async def test_edit_the_person_keeps_search_keys(demo_db):
    from store.people.search import find

    case = Case.select().first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "e")
        form = app.screen
        form.query_one("#pf-name").value = "欧阳修"
        form.query_one("#pf-household_note").text = "独居，子女在外"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert "欧阳修" in str(app.screen.query_one("#cd-person").render())
    assert Case.get_by_id(case.id).person.household_note == "独居，子女在外"
    assert any(h.case_id == case.id for h in find("oyx"))


async def test_a_save_that_meets_a_lock_says_so_and_keeps_the_form(demo_db, monkeypatch):
    import sqlite3

    from store.schema import db

    case = Case.select().where(Case.status == "待排查").first()
    monkeypatch.setattr(db, "_pragmas", [(k, 50 if k == "busy_timeout" else v) for k, v in db._pragmas])
    monkeypatch.setattr(db, "_timeout", 0.05)
    monkeypatch.setattr("tui.errors.time.sleep", lambda _s: None)
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "f2")
        await type_text(pilot, "占用时")
        other = sqlite3.connect(demo_db, timeout=0.05)
        other.execute("BEGIN IMMEDIATE")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FollowupScreen) and form.query_one("#fu-findings").text == "占用时"
        assert any("占用" in n.message for n in app._notifications)
        other.rollback()
        other.close()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
    assert Contact.get(Contact.case == case.id).findings == "占用时"


async def test_navigation_keys_never_leave_a_form_with_typed_text(demo_db):
    case = Case.select().first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "f2")
        await type_text(pilot, "电话里说到一半")
        for key in ("f3", "f4", "f6", "f7", "f8", "f9", "f10", "ctrl+n", "ctrl+l", "ctrl+p"):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, FollowupScreen), key
        assert app.screen.query_one("#fu-findings").text == "电话里说到一半"


async def test_assess_next_check_takes_plus_n_like_f2(demo_db):
    case = Case.select().where(Case.status == "已走访").first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "j")
        form = app.screen
        form.query_one("#as-conclusion").value = "不符合"
        form.query_one("#as-reason").value = "收入超标"
        form.query_one("#as-next_check").value = "+45"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
    assert Case.get_by_id(case.id).next_followup == DEMO_TODAY + dt.timedelta(days=45)
