"""Petitions from the category-5 list (信访): imported rows become petitions with running clocks,
on a database built the clerk's way (tests/day_one.py), and re-imports never duplicate them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from store.reports.dashboard import board
from store.db import close_db, open_db
from store.schema import Petition
from tests.day_one import TOWN, cli, ok
from tests.import_fixtures import write_xlsx
from tests.import_helpers import ident
from tests.day_one import start_day

TODAY = dt.date.today()


def petition_list(path: Path, received: dt.date, reply: str = "") -> Path:
    """A category-5 list: one petitioner received on `received`, and one answered long ago."""
    rows = [["2021年以来社会救助类信访对象名单"],
            ["序号", "乡镇", "村(居)", "姓名", "身份证号码", "来访日期", "反映问题", "答复情况"],
            [1, TOWN, "后龙村委会", "信访甲", ident(501, "19700101"), received, "申请低保", reply],
            [2, TOWN, "上西村", "信访乙", ident(503, "19650101"), TODAY - dt.timedelta(200), "临时救助",
             "已答复不符合条件"]]
    return write_xlsx(path, {"Sheet1": rows})


def _petitions(db: str) -> list[Petition]:
    open_db(Path(db))
    try:
        return list(Petition.select().order_by(Petition.received.desc()))
    finally:
        close_db()


def _late(db: str) -> list[tuple[str, str]]:
    from store.cases.cases import require_campaign

    open_db(Path(db))
    try:
        return sorted((i.kind, i.person) for i in board(require_campaign().id, TODAY).late)
    finally:
        close_db()


def test_a_list_petition_70_days_old_is_overdue_and_reimport_adds_none(tmp_path):
    db = str(tmp_path / "t.db")
    start_day(db)
    received = TODAY - dt.timedelta(70)
    path = petition_list(tmp_path / "信访对象名单.xlsx", received)
    ok("--db", db, "import", str(path), "--category", "5")
    pets = _petitions(db)
    assert len(pets) == 2
    new, old = pets
    assert (new.received, new.notice_due, new.close_due, new.summary, new.closed) == (
        received, received + dt.timedelta(15), received + dt.timedelta(60), "申请低保", None)
    assert old.reply == "已答复不符合条件" and old.closed is not None  # answered: no clock runs
    assert _late(db) == [("petition_close", "信访甲"), ("petition_notice", "信访甲")]
    assert "信访告知逾期" in ok("--db", db, "overdue")
    # the same list again, then with the reply filled in: still one petition each, now answered
    ok("--db", db, "import", str(path), "--category", "5")
    assert len(_petitions(db)) == 2
    answered = petition_list(tmp_path / "信访对象名单（已答复）.xlsx", received, reply="已书面答复")
    ok("--db", db, "import", str(answered), "--category", "5")
    pets = _petitions(db)
    assert len(pets) == 2 and pets[0].reply == "已书面答复" and pets[0].closed == TODAY
    assert _late(db) == []


def test_undoing_the_list_import_removes_its_petitions(tmp_path):
    db = str(tmp_path / "t.db")
    start_day(db)
    ok("--db", db, "import", str(petition_list(tmp_path / "信访.xlsx", TODAY - dt.timedelta(3))), "--category", "5")
    assert len(_petitions(db)) == 2
    result = cli("--db", db, "import", "undo", "1")
    assert result.exit_code == 0, result.output
    assert _petitions(db) == []


def test_undo_refuses_when_the_clerk_worked_on_a_list_petition(tmp_path):
    """A notice sent on a petition from the list is the clerk's work: undo must not delete it silently."""
    from store.checks import petitions
    from store.schema import AuditLog

    db = str(tmp_path / "t.db")
    start_day(db)
    ok("--db", db, "import", str(petition_list(tmp_path / "信访.xlsx", TODAY - dt.timedelta(3))), "--category", "5")
    open_db(Path(db))
    try:
        petitions.edit_petition(_first_id(), notice_sent=TODAY)
    finally:
        close_db()
    refused = cli("--db", db, "import", "undo", "1")
    assert refused.exit_code != 0 and "修改" in refused.output
    assert len(_petitions(db)) == 2
    # without the clerk's work the undo goes through and says so in the audit log, one row a petition
    db2 = str(tmp_path / "t2.db")
    start_day(db2)
    ok("--db", db2, "import", str(petition_list(tmp_path / "信访2.xlsx", TODAY - dt.timedelta(3))), "--category", "5")
    assert cli("--db", db2, "import", "undo", "1").exit_code == 0
    open_db(Path(db2))
    try:
        assert AuditLog.select().where(AuditLog.table == "petition", AuditLog.action == "undo_import").count() == 2
    finally:
        close_db()


