"""Auto-assign a village's cases to zones by matching addresses against the zones' keywords.

`preview_auto_assign` reads only; `apply(changes)` writes exactly the previewed rows in one
transaction, after checking that nothing changed since the preview.

Matching rules (a keyword is a 组 or natural-village name such as 「3组」 or 「后厝」):
- the address is NFKC-normalised (full-width 「１组」 is 「1组」) and the village's own name is
  removed from it first (every address carries it);
- a keyword that starts (ends) with a digit does not match right after (before) another digit,
  so 「1组」 does not match 「11组」;
- a keyword occurrence inside a longer matching keyword's occurrence is ignored;
- exactly one zone matching: that zone; none: unmatched; several: ambiguous (left alone);
- a zone whose member in charge is deactivated moves persons but sets no case member.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from store.errors import StoreError
from store.schema import Village, db
from store.campaign.active import active_campaign_id
from store.town.zones import parse_keywords, write_moves


@dataclass(frozen=True)
class Change:
    """One case whose person would move to another zone (and maybe get a new member)."""

    case_id: int
    person_id: int
    person: str
    address: str
    old_zone_id: int | None
    old_zone: str
    new_zone_id: int
    new_zone: str
    keyword: str
    old_member_id: int | None
    new_member_id: int | None
    new_member: str

    @property
    def sets_member(self) -> bool:
        """True when applying also makes the zone's member the case's member."""
        return self.new_member_id is not None and self.new_member_id != self.old_member_id


@dataclass(frozen=True)
class Unplaced:
    """A case left alone: no keyword matched, or several zones did (candidates named)."""

    case_id: int
    person: str
    address: str
    zone: str
    candidates: tuple[str, ...] = ()


@dataclass
class Preview:
    """What auto-assignment would do in one village."""

    village_id: int
    changes: list[Change] = field(default_factory=list)
    unmatched: list[Unplaced] = field(default_factory=list)
    ambiguous: list[Unplaced] = field(default_factory=list)
    unchanged: int = 0


def _hits(address: str, words: list[tuple[int, str]]) -> list[tuple[int, int, int, str]]:
    """Every acceptable keyword occurrence as (start, end, zone id, keyword)."""
    hits = []
    for zone_id, word in words:
        start = address.find(word)
        while start >= 0:
            end = start + len(word)
            glued = (word[0].isdigit() and start > 0 and address[start - 1].isdigit()) or \
                    (word[-1].isdigit() and end < len(address) and address[end].isdigit())
            if not glued:
                hits.append((start, end, zone_id, word))
            start = address.find(word, start + 1)
    return hits


def match_zones(address: str, words: list[tuple[int, str]]) -> dict[int, str]:
    """Zones whose keywords occur in the address (shadowed occurrences dropped): zone id -> keyword."""
    hits = _hits(address, words)
    keep = [h for h in hits
            if not any(o[0] <= h[0] and h[1] <= o[1] and o[1] - o[0] > h[1] - h[0] for o in hits)]
    found: dict[int, str] = {}
    for _s, _e, zone_id, word in sorted(keep):
        found.setdefault(zone_id, word)
    return found


_CASES_SQL = (
    'SELECT c.id, p.id, p.name, coalesce(p.address, \'\'), p.zone_id, c.member_id FROM "case" c '
    'JOIN "person" p ON p.id = c.person_id WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL '
    "AND c.campaign_id = ? AND p.village_id = ? ORDER BY c.id"
)


def village_zones(village_id: int) -> tuple[dict[int, tuple], list[tuple[int, str]]]:
    """The village's zones (id -> name, member id, member name) and their (zone id, keyword) pairs."""
    rows = db.execute_sql('SELECT z.id, z.name, CASE WHEN m.active THEN m.id END, '
                          'CASE WHEN m.active THEN m.name ELSE \'\' END, z.keywords FROM "zone" z '
                          'LEFT JOIN "member" m ON m.id = z.member_id WHERE z.village_id = ? '
                          "ORDER BY z.seq, z.id", (village_id,)).fetchall()
    zones = {r[0]: (r[1], r[2], r[3]) for r in rows}
    words = [(r[0], w) for r in rows for w in parse_keywords(r[4])]
    return zones, words


def preview_auto_assign(village_id: int, campaign_id: int | None = None, *,
                        only_unzoned: bool = False) -> Preview:
    """What matching addresses against zone keywords would change; writes nothing."""
    village = Village.get_or_none(Village.id == village_id)
    if village is None:
        raise StoreError("找不到该村（居）")
    cid = campaign_id or active_campaign_id()
    zones, words = village_zones(village.id)
    out = Preview(village.id)
    for case_id, pid, name, address, old, member in db.execute_sql(_CASES_SQL, (cid, village.id)).fetchall():
        if only_unzoned and old is not None:
            continue
        found = match_zones(unicodedata.normalize("NFKC", address).replace(village.name, " "), words)
        current = zones[old][0] if old in zones else "（未分片）"
        if len(found) > 1:
            names = tuple(f"{zones[z][0]}（{w}）" for z, w in found.items())
            out.ambiguous.append(Unplaced(case_id, name, address, current, names))
        elif not found:
            out.unmatched.append(Unplaced(case_id, name, address, current))
        else:
            (zone_id, word), = found.items()
            if zone_id == old:
                out.unchanged += 1
                continue
            zname, zmember, mname = zones[zone_id]
            out.changes.append(Change(case_id, pid, name, address, old, current, zone_id, zname, word,
                                      member, zmember, mname))
    return out


@dataclass(frozen=True)
class Applied:
    """What apply() wrote."""

    persons: int
    members_set: int


def _check_fresh(changes: list[Change]) -> None:
    """Refuse when any previewed row changed since the preview (zone, member, deletion)."""
    zone_members = dict(db.execute_sql('SELECT z.id, CASE WHEN m.active THEN m.id END FROM "zone" z '
                                       'LEFT JOIN "member" m ON m.id = z.member_id').fetchall())
    for start in range(0, len(changes), 500):
        part = changes[start:start + 500]
        marks = ",".join("?" * len(part))
        now_rows = {r[0]: r[1:] for r in db.execute_sql(
            f'SELECT c.id, p.zone_id, c.member_id, c.deleted_at IS NULL AND p.deleted_at IS NULL FROM "case" c '
            f'JOIN "person" p ON p.id = c.person_id WHERE c.id IN ({marks})', [c.case_id for c in part])}
        for c in part:
            state = now_rows.get(c.case_id)
            if state != (c.old_zone_id, c.old_member_id, 1) or zone_members.get(c.new_zone_id, -1) != c.new_member_id:
                raise StoreError("预览之后数据已有变化（片区、负责人或对象被修改），未做任何修改，请重新预览")


def apply(changes: list[Change]) -> Applied:
    """Write the previewed changes in one transaction: persons' zones, and cases' members where
    the new zone has a member in charge. One audit row per changed person and case."""
    changes = list(changes)
    with db.atomic():
        _check_fresh(changes)
        moves: list[tuple[int, int | None, int | None]] = list(dict.fromkeys(
            (c.person_id, c.old_zone_id, c.new_zone_id) for c in changes))
        staff = [(c.case_id, c.old_member_id, c.new_member_id) for c in changes if c.sets_member]
        write_moves(moves, staff)
    return Applied(len(moves), len(staff))
