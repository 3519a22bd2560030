"""Pilot tests: the person form sets the household (户主, size, income) and 重病; 审核确认 too soon
after 公示 asks for a reason under its field, then saves it; the case detail shows both."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Select

from store.cases import assess
from store.schema import BenefitStep, Case, Household, Person
from tests.conftest import DEMO_TODAY
from tests.tui_helpers import open_case, settle, type_text
from tui.app import make_app
from tui.screens.benefit_form import AdvanceForm
from tui.screens.case_detail import CaseDetailScreen
from tui.screens.person_form import PersonForm

SIZE = (100, 40)


def _waiting_case() -> Case:
    return (Case.select().join(Person).where(Case.status == "待排查", Case.deleted_at.is_null(),
                                              Person.household_code.is_null(), Person.id_number.is_null(False))
            .order_by(Case.id).first())


async def test_person_form_sets_the_household_and_serious_illness(demo_db):
    case = _waiting_case()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "e")
        form = app.screen
        assert isinstance(form, PersonForm)
        form.query_one("#pf-head").value = "本人"
        form.query_one("#pf-size").value = "3"
        form.query_one("#pf-income").value = "九千"
        form.query_one("#pf-serious_illness", Select).value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "数字" in str(form.query_one("#pf-income-error").render())
        assert form.query_one("#pf-head").value == "本人"  # nothing typed is lost
        form.query_one("#pf-income").value = "9000"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        shown = str(app.screen.query_one("#cd-person").render())
        assert "家庭人口3人（已登记1人）" in shown and "年人均收入9000.00元" in shown and "重病" in shown
    person = Person.get_by_id(case.person_id)
    assert (person.household_code, person.relation, person.serious_illness) == (person.id_number, "户主", True)
    hh = Household.get(Household.code == person.id_number)
    assert (hh.size, str(hh.income)) == (3, "9000.00")


async def test_review_too_soon_after_publicity_asks_for_a_reason(demo_db):
    case = _waiting_case()
    (b,) = assess.assess(case.id, "符合", benefit_types=["低保"], on=DEMO_TODAY - dt.timedelta(10))
    assess.advance_benefit(b.id, "公示", on=DEMO_TODAY - dt.timedelta(5))
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "n")
        form = app.screen
        assert isinstance(form, AdvanceForm)
        form.query_one("#bf-status", Select).value = "审核确认"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "公示期应不少于7天" in str(form.query_one("#bf-note-error").render())
        form.query_one("#bf-note").focus()
        await type_text(pilot, "急需保障")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
    step = BenefitStep.get(BenefitStep.benefit == b.id, BenefitStep.status == "审核确认")
    assert step.date == DEMO_TODAY and "急需保障" in step.note


async def test_marked_cases_print_their_households_survey(demo_db, tmp_path):
    import docx
    from textual.widgets import Input

    from tui.screens.cases import CasesScreen
    from tui.screens.export import ExportScreen
    from tui.widgets.paged_table import PagedTable

    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, CasesScreen)
        table = app.screen.query_one(PagedTable)
        marked = table.ids[:2]
        await pilot.press("space", "space", "t")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen) and screen.query_one("#export-survey").display
        assert "选定的 2 个对象" in str(screen.query_one("#export-cases").render())
        target = tmp_path / "入户调查表.docx"
        screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert target.exists(), str(screen.query_one("#export-status").render())
    names = {Case.get_by_id(i).person.name for i in marked}
    text = "\n".join(p.text for p in docx.Document(target).paragraphs)
    assert text.count("困难群众入户调查表") == 2 and all(n in text for n in names)


async def test_a_member_is_added_by_hand_from_the_case_detail(demo_db):
    from store.people.households import set_household
    from tui.screens.household_member_form import HouseholdMemberForm

    case = _waiting_case()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "g")
        form = app.screen
        assert isinstance(form, HouseholdMemberForm) and "尚未设置户主" in str(form.query_one("#hm-household").render())
        form.query_one("#hm-name").value, form.query_one("#hm-relation").value = "王小", "子女"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "户主" in str(form.query_one("#hm-head-error").render())
        await pilot.press("escape", "y")
        await settle(app, pilot)
        set_household(case.person_id, "本人")
        await pilot.press("g")
        await settle(app, pilot)
        form = app.screen
        form.query_one("#hm-name").value, form.query_one("#hm-relation").value = "王小", "子女"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert "已登记2人" in str(app.screen.query_one("#cd-person").render())
    child = Person.get(Person.name == "王小", Person.relation == "子女")
    assert child.household_code == Person.get_by_id(case.person_id).id_number



async def test_a_member_with_a_bad_check_char_asks_for_a_reason_then_saves(demo_db):
    import json

    from store.people.households import set_household
    from store.schema import AuditLog
    from tests.import_helpers import bad_checksum, ident
    from tui.screens.household_member_form import HouseholdMemberForm

    case = _waiting_case()
    set_household(case.person_id, "本人")
    wrong = bad_checksum(ident(8, "20100101"))
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "g")
        form = app.screen
        assert isinstance(form, HouseholdMemberForm) and not form.query_one("#hm-override").display
        form.query_one("#hm-name").value, form.query_one("#hm-relation").value = "王小", "子女"
        form.query_one("#hm-id_number").value = wrong
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and form.query_one("#hm-override").display
        assert "核实说明" in str(form.query_one("#hm-id_number-error").render())
        assert form.focused is form.query_one("#hm-id_override_reason")
        await type_text(pilot, "已与户口簿核对")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
    child = Person.get(Person.name == "王小", Person.relation == "子女")
    assert child.id_number == wrong
    log = AuditLog.get((AuditLog.action == "id_override") & (AuditLog.row_id == child.id))
    assert json.loads(log.after)["reason"] == "已与户口簿核对"
