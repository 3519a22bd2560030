"""The steps that build the synthetic town, bulk-inserted with executemany."""

from __future__ import annotations

import datetime as dt
import json
from typing import Iterable

from store.demo.town import Size, Town, make_id, person_name
from store.demo.data import (
    BENEFIT_WEIGHTS, CHECK_FINDINGS, FINDINGS, MONITOR_KINDS, PROBLEM_KINDS, REJECT_REASONS,
    ZONE_WORDS, village_names,
)
from store.ids import sex_of
from store.schema import db
from store.people.search import name_keys, reverse

STAMP = "2000-01-01 00:00:00"
CATEGORY_WEIGHTS = ([1, 2, 3, 4, 5, 6, 7], [8, 14, 10, 24, 8, 22, 14])
ROLES_PER_VILLAGE = ["书记", "主任", "两委委员", "两委委员", "两委委员", "社会救助协理员"]
STEPS = ["申请", "调查", "初审", "公示", "审核确认", "纳入"]


def _many(sql: str, rows: Iterable[tuple]) -> int:
    """executemany on the open connection; returns the row count."""
    rows = list(rows)
    if rows:
        db.connection().executemany(sql, rows)
    return len(rows)


def _next_id(table: str) -> int:
    """The next rowid of a table (inside the build's own transaction)."""
    return db.execute_sql(f'SELECT coalesce(max(id), 0) + 1 FROM "{table}"').fetchone()[0]


def _villages(t: Town, size: Size) -> None:
    """Villages with their members, resident cadre and zones."""
    rng = t.rng
    vid, mid, zid = _next_id("village"), _next_id("member"), _next_id("zone")
    villages, members, zones = [], [], []
    for seq, name in enumerate(village_names(size.villages), 1):
        kind = "社区" if name.endswith("社区") else "村"
        pace = rng.uniform(0.35, 0.95)
        villages.append((vid, name, f"350505102{seq:03d}", seq, kind, 1, STAMP))
        t.villages.append((vid, name, pace))
        ids = []
        for role in ROLES_PER_VILLAGE + ["驻村干部"]:
            members.append((mid, person_name(rng), "13" + f"{rng.randrange(10**9):09d}", role,
                            vid if role != "驻村干部" else None, 1))
            ids.append(mid)
            mid += 1
        t.members[vid] = ids
        words = rng.sample(ZONE_WORDS, rng.randint(2, 4))
        t.zones[vid] = []
        for zseq, word in enumerate(words, 1):
            owner = ids[2 + (zseq - 1) % 3]
            zones.append((zid, vid, f"{word}片区", owner, f"{word},{zseq}组", zseq))
            t.zones[vid].append((zid, word, owner))
            zid += 1
        vid += 1
    _many('INSERT INTO "village" (id, name, code, seq, kind, is_demo, created_at) VALUES (?,?,?,?,?,?,?)',
          villages)
    _many('INSERT INTO "member" (id, name, phone, role, village_id, active) VALUES (?,?,?,?,?,?)', members)
    _many('INSERT INTO "zone" (id, village_id, name, member_id, keywords, seq) VALUES (?,?,?,?,?,?)', zones)
    for vid, _name, _pace in t.villages:
        cadre = t.members[vid][-1]
        db.execute_sql('UPDATE "village" SET cadre_id = ? WHERE id = ?', (cadre, vid))
        db.execute_sql('UPDATE "member" SET village_id = ? WHERE id = ?', (vid, cadre))
    town_staff = [(mid, person_name(rng), "13" + f"{rng.randrange(10**9):09d}", "镇干部", None, 1),
                  (mid + 1, person_name(rng), None, "镇干部", None, 1)]
    _many('INSERT INTO "member" (id, name, phone, role, village_id, active) VALUES (?,?,?,?,?,?)', town_staff)


def _persons(t: Town, size: Size) -> None:
    """Residents with valid ID numbers, phones, addresses and search keys."""
    rng = t.rng
    used: set[str] = set()
    pid = _next_id("person")
    rows: list[tuple] = []
    keys: list[tuple[int, str]] = []
    for _ in range(size.persons):
        vid, vname, _pace = rng.choice(t.villages)
        zone_id, word, _owner = rng.choice(t.zones[vid])
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 32_000))
        birth = min(birth, t.today - dt.timedelta(days=400))
        number = make_id(rng, birth, rng.random() < 0.5, used)
        name = person_name(rng)
        phone = ("1" + rng.choice("35789") + f"{rng.randrange(10**9):09d}") if rng.random() < 0.7 else None
        initials, full, all_keys = name_keys(name)
        rows.append((pid, number, reverse(number), name, sex_of(number), str(birth), phone, reverse(phone),
                     vid, zone_id, f"{vname}{word}{rng.randint(1, 180)}号", initials, full, STAMP, STAMP))
        keys.extend((pid, k) for k in all_keys)
        t.persons.append((pid, vid, zone_id, birth, name))
        pid += 1
    _many('INSERT INTO "person" (id, id_number, id_rev, name, sex, birth_date, phone, phone_rev, village_id, '
          "zone_id, address, py_initials, py_full, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
          rows)
    _many('INSERT INTO "person_key" (person_id, key) VALUES (?,?)', keys)


