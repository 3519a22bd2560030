"""漏保 suspects: the cases not covered whose list data suggests eligibility, ranked, each with why.

Open cases only (no conclusion yet, not 已纳入 / 已办结), not covered by 低保, 特困, 孤儿 or
事实无人抚养儿童 (store/rosters/coverage.py). Scores (higher first; each further reason adds 5):
- category 4, 一、二级 disability: 100; 三、四级 智力/精神: 90 (单人户 施保 possible);
- category 3, self-paid costs at or above the campaign's threshold: 70 + 1 per 10,000 元 above it;
- a child under 18 (孤儿 / 事实无人抚养儿童 to check): 60;
- category 6: 突发严重困难户 55, 边缘易致贫户 50, 脱贫不稳定户 and others 45;
- category 5, a petition asking for assistance (低保, 救助, 特困, 困难, 补助 in its text): 40.
Ties: village order, then name. Assigning the worklist puts each case in the zone its address
matches (when it has none) and gives it the zone's member, or the member the clerk names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from store.common import chunks
from store.rosters.coverage import PROTECTION_KINDS, coverage_of, covered_where
from store.ids import age_on, mask_id
from store.schema import db

GRADE_WORDS = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
DISABILITY = {1: "视力", 2: "听力", 3: "言语", 4: "肢体", 5: "智力", 6: "精神", 7: "多重"}
MONITOR_SCORES = (("突发严重困难", 55), ("边缘易致贫", 50))
PETITION_WORDS = ("低保", "救助", "特困", "困难", "补助", "五保", "孤儿")
OPEN = "c.conclusion IS NULL AND c.status NOT IN ('已纳入', '已办结')"


@dataclass
class Suspect:
    """One line of the worklist."""

    case_id: int
    person_id: int
    village_id: int | None
    village: str
    name: str
    id_masked: str
    member: str
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)  # kinds that do not count (临时救助, 低保边缘)

    @property
    def why(self) -> str:
        """The reasons as one line."""
        return "；".join(self.reasons)

    def as_json(self) -> dict:
        """The --json object (ID masked)."""
        return {"case_id": self.case_id, "village": self.village, "name": self.name, "id_number": self.id_masked,
                "member": self.member or None, "score": self.score, "reasons": self.reasons, "covered": self.covered}


_CASES = ('SELECT c.id, p.id, p.village_id, coalesce(v.name, \'\'), p.name, p.id_number, coalesce(m.name, \'\'), '
          "p.disability_category, p.disability_grade, v.seq "
          'FROM "case" c JOIN "person" p ON p.id = c.person_id LEFT JOIN "village" v ON v.id = p.village_id '
          'LEFT JOIN "member" m ON m.id = c.member_id WHERE c.campaign_id = ? AND c.deleted_at IS NULL '
          f"AND p.deleted_at IS NULL AND {OPEN} AND NOT {{covered}}")
_ENTRIES = ('SELECT e.case_id, k.code, e.self_paid, e.disability_category, e.disability_grade, e.monitor_category, '
            'e.petition_content FROM "roster_entry" e JOIN "category" k ON k.id = e.category_id WHERE e.case_id IN ({})')


def suspects(campaign_id: int, today: dt.date | None = None, village_id: int | None = None) -> list[Suspect]:
    """The ranked 漏保 worklist of a campaign (a village's only, when given)."""
    today = today or dt.date.today()
    sub, params = covered_where(PROTECTION_KINDS)
    sql = _CASES.replace("{covered}", sub) + (" AND p.village_id = ?" if village_id else "")
    rows = db.execute_sql(sql, [campaign_id, *params, *([village_id] if village_id else [])]).fetchall()
    threshold = _threshold(campaign_id)
    entries = _entries([r[0] for r in rows])
    seq = {r[0]: (r[9] if r[9] is not None else 1 << 30) for r in rows}
    out = []
    for cid, pid, vid, village, name, number, member, dcat, dgrade, _seq in rows:
        s = Suspect(cid, pid, vid, village, name, mask_id(number) if number else "", member)
        _score(s, entries.get(cid, []), (dcat, dgrade), number, threshold, today)
        if s.reasons:
            out.append(s)
    others = coverage_of([s.person_id for s in out])
    for s in out:
        s.covered = [c.label() for c in others.get(s.person_id, [])]
    return sorted(out, key=lambda s: (-s.score, seq[s.case_id], s.name, s.case_id))


def _threshold(campaign_id: int) -> Decimal | None:
    """Category 3's self-paid threshold in yuan (None when the campaign has none)."""
    row = db.execute_sql('SELECT threshold FROM "category" WHERE campaign_id = ? AND code = 3',
                         (campaign_id,)).fetchone()
    return Decimal(row[0]) / 100 if row and row[0] is not None else None


def _entries(case_ids: list[int]) -> dict[int, list[tuple]]:
    """{case id: its list rows (code, self_paid fen, disability category, grade, monitoring, petition)}."""
    out: dict[int, list[tuple]] = {}
    for part in chunks(case_ids):
        for cid, *rest in db.execute_sql(_ENTRIES.format(",".join("?" * len(part))), part).fetchall():
            out.setdefault(cid, []).append(tuple(rest))
    return out


def _score(s: Suspect, entries: list[tuple], disability: tuple, number: str | None, threshold: Decimal | None,
           today: dt.date) -> None:
    """Add every reason that applies, with its score."""
    found: list[tuple[int, str]] = []
    codes = {e[0] for e in entries}
    if 4 in codes:
        cat = next((e[2] for e in entries if e[2]), None) or disability[0]
        grade = next((e[3] for e in entries if e[3]), None) or disability[1]
        kind = f"{DISABILITY.get(cat, '')}{GRADE_WORDS.get(grade, '')}残疾"
        if grade in (1, 2):
            found.append((100, f"新增{kind}，未在保：重度残疾人可按单人户纳入低保"))
        elif grade in (3, 4) and cat in (5, 6):
            found.append((90, f"新增{kind}，未在保：三、四级智力、精神残疾人可按单人户纳入低保"))
    paid = max((e[1] for e in entries if e[0] == 3 and e[1] is not None), default=None)
    if paid is not None and threshold is not None and Decimal(paid) / 100 >= threshold:
        yuan = Decimal(paid) / 100
        found.append((70 + int((yuan - threshold) // 10000),
                      f"自付医疗费用{yuan:,.2f}元，达到门槛{threshold:,.0f}元，未在保：核实是否支出型困难"))
    age = _age(number, today)
    if age is not None and age < 18:
        found.append((60, f"未满18周岁（{age}岁），未在保：核实是否孤儿或事实无人抚养儿童"))
    monitor = next((e[4] for e in entries if e[0] == 6 and e[4]), None) if 6 in codes else None
    if 6 in codes:
        score = next((n for word, n in MONITOR_SCORES if monitor and word in monitor), 45)
        found.append((score, f"防返贫监测对象（{monitor or '类型未填'}），未在保"))
    asked = next((e[5] for e in entries if e[0] == 5 and e[5] and any(w in e[5] for w in PETITION_WORDS)), None)
    if asked:
        found.append((40, f"信访反映「{asked[:20]}{'...' if len(asked) > 20 else ''}」，未在保"))
    found.sort(key=lambda x: -x[0])
    if found:
        s.score = found[0][0] + 5 * (len(found) - 1)
        s.reasons = [why for _n, why in found]


def _age(number: str | None, today: dt.date) -> int | None:
    """Age in full years from the ID number, or None."""
    if not number:
        return None
    try:
        return age_on(number, today)
    except ValueError:
        return None


@dataclass(frozen=True)
class Assigned:
    """What assign_suspects wrote."""

    zoned: int  # persons put into the zone their address matches
    members_set: int  # cases given a member
    unassigned: int  # cases left without a member (no zone matched, or the zone has no member)


def assign_suspects(case_ids: list[int], member_id: int | None = None) -> Assigned:
    """Assign worklist cases in one step, in one transaction: a named member to every case; else each
    case without a zone goes into the zone its address matches, and takes its zone's member."""
    from store.town.members import require_active
    from store.town.zone_match import village_zones, match_zones
    from store.town.zones import case_people, write_moves

    with db.atomic():
        member_id = require_active(member_id) if member_id else None
        rows = case_people(case_ids)
        moves, staff, zone_of = [], [], {}
        addresses = _addresses([r[1] for r in rows])
        cache: dict[int, tuple] = {}
        for cid, pid, vid, zid, mid in rows:
            if zid is None and vid is not None and member_id is None:
                zones, words = cache.setdefault(vid, village_zones(vid))
                hit = match_zones(addresses.get(pid) or "", words)
                if len(hit) == 1:
                    zid = next(iter(hit))
                    moves.append((pid, None, zid))
            zone_of[cid] = zid
            target = member_id or (_zone_member(zid) if mid is None else None)  # a member set by hand stays
            if target and target != mid:
                staff.append((cid, mid, target))
        write_moves(list(dict.fromkeys(moves)), staff)
    with_member = {c for c, _o, _n in staff} | {r[0] for r in rows if r[4]}
    return Assigned(len(set(m[0] for m in moves)), len(staff), len(rows) - len(with_member))


def _addresses(person_ids: list[int]) -> dict[int, str]:
    """{person id: address}."""
    out = {}
    for part in chunks(person_ids):
        sql = f'SELECT id, address FROM "person" WHERE id IN ({",".join("?" * len(part))})'
        out.update(db.execute_sql(sql, part).fetchall())
    return out


def _zone_member(zone_id: int | None) -> int | None:
    """The active member in charge of a zone, or None."""
    if zone_id is None:
        return None
    row = db.execute_sql('SELECT m.id FROM "zone" z JOIN "member" m ON m.id = z.member_id '
                         "WHERE z.id = ? AND m.active = 1", (zone_id,)).fetchone()
    return row[0] if row else None
