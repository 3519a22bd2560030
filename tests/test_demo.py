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
