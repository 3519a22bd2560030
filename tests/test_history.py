"""History: a person's or case's changes, the town-wide view, restoring deletions for 30 days."""

from __future__ import annotations

import datetime as dt

import pytest

from store.safety import history
from store.audit import set_session_operator
from store.cases.cases import delete_case, delete_contact, record_contact
from store.errors import StoreError
from store.people.people import delete_person, update_person
from store.schema import Case, Contact, Person, now


def a_case() -> Case:
    return Case.select().where(Case.deleted_at.is_null()).order_by(Case.id).first()


def test_person_history_shows_every_change_masked(demo_db):
    case = a_case()
    person = case.person
    update_person(person.id, address="新地址 1 号", phone="13700003333")
    set_session_operator("李四")
    record_contact(case.id, kind="电话回访", date=dt.date(2026, 11, 29), findings="已回访")
    changes = history.person_history(person.id)
    assert {"修改", "新增"} <= {c.action_label for c in changes}
    update = next(c for c in changes if c.table == "person" and c.action == "update")
    assert update.operator == "测试员" and update.table_label == "人员"
    fields = {k: (b, a) for k, b, a in update.fields()}
    assert fields["address"][1] == "新地址 1 号"
    assert fields["phone"][1] == "137****3333"  # masked unless revealed
    revealed = next(c for c in history.person_history(person.id, reveal=True) if c.id == update.id)
    assert revealed.after["phone"] == "13700003333"
    assert history.town_history(action="reveal").items[0].row_id == person.id  # the reveal is audited
    contact = next(c for c in changes if c.table == "contact")
    assert contact.operator == "李四" and contact.table_label == "走访/回访"
    assert changes == sorted(changes, key=lambda c: (c.time, c.id), reverse=True)
    assert all(c.table in ("person", "case", "contact", "case_category") for c in changes)


def test_case_history_includes_its_contacts(demo_db):
    case = a_case()
    contact = record_contact(case.id, kind="入户走访", date=dt.date(2026, 11, 29))
    got = history.case_history(case.id)
    assert any(c.table == "contact" and c.row_id == contact.id for c in got)
    assert all(c.table != "person" for c in got)


def test_town_history_filters_and_pages(demo_db):
    set_session_operator("王五")
    for i in range(7):
        update_person(Person.select().order_by(Person.id).offset(i).first().id, address=f"改 {i}")
    page = history.town_history(operator="王五", table="person", page=2, page_size=3)
    assert page.total == 7 and page.pages == 3 and len(page.items) == 3
    assert all(c.operator == "王五" and c.action == "update" for c in page.items)
    last = history.town_history(operator="王五", page=3, page_size=3)
    assert len(last.items) == 1
    today = now().date()
    assert history.town_history(operator="王五", since=today, until=today).total == 7
    assert history.town_history(operator="王五", until=today - dt.timedelta(days=1)).total == 0
    assert "王五" in history.operators() and ("person", "人员") in history.tables()


def test_deleted_rows_restore_within_30_days(demo_db):
    case = a_case()
    contact = record_contact(case.id, kind="入户走访", date=dt.date(2026, 11, 29))
    delete_contact(contact.id)
    delete_case(case.id)
    delete_person(case.person_id)
    items = {(d.table, d.row_id) for d in history.deleted_items()}
    assert {("person", case.person_id), ("case", case.id), ("contact", contact.id)} <= items
    with pytest.raises(StoreError) as info:
        history.restore_deleted("contact", contact.id)
    assert "请先恢复排查对象" in info.value.message
    with pytest.raises(StoreError):
        history.restore_deleted("case", case.id)
    history.restore_deleted("person", case.person_id)
    history.restore_deleted("case", case.id)
    history.restore_deleted("contact", contact.id)
    assert Contact.get_by_id(contact.id).deleted_at is None and Case.get_by_id(case.id).deleted_at is None
    assert history.person_history(case.person_id)[0].action_label == "恢复"


def test_older_than_30_days_is_refused(demo_db):
    person = Person.select().order_by(Person.id).first()
    delete_person(person.id)
    later = now() + dt.timedelta(days=31)
    assert all(d.row_id != person.id for d in history.deleted_items(at=later) if d.table == "person")
    with pytest.raises(StoreError) as info:
        history.restore_deleted("person", person.id, at=later)
    assert "已超过30天" in info.value.message
    assert Person.get_by_id(person.id).deleted_at is not None
    with pytest.raises(StoreError):
        history.restore_deleted("village", 1)


def test_references_show_as_names_not_numbers(demo_db):
    from store.schema import Member

    case = a_case()
    member = Member.select().where(Member.active == True).first()  # noqa: E712
    contact = record_contact(case.id, kind="入户走访", date=dt.date(2026, 11, 29), member_ids=[member.id])
    change = next(c for c in history.case_history(case.id) if c.table == "contact" and c.row_id == contact.id)
    fields = {k: a for k, _b, a in change.fields()}
    assert fields["case"] == case.person.name
    listed = [c for c in history.case_history(case.id) if c.table == "contact_member"]
    assert listed and all(c.after.get("member") in (member.name, None) for c in listed)