def test_a_petition_recorded_by_hand_gets_no_second_one_from_the_list(tmp_path):
    from store.checks import petitions
    from store.schema import Case, Person

    db = str(tmp_path / "t.db")
    start_day(db)
    first = petition_list(tmp_path / "信访.xlsx", TODAY - dt.timedelta(3), reply="已答复")
    ok("--db", db, "import", str(first), "--category", "5")
    open_db(Path(db))
    try:  # the clerk records 信访甲's petition by hand under the date it reached the town
        case = Case.select().join(Person).where(Person.name == "信访甲").get()
        petitions.delete_petition(Petition.get(Petition.case == case.id).id)
        petitions.create_petition(case.id, kind="申诉求决", received=TODAY - dt.timedelta(5), summary="申请低保（镇里登记）")
    finally:
        close_db()
    later = petition_list(tmp_path / "信访（新）.xlsx", TODAY - dt.timedelta(1))
    ok("--db", db, "import", str(later), "--category", "5")
    open_db(Path(db))
    try:
        mine = Petition.select().join(Case).join(Person).where(Person.name == "信访甲", Petition.deleted_at.is_null())
        assert [p.summary for p in mine] == ["申请低保（镇里登记）"]
    finally:
        close_db()


def test_a_deleted_list_petition_stays_deleted_on_reimport(tmp_path):
    from store.checks import petitions

    db = str(tmp_path / "t.db")
    start_day(db)
    path = petition_list(tmp_path / "信访.xlsx", TODAY - dt.timedelta(3))
    ok("--db", db, "import", str(path), "--category", "5")
    open_db(Path(db))
    try:
        petitions.delete_petition(_first_id())
    finally:
        close_db()
    ok("--db", db, "import", str(path), "--category", "5")
    open_db(Path(db))
    try:
        assert Petition.select().count() == 2 and Petition.select().where(Petition.deleted_at.is_null()).count() == 1
    finally:
        close_db()


def _first_id() -> int:
    return Petition.select().order_by(Petition.id).first().id


def test_migration_7_recomputes_notice_dues_and_makes_petitions_of_old_list_rows(tmp_path):
    from store import migrations
    from store.schema import db

    path = tmp_path / "v6.db"
    db.init(str(path))
    db.connect()
    for version in range(1, 7):
        with db.atomic():
            migrations.MIGRATIONS[version]()
            db.execute_sql(f"PRAGMA user_version = {version}")
    sql = db.execute_sql
    sql("INSERT INTO village (id, name, seq, kind, is_demo, created_at) VALUES (1, '后龙村', 1, '村', 0, '2026-01-01')")
    for pid in (1, 2):
        sql("INSERT INTO person (id, name, village_id, created_at, updated_at) VALUES (?, ?, 1, '2026-01-01', '2026-01-01')",
            (pid, f"甲{pid}"))
        sql("INSERT INTO \"case\" (id, campaign_id, person_id, status, source, created_at, updated_at) "
            "VALUES (?, 1, ?, '待排查', '名单', '2026-01-01', '2026-01-01')", (pid, pid))
    cat5 = sql("SELECT id FROM category WHERE code = 5").fetchone()[0]
    sql("INSERT INTO roster_entry (category_id, person_id, case_id, petition_date, petition_content, created_at) "
        "VALUES (?, 2, 2, '2026-09-01', '申请低保', '2026-09-10 10:00:00')", (cat5,))
    sql("INSERT INTO petition (case_id, kind, received, accepted, notice_due, close_due, extension_days) "
        "VALUES (1, '申诉求决', '2026-08-01', '2026-08-05', '2026-08-20', '2026-10-04', 0)")
    db.close()
    open_db(path)
    try:
        old, new = Petition.select().order_by(Petition.id)
        assert (old.notice_due, old.close_due) == (dt.date(2026, 8, 16), dt.date(2026, 10, 4))
        assert (new.case_id, new.received, new.notice_due, new.close_due, new.summary) == (
            2, dt.date(2026, 9, 1), dt.date(2026, 9, 16), dt.date(2026, 10, 31), "申请低保")
        from store.schema import AuditLog
        upgrade = AuditLog.select().where(AuditLog.operator == "升级（第7版）")
        assert upgrade.count() == 2 and all(a.table == "petition" for a in upgrade)
    finally:
        close_db()
