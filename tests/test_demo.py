"""The synthetic town: deterministic for a seed, every table filled, today inside 推动落实."""

from __future__ import annotations


from store.db import close_db, open_db
from store.demo.town import build_demo
from store.reports.queries import active_campaign, counts
from store.schema import Case, Petition, db
from tests.conftest import DEMO_TODAY

TABLES = ["village", "member", "zone", "person", "person_key", "case", "case_category", "roster_entry",
          "contact", "benefit", "benefit_step", "petition", "spot_check", "problem", "rectification"]


def dump() -> dict:
    return {t: db.execute_sql(f'SELECT * FROM "{t}" ORDER BY id').fetchall() for t in TABLES}


def test_same_seed_same_town(tmp_path):
    contents = []
    for name in ("a.db", "b.db"):
        open_db(tmp_path / name)
        build_demo(seed=5, today=DEMO_TODAY)
        contents.append(dump())
        close_db()
    assert contents[0] == contents[1]
    open_db(tmp_path / "c.db")
    build_demo(seed=6, today=DEMO_TODAY)
    assert dump()["person"] != contents[0]["person"]
    close_db()


def test_demo_town_is_realistic(demo_db):
    c = counts()
    assert 10 <= c["villages"] <= 15 and c["persons"] == 3000 and c["cases"] == 1200
    statuses = {s for (s,) in db.execute_sql('SELECT DISTINCT status FROM "case"').fetchall()}
    assert statuses == {"待排查", "已联系", "已走访", "已研判", "办理中", "已纳入", "动态监测", "已办结"}
    cats = {c for (c,) in db.execute_sql("SELECT DISTINCT g.code FROM case_category cc JOIN category g ON g.id = cc.category_id")}
    assert cats == {1, 2, 3, 4, 5, 6, 7}
    overdue = Petition.select().where((Petition.closed.is_null()) & (Petition.close_due < DEMO_TODAY)).count()
    late_notice = Petition.select().where(Petition.notice_sent.is_null() & (Petition.notice_due < DEMO_TODAY)).count()
    assert overdue + late_notice > 0
    camp = active_campaign()
    phase = [p for p in camp.phases if p[0] == "推动落实"][0]
    assert phase[1] <= DEMO_TODAY <= phase[2]
    assert Case.select().where(Case.next_followup < DEMO_TODAY).count() > 0


def test_demo_ids_are_valid(demo_db):
    from store.ids import is_valid_id

    ids = [r[0] for r in db.execute_sql('SELECT id_number FROM "person" LIMIT 500')]
    assert ids and all(is_valid_id(i) for i in ids)


def test_demo_force_wipes_rosters_aliases_and_attachment_files(tmp_path):
    """demo --force on a database with rosters and photos leaves none of them behind."""
    from tests.day_one import as_json, cli, ok
    from tests.test_rosters import dibao_roster

    db = str(tmp_path / "t.db")
    ok("--db", db, "demo")
    ok("--db", db, "roster", "import", str(dibao_roster(tmp_path)), "--kind", "低保", "--as-of", "2026-06-30")
    ok("--db", db, "village", "alias", "后龙村", "后龙村委会（旧）")
    photo = tmp_path / "入户照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 64)
    ok("--db", db, "attach", "add", str(photo), "--case", "1")
    files = tmp_path / "t-附件"
    assert any(p.is_file() for p in files.rglob("*"))
    assert cli("--db", db, "demo", "--force").exit_code == 0
    assert as_json("--db", db, "roster", "list") == []
    assert not any("后龙村委会（旧）" in (v.get("aliases") or []) for v in as_json("--db", db, "village", "list"))
    assert not files.exists() or not any(p.is_file() for p in files.rglob("*"))