def _status(t: Town, pace: float) -> str:
    """A case status drawn so a village with a higher pace is further along."""
    r = t.rng.random()
    if r > pace:
        return "待排查"
    return t.rng.choices(["已走访", "已研判", "办理中", "已纳入", "动态监测", "已办结"],
                         [30, 12, 14, 16, 18, 10])[0]


def _cases(t: Town, size: Size) -> None:
    """Cases with categories, statuses, conclusions, members and next follow-ups."""
    rng = t.rng
    pace = {vid: p for vid, _n, p in t.villages}
    zone_owner = {z[0]: z[2] for zs in t.zones.values() for z in zs}
    cats = dict(db.execute_sql('SELECT code, id FROM "category" WHERE campaign_id = ?', (t.campaign_id,)).fetchall())
    cid = _next_id("case")
    rows: list[tuple] = []
    links: list[tuple] = []
    for pid, vid, zone_id, birth, _name in rng.sample(t.persons, size.cases):
        codes = {rng.choices(*CATEGORY_WEIGHTS)[0]}
        if rng.random() < 0.15:
            codes.add(rng.choices(*CATEGORY_WEIGHTS)[0])
        status = _status(t, pace[vid])
        conclusion = reason = assessed = follow = None
        if status in ("已研判", "办理中", "已纳入", "已办结"):
            conclusion = "符合" if status != "已研判" or rng.random() < 0.5 else "不符合"
        if status == "动态监测" or conclusion == "不符合":
            conclusion, reason = "不符合", rng.choice(REJECT_REASONS)
        if conclusion:
            assessed = t.day_between(t.start + dt.timedelta(days=20), t.today)
        if status in ("已走访", "动态监测", "办理中") and rng.random() < 0.8:
            follow = t.today + dt.timedelta(days=rng.randint(-12, 30))
        if status == "已走访" and cid % 4 == 0:
            status = "已联系"  # reached by phone only (no draw: the rest of the town stays as it was)
        source = "自行发现" if codes == {7} else "名单"
        rows.append((cid, t.campaign_id, pid, status, zone_owner[zone_id], conclusion, reason,
                     assessed and str(assessed), follow and str(follow), source, STAMP, STAMP))
        links.extend((cid, cats[c], "手工" if c == 7 else "名单") for c in sorted(codes))
        t.cases.append({"id": cid, "person": pid, "village": vid, "status": status, "codes": codes,
                        "birth": birth, "member": zone_owner[zone_id], "conclusion": conclusion})
        cid += 1
    _many('INSERT INTO "case" (id, campaign_id, person_id, status, member_id, conclusion, conclusion_reason, '
          "assessed_on, next_followup, source, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    _many('INSERT INTO "case_category" (case_id, category_id, source) VALUES (?,?,?)', links)
    _roster(t, cats)


def _roster(t: Town, cats: dict[int, int]) -> None:
    """One roster entry per listed category, with the data that list carries."""
    rng = t.rng
    rows: list[tuple] = []
    disabled: list[tuple] = []
    for case in t.cases:
        for code in sorted(case["codes"] - {7}):
            total = paid = reimb = dcat = dgrade = pdate = monitor = None
            if code in (1, 2, 3):
                floor = {1: 2_000, 2: 10_000, 3: 42_000}[code]
                paid = round(floor * rng.uniform(0.8, 3.0), 2)
                reimb = round(paid * rng.uniform(0.5, 2.5), 2)
                total = round(paid + reimb, 2)
            elif code == 4:
                dcat, dgrade = rng.randint(1, 7), rng.choices([1, 2, 3, 4], [2, 3, 3, 2])[0]
                disabled.append((dcat, dgrade, f"3505051{rng.randrange(10**10):010d}", case["person"]))
            elif code == 5:
                pdate = str(t.day_between(t.start - dt.timedelta(days=300), t.start + dt.timedelta(days=20)))
            elif code == 6:
                monitor = rng.choice(MONITOR_KINDS)
            fen = lambda v: None if v is None else int(round(v * 100))  # noqa: E731
            rows.append((len(rows) + 2, cats[code], case["person"], case["id"], None,
                         fen(total), fen(reimb), fen(paid), dcat, dgrade, pdate, monitor, STAMP))
    _many('INSERT INTO "roster_entry" (source_row, category_id, person_id, case_id, raw, medical_total, reimbursed, '
          "self_paid, disability_category, disability_grade, petition_date, monitor_category, created_at) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    _many('UPDATE "person" SET disability_category = ?, disability_grade = ?, disability_cert = ? WHERE id = ?',
          disabled)


def _contacts(t: Town, size: Size) -> None:
    """Visits and calls for every case past 待排查, dated between the campaign start and today: a case
    past 已联系 had a 入户走访 first, a 已联系 one only calls, 微信 or 来访 (store/cases/visits.py)."""
    rng = t.rng
    worked = [c for c in t.cases if c["status"] != "待排查"]
    if not worked:
        return
    first = t.start + dt.timedelta(days=21)
    rows, people, cid = [], [], _next_id("contact")
    for i in range(size.contacts):
        case = worked[i] if i < len(worked) else rng.choice(worked)
        kind = rng.choices(["入户走访", "电话回访", "来访", "微信"], [50, 35, 8, 7])[0]
        if case["status"] == "已联系" and kind == "入户走访":
            kind = "电话回访"
        elif case["status"] != "已联系" and i < len(worked):
            kind = "入户走访"  # a case past 已联系 had its home visit
        day = t.day_between(first, t.today)
        rows.append((cid, case["id"], kind, str(day), case["member"], rng.choice(FINDINGS),
                     rng.choice(["无变化", "需入户", "疑似符合", "不符合", "已解决"]), "演示", STAMP))
        if case["member"]:
            people.append((cid, case["member"]))
        cid += 1
    _many('INSERT INTO "contact" (id, case_id, kind, date, member_id, findings, outcome, operator, created_at) '
          "VALUES (?,?,?,?,?,?,?,?,?)", rows)
    _many('INSERT INTO "contact_member" (contact_id, member_id) VALUES (?,?)', people)


def _benefits(t: Town) -> None:
    """Benefits for cases found eligible, with their status steps."""
    rng = t.rng
    bid = _next_id("benefit")
    rows, steps = [], []
    for case in t.cases:
        if case["status"] not in ("办理中", "已纳入", "已办结") or case["conclusion"] != "符合":
            continue
        btype = rng.choices(*BENEFIT_WEIGHTS)[0]
        if btype in ("孤儿", "事实无人抚养儿童") and (t.today - case["birth"]).days > 17 * 365:
            btype = "低保"
        last = len(STEPS) if case["status"] != "办理中" else rng.randint(1, len(STEPS) - 1)
        day = t.day_between(t.start + dt.timedelta(days=25), t.today - dt.timedelta(days=3 * last))
        amount = round(rng.uniform(500, 5000), -1) if btype.startswith("临时救助") else None
        for status in STEPS[:last]:
            steps.append((bid, status, str(day)))
            day += dt.timedelta(days=rng.randint(1, 3))
        status = STEPS[last - 1]
        rows.append((bid, case["id"], btype, status, steps[-last][2], steps[-1][2],
                     int(amount * 100) if amount else None, STAMP))
        bid += 1
    _many('INSERT INTO "benefit" (id, case_id, type, status, applied_on, status_on, amount, created_at) '
          "VALUES (?,?,?,?,?,?,?,?)", rows)
    _many('INSERT INTO "benefit_step" (benefit_id, status, date) VALUES (?,?,?)', steps)


def _petitions(t: Town) -> None:
    """Petitions of category-5 cases: some closed, some past their notice or close date."""
    rng, rows = t.rng, []
    for case in t.cases:
        if 5 not in case["codes"]:
            continue
        received = t.day_between(t.today - dt.timedelta(days=120), t.today - dt.timedelta(days=2))
        accepted = received + dt.timedelta(days=rng.randint(0, 3))
        notice_due, close_due = received + dt.timedelta(days=15), accepted + dt.timedelta(days=60)
        sent = notice_due - dt.timedelta(days=rng.randint(1, 10)) if rng.random() < 0.8 else None
        closed = outcome = None
        if rng.random() < 0.5 and close_due < t.today + dt.timedelta(days=40):
            closed = min(t.today, accepted + dt.timedelta(days=rng.randint(10, 55)))
            outcome = rng.choice(["予以支持", "解释说明", "不予支持"])
        kind = rng.choice(["建议意见", "检举控告", "申诉求决"])
        rows.append((case["id"], kind, str(received), str(accepted), str(notice_due), sent and str(sent),
                     str(close_due), 0, closed and str(closed), outcome, "反映家庭生活困难，申请救助",
                     "已入户核实并答复" if closed else None))
    _many('INSERT INTO "petition" (case_id, kind, received, accepted, notice_due, notice_sent, close_due, '
          "extension_days, closed, outcome, summary, reply) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)


def _spot_checks(t: Town) -> None:
    """One 30% round over half the villages; failures become problems with rectifications."""
    rng = t.rng
    villages = [v[0] for v in t.villages[::2]]
    day = t.today - dt.timedelta(days=20)
    params = {"ratio": 0.3, "villages": villages, "population": "已走访", "seed": 7, "strata": ["村", "类别"]}
    rid = _next_id("spot_check_round")
    _many('INSERT INTO "spot_check_round" (id, campaign_id, date, checker, population, ratio, seed, params, '
          "created_at) VALUES (?,?,?,?,?,?,?,?,?)",
          [(rid, t.campaign_id, str(day), "镇社会事务办", "已走访", "0.3", 7, json.dumps(params), STAMP)])
    pool = [c for c in t.cases if c["village"] in villages and c["status"] != "待排查"]
    sample = rng.sample(pool, max(1, int(len(pool) * 0.3))) if pool else []
    sid = _next_id("spot_check")
    checks, problems, fixes = [], [], []
    pid = _next_id("problem")
    for case in sample:
        result = rng.choices([None, "合格", "不合格", "无法核实"], [30, 55, 10, 5])[0]
        checks.append((sid, rid, case["id"], result, rng.choice(CHECK_FINDINGS) if result == "不合格" else None,
                       str(day) if result else None))
        if result == "不合格":
            found = day + dt.timedelta(days=rng.randint(0, 3))
            problems.append((pid, t.campaign_id, case["village"], case["id"], sid, "抽查",
                             rng.choice(PROBLEM_KINDS), checks[-1][4], str(found), "镇社会事务办", STAMP))
            done = str(found + dt.timedelta(days=rng.randint(2, 12))) if rng.random() < 0.4 else None
            fixes.append((pid, "补齐台账并重新入户核实", case["member"], str(found + dt.timedelta(days=15)),
                          "已安排重新走访", done))
            pid += 1
        sid += 1
    _many('INSERT INTO "spot_check" (id, round_id, case_id, result, findings, date) VALUES (?,?,?,?,?,?)', checks)
    _many('INSERT INTO "problem" (id, campaign_id, village_id, case_id, spot_check_id, source, kind, '
          "description, found_on, found_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", problems)
    _many('INSERT INTO "rectification" (problem_id, measure, member_id, deadline, progress, done_on) '
          "VALUES (?,?,?,?,?,?)", fixes)


def _village_reviews(t: Town) -> None:
    """Surveys and acceptance for the villages furthest along, a 通报 for the slowest."""
    rng = t.rng
    ranked = sorted(t.villages, key=lambda v: -v[2])
    surveys, accepts = [], []
    for vid, _name, pace in ranked[: max(2, len(ranked) // 3)]:
        n = rng.randint(30, 60)
        sat = int(n * rng.uniform(0.6, 0.85))
        basic = int((n - sat) * 0.7)
        surveys.append((vid, str(t.today - dt.timedelta(days=5)), n, sat, basic, n - sat - basic))
        if pace > 0.85:
            accepts.append((vid, str(t.today - dt.timedelta(days=3)), "合格", "资料齐全"))
    _many('INSERT INTO "satisfaction_survey" (village_id, date, surveyed, satisfied, basically, unsatisfied) '
          "VALUES (?,?,?,?,?,?)", surveys)
    _many('INSERT INTO "acceptance" (village_id, date, result, notes) VALUES (?,?,?,?)', accepts)
    slow = ranked[-1]
    _many('INSERT INTO "notice" (village_id, date, kind, reason) VALUES (?,?,?,?)',
          [(slow[0], str(t.today - dt.timedelta(days=7)), "通报", "入户走访进度明显落后")])


def build(t: Town, size: Size, report) -> dict[str, int]:
    """Run every step, reporting progress; returns the counts of the main tables."""
    steps = [("村（居）与人员", _villages), ("居民", _persons), ("排查对象", _cases),
             ("走访记录", _contacts)]
    for i, (label, step) in enumerate(steps):
        report(label, i / (len(steps) + 1))
        step(t, size)
    report("救助、信访与抽查", len(steps) / (len(steps) + 1))
    _benefits(t)
    _petitions(t)
    _spot_checks(t)
    _village_reviews(t)
    report("完成", 1.0)
    return {"villages": len(t.villages), "persons": len(t.persons), "cases": len(t.cases),
            "contacts": size.contacts}
