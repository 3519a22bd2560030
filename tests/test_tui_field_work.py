"""Pilot tests of issue 16: the F2 form's date and participants, 20 calls that leave every 负责人
alone, a category-7 person added from search and from the case table, attachments of a case."""

from __future__ import annotations

import datetime as dt

from store.reports import stats
from store.schema import Attachment, Case, CaseCategory, CaseOrigin, Category, Contact, ContactMember, Member, Person
from store.people.search import find
from tests.conftest import DEMO_TODAY
from tests.tui_helpers import open_case, settle, type_text
from tui.app import make_app
from tui.screens.case_add_form import CaseAddForm
from tui.screens.case_detail import CaseDetailScreen
from tui.screens.followup import FollowupScreen

SIZE = (100, 30)


async def test_f2_visit_on_an_earlier_day_with_two_participants(demo_db):
    case = Case.select().where(Case.status == "待排查", Case.member.is_null(False)).order_by(Case.id).first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "f2")
        form = app.screen
        await type_text(pilot, "周一入户")
        await pilot.press("f6")
        assert "入户走访" in str(form.query_one("#fu-title").render())
        form.query_one("#fu-date").value = "+1"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and form.focused.id == "fu-date"
        assert "不能晚于今天" in str(form.query_one("#fu-date-error").render())
        form.query_one("#fu-date").value = "-2"
        form.query_one("#fu-member").focus()
        await pilot.press("down", "down", "space")  # one more: the second in the list (the first is the 负责人)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
    contact = Contact.get(Contact.case == case.id)
    assert (contact.kind, contact.date, contact.findings) == ("入户走访", DEMO_TODAY - dt.timedelta(days=2), "周一入户")
    who = {cm.member_id for cm in ContactMember.select().where(ContactMember.contact == contact.id)}
    assert case.member_id in who and len(who) == 2
    assert Case.get_by_id(case.id).status == "已走访"


async def test_twenty_calls_in_many_villages_change_no_member_in_charge(demo_db):
    first_of = {}
    for c in Case.select().join(Person).where(Case.deleted_at.is_null()).order_by(Case.id):
        first_of.setdefault(c.person.village_id, []).append(c)
    picked = [c for group in zip(*first_of.values()) for c in group][:20]
    assert len({c.person.village_id for c in picked}) >= 8
    Case.update(member=None).where(Case.id == picked[3].id).execute()  # one nobody is in charge of
    before = {c.id: Case.get_by_id(c.id).member_id for c in picked}
    stranger = Member.select().where(Member.village != picked[0].person.village_id).first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for i, c in enumerate(picked):
            app.push_screen(FollowupScreen(c.id))
            await settle(app, pilot)
            if i == 0:  # the office's 经办人 from another village: the default of every later call
                app.screen.query_one("#fu-member").select(stranger.id)
            await type_text(pilot, "回访")
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert not isinstance(app.screen, FollowupScreen)
    assert {c.id: Case.get_by_id(c.id).member_id for c in picked} == before
    calls = Contact.select().where(Contact.case.in_([c.id for c in picked]), Contact.findings == "回访")
    assert calls.count() == 20 and all(k.member_id for k in calls)  # the 经办人 was filled in each time


def _non_case_person():
    for p in Person.select().where(Person.deleted_at.is_null()).order_by(Person.id):
        if p.cases.count() == 0 and len(p.py_initials) <= 3:
            hits = find(p.py_initials, limit=5)
            if hits and hits[0].person_id == p.id:
                return p
    raise AssertionError("no suitable demo person")


async def test_category_7_person_from_search_is_counted_everywhere(demo_db):
    person = _non_case_person()
    cid = Category.select().first().campaign_id
    before = next(r for r in stats.village_progress(cid, dt.date.today()) if r.id == person.village_id).by_category[7]
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *person.py_initials)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseAddForm) and app.screen.focused.id == "ca-found_by"
        await type_text(pilot, "村主任")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert "入户排查发现（村主任" in str(app.screen.query_one("#cd-parts").render())
    case = Case.get(Case.person == person.id)
    assert [cc.category.code for cc in CaseCategory.select().where(CaseCategory.case == case.id)] == [7]
    assert CaseOrigin.get(CaseOrigin.case == case.id).found_by == "村主任"
    after = next(r for r in stats.village_progress(cid, dt.date.today()) if r.id == person.village_id).by_category[7]
    assert after == before + 1


async def test_new_person_from_the_case_table_and_a_photo(demo_db, tmp_path):
    photo = tmp_path / "林阿婆.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"\x00" * 32)
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, CaseAddForm)
        await type_text(pilot, "林阿婆")
        form.query_one("#ca-id_number").value = "350505193501011238"
        form.query_one("#ca-village").value = "上西村"
        form.query_one("#ca-found_by").value = "包片干部"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        await pilot.press("f")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await type_text(pilot, str(photo))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "林阿婆.jpg" in str(app.screen.query_one("#att-table").get_row_at(0))
    case = Case.select().join(Person).where(Person.name == "林阿婆").get()
    assert case.person.village.name == "上西村" and Attachment.get(Attachment.case == case.id).name == "林阿婆.jpg"


async def test_evidence_for_a_rectification_from_the_case(demo_db, tmp_path):
    from store.schema import Problem, Rectification

    fix = Rectification.select().join(Problem).where(Problem.case.is_null(False), Problem.deleted_at.is_null()).first()
    case_id = fix.problem.case_id
    scan = tmp_path / "整改佐证.pdf"
    scan.write_bytes(b"%PDF-1.4 " + b"0" * 32)
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case_id, "f")
        await pilot.press("a")
        await settle(app, pilot)
        app.screen.query_one("#af-target").value = ("rectification", fix.id)
        await type_text(pilot, str(scan))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    row = Attachment.get(Attachment.name == "整改佐证.pdf")
    assert (row.rectification_id, row.case_id, row.contact_id) == (fix.id, case_id, None)
