"""Issue 16, field work: a visit's date and people, 入户 apart from calls, the migration that
takes calls back to 已联系, and category-7 cases added by hand (store and CLI)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from typer.testing import CliRunner

from main import app
from store import migrations
from store.cases import cases
from store.reports import stats
from store.cases.add import NewPerson, add_case
from store.cases.detail import load
from store.cases.table import CaseFilter, ordered_ids
from store.db import close_db, open_db
from store.errors import ValidationError
from store.reports.export_records import ledger_rows
from store.reports.export_rows import export_scope
from store.schema import AuditLog, Case, CaseOrigin, Contact, ContactMember, Member, Person, db
from store.campaign.active import active_campaign_id
from tests.conftest import DEMO_TODAY

runner = CliRunner()
TODAY = dt.date.today()
MONDAY = TODAY - dt.timedelta(days=2)  # reported on 「Wednesday」 for a visit two days before


def _waiting(village_id=None):
    q = Case.select().join(Person).where(Case.status == "待排查", Case.deleted_at.is_null())
    if village_id:
        q = q.where(Person.village == village_id)
    return q.order_by(Case.id).first()


def _village_row(case):
    rows = stats.village_progress(case.campaign_id, TODAY)
    return next(r for r in rows if r.id == case.person.village_id)


def test_a_visit_reported_later_is_dated_the_day_it_happened_everywhere(demo_db):
    case = _waiting()
    members = [m.id for m in Member.select().where(Member.village == case.person.village_id)][:2]
    contact = cases.record_contact(case.id, kind="入户走访", date=MONDAY, findings="周一入户", member_ids=members)
    assert Contact.get_by_id(contact.id).date == MONDAY
    assert [cm.member_id for cm in ContactMember.select().where(ContactMember.contact == contact.id)] == members
    detail = load(case.id, TODAY)
    assert detail.contacts[0]["date"] == MONDAY and "、" in detail.contacts[0]["who"]
    ledger = [r for r in ledger_rows(export_scope(None, None, TODAY)) if r.person == case.person.name]
    assert ledger[0].last_contact == MONDAY and ledger[0].contacts == 1
    before = _village_row(case).visited
    the_day_before = stats.village_progress(case.campaign_id, MONDAY - dt.timedelta(days=1))
    assert next(r for r in the_day_before if r.id == case.person.village_id).visited == before - 1
    with pytest.raises(ValidationError, match="不能晚于今天"):
        cases.record_contact(case.id, kind="电话回访", date=TODAY + dt.timedelta(days=1))


def test_a_call_alone_stays_out_of_the_visit_rate_and_a_home_visit_counts(demo_db):
    case = _waiting()
    start = _village_row(case)
    cases.record_contact(case.id, kind="电话回访", date=TODAY, findings="电话联系")
    cases.record_contact(case.id, kind="微信", date=TODAY, findings="微信联系")
    after_calls = _village_row(case)
    assert Case.get_by_id(case.id).status == "已联系"
    assert (after_calls.visited, after_calls.called) == (start.visited, start.called + 1)
    cases.record_contact(case.id, kind="入户走访", date=TODAY, findings="入户")
    assert Case.get_by_id(case.id).status == "已走访"
    assert _village_row(case).visited == start.visited + 1


def test_deleting_the_only_home_visit_takes_the_case_back(demo_db):
    """A case is 已走访 only while it has a live 入户走访: deleting it takes the case back to 已联系
    (it still has a call), restoring it brings 已走访 back; each change audited."""
    case = _waiting()
    cases.record_contact(case.id, kind="电话回访", date=TODAY, findings="电话联系")
    visit = cases.record_contact(case.id, kind="入户走访", date=TODAY, findings="入户")
    assert Case.get_by_id(case.id).status == "已走访"
    cases.delete_contact(visit.id)
    assert Case.get_by_id(case.id).status == "已联系"
    cases.restore_contact(visit.id)
    assert Case.get_by_id(case.id).status == "已走访"
    changes = AuditLog.select().where(AuditLog.table == "case", AuditLog.row_id == case.id, AuditLog.action == "update")
    assert sum("已联系" in (a.after or "") for a in changes) >= 2  # the call, then the deletion


def test_contacts_never_change_the_member_in_charge(demo_db):
    villages = {}
    for case in Case.select().join(Person).where(Case.deleted_at.is_null()).order_by(Case.id):
        villages.setdefault(case.person.village_id, []).append(case)
    picked = [c for group in villages.values() for c in group[:2]][:20]
    picked[0].member = None  # a case nobody is in charge of stays so
    picked[0].save()
    stranger = Member.select().where(Member.village != picked[1].person.village_id).first()
    before = {c.id: Case.get_by_id(c.id).member_id for c in picked}
    for c in picked:
        cases.record_contact(c.id, kind="电话回访", date=TODAY, member_id=stranger.id, findings="回访")
    assert {c.id: Case.get_by_id(c.id).member_id for c in picked} == before


def _old_database(path):
    """A database at schema 5 (before this issue) with one case 已走访 by a call alone, one by a visit."""
    open_db(path, migrate=False)
    with db.atomic():
        for v in range(1, 6):
            migrations.MIGRATIONS[v]()
        db.execute_sql("PRAGMA user_version = 5")
        sql = db.execute_sql
        sql("INSERT INTO village (id, name, seq, kind, is_demo, created_at) VALUES (1, '后龙村', 1, '村', 0, '2026-01-01')")
        for pid in (1, 2):
            sql("INSERT INTO person (id, name, village_id, created_at, updated_at) "
                f"VALUES ({pid}, '人{pid}', 1, '2026-01-01', '2026-01-01')")
            sql("INSERT INTO \"case\" (id, campaign_id, person_id, status, source, created_at, updated_at) "
                f"VALUES ({pid}, 1, {pid}, '已走访', '名单', '2026-01-01', '2026-01-01')")
        sql("INSERT INTO contact (case_id, kind, date, created_at) VALUES (1, '电话回访', '2026-11-01', '2026-11-01')")
        sql("INSERT INTO contact (case_id, kind, date, created_at) VALUES (2, '入户走访', '2026-11-01', '2026-11-01')")
    close_db()


def test_upgrade_takes_cases_visited_by_a_call_back_to_contacted(tmp_path):
    path = tmp_path / "old.db"
    _old_database(path)
    opened = open_db(path)
    try:
        assert opened.upgraded_from == 5 and opened.upgrade_copy is not None
        assert [Case.get_by_id(i).status for i in (1, 2)] == ["已联系", "已走访"]
        log = AuditLog.get(AuditLog.table == "case", AuditLog.row_id == 1)
        assert json.loads(log.after) == {"status": "已联系"} and log.action == "update"
        assert AuditLog.select().where(AuditLog.table == "case", AuditLog.row_id == 2).count() == 0
    finally:
        close_db()


def test_category_7_person_is_on_the_dashboard_the_case_table_and_the_ledger(demo_db):
    cid = active_campaign_id()
    before = {r.name: r.by_category[7] for r in stats.village_progress(cid, TODAY)}
    case = add_case(codes=[7], found_by="村主任王某", found_how="群众反映", found_on=MONDAY,
                    new=NewPerson("林新发", "350505199001011239", "后龙村", "13800001234"))
    assert (case.status, case.source) == ("待排查", "自行发现")
    origin = CaseOrigin.get(CaseOrigin.case == case.id)
    assert (origin.found_by, origin.found_how, origin.found_on) == ("村主任王某", "群众反映", MONDAY)
    after = {r.name: r.by_category[7] for r in stats.village_progress(cid, TODAY)}
    assert after["后龙村"] == before["后龙村"] + 1
    assert case.id in ordered_ids(CaseFilter(category=7), cid)
    assert any(r.person == "林新发" for r in ledger_rows(export_scope(None, ["后龙村"], TODAY)))
    assert load(case.id, TODAY).origin == f"群众反映发现（村主任王某，{MONDAY}）"
    with pytest.raises(ValidationError, match="已登记为"):  # the same number with another name
        add_case(codes=[7], found_by="王某", found_how="入户排查", new=NewPerson("林新", "350505199001011239"))


def test_case_add_cli_checks_the_id_and_takes_the_override(tmp_path):
    db_file = str(tmp_path / "d.db")
    assert runner.invoke(app, ["--db", db_file, "demo"]).exit_code == 0
    close_db()
    bad = runner.invoke(app, ["--db", db_file, "case", "add", "--name", "陈阿妹", "--id", "350505199001011234",
                              "--village", "后龙村", "--found-by", "王某"])
    close_db()
    assert bad.exit_code == 1 and "核实说明" in bad.output and "--id-reason" in bad.output
    ok = runner.invoke(app, ["--db", db_file, "case", "add", "--name", "陈阿妹", "--id", "350505199001011234",
                             "--village", "后龙村", "--found-by", "王某", "--how", "来访求助",
                             "--id-reason", "与户口簿核对一致"])
    close_db()
    assert ok.exit_code == 0 and "已添加排查对象：陈阿妹" in ok.output
    unknown = runner.invoke(app, ["--db", db_file, "case", "add", "--name", "甲", "--village", "无此村",
                                  "--found-by", "王某"])
    close_db()
    assert unknown.exit_code != 0 and "没有这个村（居）：无此村" in unknown.output
    con = sqlite3.connect(db_file)
    try:
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'id_override'").fetchone()[0] == 1
        assert con.execute("SELECT found_how FROM case_origin").fetchall() == [("来访求助",)]
    finally:
        con.close()


def test_followup_dates_accept_plus_and_minus_days():
    from store.followup import parse_day

    assert parse_day("-2", DEMO_TODAY) == DEMO_TODAY - dt.timedelta(days=2)
    assert parse_day("+10", DEMO_TODAY) == DEMO_TODAY + dt.timedelta(days=10)
    assert parse_day("2026年11月23日", DEMO_TODAY) == dt.date(2026, 11, 23)
    assert parse_day("", DEMO_TODAY) is None
