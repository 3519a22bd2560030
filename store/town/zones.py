"""Zones (包片): create, edit, delete; assign cases to a zone by list; the 未分片 view.

Zone membership lives on Person.zone: a case's zone is its person's zone. When the zone has a
member in charge, assigning a case to it also makes that member the case's member. The
keyword auto-assignment (preview, then apply) is in store/town/zone_match.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from store import audit
from store.common import chunks, get_row, required, update_row
from store.errors import ValidationError
from store.town.members import require_active
from store.schema import Person, Village, Zone, db, now
from store.campaign.active import active_campaign_id

_KEYWORD_SPLIT = re.compile(r"[,，、;；\s]+")


def parse_keywords(text: str | None) -> list[str]:
    """Address keywords from 「东片，1组、后厝 3组」: split on commas, 、, semicolons, spaces."""
    norm = unicodedata.normalize("NFKC", text or "")
    words = [w for w in _KEYWORD_SPLIT.split(norm) if w]
    return list(dict.fromkeys(words))


def keywords_text(words: Iterable[str]) -> str | None:
    """Keywords as stored: joined with 、."""
    return "、".join(words) or None


@dataclass(frozen=True)
class ZoneRow:
    """A zone with its member and how many live cases it holds."""

    id: int
    village_id: int
    name: str
    member_id: int | None
    member: str
    keywords: list[str]
    seq: int
    cases: int


def _check_name(village_id: int, name: str, zone_id: int | None) -> str:
    """A zone name unique within its village."""
    name = required(name, "name", "片区名称")
    other = Zone.get_or_none((Zone.village == village_id) & (Zone.name == name))
    if other and other.id != zone_id:
        village = Village.get_by_id(village_id)
        raise ValidationError(f"{village.name}已有片区：{name}", field="name")
    return name


def create_zone(village_id: int, name: str, *, member_id: int | None = None,
                keywords: str | None = None) -> Zone:
    """Add a zone to a village, with an optional member in charge and address keywords."""
    with db.atomic():
        village = get_row(Village, village_id, "村（居）", live=False)
        name = _check_name(village.id, name, None)
        seq = Zone.select().where(Zone.village == village.id).count() + 1
        zone = Zone.create(village=village.id, name=name, member=require_active(member_id),
                           keywords=keywords_text(parse_keywords(keywords)), seq=seq)
        audit.log_row("create", zone)
    return zone


def edit_zone(zone_id: int, **changes: Any) -> Zone:
    """Rename a zone, change its member in charge or its keywords.

    A new member in charge is not pushed onto the zone's existing cases; assign again to do so."""
    unknown = set(changes) - {"name", "member_id", "keywords", "seq"}
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}")
    with db.atomic():
        zone = get_row(Zone, zone_id, "片区", live=False)
        data: dict[str, Any] = {}
        if "name" in changes:
            data["name"] = _check_name(zone.village_id, changes["name"], zone.id)
        if "member_id" in changes:
            data["member"] = require_active(changes["member_id"])
        if "keywords" in changes:
            data["keywords"] = keywords_text(parse_keywords(changes["keywords"]))
        if "seq" in changes:
            data["seq"] = int(changes["seq"])
        return update_row(zone, data)


def delete_zone(zone_id: int) -> int:
    """Delete a zone; its persons become 未分片 (each audited). Returns how many were unzoned."""
    with db.atomic():
        zone = get_row(Zone, zone_id, "片区", live=False)
        person_ids = [p for (p,) in Person.select(Person.id).where(Person.zone == zone.id).tuples()]
        write_moves([(pid, zone.id, None) for pid in person_ids], [])
        before = audit.snapshot(zone)
        zone.delete_instance()
        audit.log("delete", "zone", before["id"], before, None)
    return len(person_ids)


def audit_moves(table: str, field: str, moves: list[tuple[int, Any, Any]]) -> None:
    """One audit row per changed row (its history screen finds it), bulk-inserted in the caller's
    transaction: thousands of rows cost milliseconds, and no change goes unrecorded."""
    from store.schema import AuditLog

    op, stamp = audit.current_operator(), now()
    rows = [(stamp, op, "update", table, rid, f'{{"{field}": {_j(old)}}}', f'{{"{field}": {_j(new)}}}')
            for rid, old, new in moves]
    cols = [AuditLog.time, AuditLog.operator, AuditLog.action, AuditLog.table, AuditLog.row_id,
            AuditLog.before, AuditLog.after]
    for part in chunks(rows):
        AuditLog.insert_many(part, fields=cols).execute()


def _j(value: int | None) -> str:
    """A JSON scalar for an id or None."""
    return "null" if value is None else str(int(value))


def zone_rows(village_id: int, campaign_id: int | None = None) -> list[ZoneRow]:
    """The zones of a village in order, with their member and live case counts."""
    cid = campaign_id or active_campaign_id()
    sql = ('SELECT z.id, z.village_id, z.name, z.member_id, coalesce(m.name, \'\'), z.keywords, z.seq, '
           '(SELECT count(*) FROM "person" p JOIN "case" c ON c.person_id = p.id WHERE p.zone_id = z.id '
           "AND p.deleted_at IS NULL AND c.deleted_at IS NULL AND c.campaign_id = ?) "
           'FROM "zone" z LEFT JOIN "member" m ON m.id = z.member_id WHERE z.village_id = ? ORDER BY z.seq, z.id')
    return [ZoneRow(r[0], r[1], r[2], r[3], r[4], parse_keywords(r[5]), r[6], r[7])
            for r in db.execute_sql(sql, (cid, village_id)).fetchall()]


@dataclass(frozen=True)
class AssignResult:
    """What an assignment by list did."""

    changed: int
    unchanged: int
    members_set: int


def case_people(case_ids: list[int]) -> list[tuple]:
    """(case id, person id, village id, zone id, case member) of live cases, in case id order."""
    out = []
    for part in chunks(sorted(set(case_ids))):
        sql = ('SELECT c.id, p.id, p.village_id, p.zone_id, c.member_id FROM "case" c '
               'JOIN "person" p ON p.id = c.person_id WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL '
               f'AND c.id IN ({",".join("?" * len(part))})')
        out.extend(db.execute_sql(sql, part).fetchall())
    if len(out) != len(set(case_ids)):
        raise ValidationError(f"有 {len(set(case_ids)) - len(out)} 个排查对象不存在或已删除，请刷新后重试")
    return sorted(out)


def assign_cases(case_ids: Iterable[int], zone_id: int | None) -> AssignResult:
    """Put the persons of these cases into a zone (None: 未分片), in one transaction.

    Every case must belong to the zone's village. With an active member in charge, it becomes
    the cases' member too. One audit row per changed person (and per case whose member changed)."""
    case_ids = list(case_ids)
    with db.atomic():
        zone = get_row(Zone, zone_id, "片区", live=False) if zone_id is not None else None
        rows = case_people(case_ids)
        if zone is not None:
            foreign = [r for r in rows if r[2] != zone.village_id]
            if foreign:
                raise ValidationError(f"有 {len(foreign)} 个排查对象不属于该片区所在的村（居），未做任何修改")
        target = zone.id if zone else None
        member = zone.member_id if zone and zone.member_id and zone.member.active else None
        moves = [(pid, old, target) for _cid, pid, _v, old, _m in rows if old != target]
        staff = [(cid, old, member) for cid, _p, _v, _z, old in rows if member and old != member]
        write_moves(list(dict.fromkeys(moves)), staff)
    return AssignResult(len(set(m[0] for m in moves)), len(rows) - len(moves), len(staff))


def write_moves(moves: list[tuple[int, int | None, int | None]], staff: list[tuple[int, Any, Any]]) -> None:
    """Write person zone moves and case member changes in chunks, audited (caller's transaction)."""
    stamp = now()
    for part in chunks(moves):
        write_chunk('UPDATE "person" SET zone_id = ?, updated_at = ? WHERE id = ?',
                    [(new, stamp, pid) for pid, _old, new in part])
    for part in chunks(staff):
        write_chunk('UPDATE "case" SET member_id = ?, updated_at = ? WHERE id = ?',
                    [(new, stamp, cid) for cid, _old, new in part])
    audit_moves("person", "zone", moves)
    audit_moves("case", "member", staff)


def write_chunk(sql: str, rows: list[tuple]) -> None:
    """One executemany of a bulk write (kept separate so a test can kill the process mid-way)."""
    db.connection().executemany(sql, rows)


@dataclass(frozen=True)
class UnzonedRow:
    """A live case whose person has no zone."""

    case_id: int
    person_id: int
    person: str
    address: str | None
    status: str
    village_id: int | None
    village: str


def unzoned_cases(village_id: int | None = None, campaign_id: int | None = None) -> list[UnzonedRow]:
    """未分片: live cases without a zone (of one village, or all), in village then address order."""
    cid = campaign_id or active_campaign_id()
    sql = ('SELECT c.id, p.id, p.name, p.address, c.status, v.id, coalesce(v.name, \'（未分村）\') FROM "case" c '
           'JOIN "person" p ON p.id = c.person_id LEFT JOIN "village" v ON v.id = p.village_id '
           "WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL AND c.campaign_id = ? AND p.zone_id IS NULL")
    params: list[Any] = [cid]
    if village_id is not None:
        sql, params = sql + " AND p.village_id = ?", [cid, village_id]
    sql += " ORDER BY v.seq, v.id, p.address, c.id"
    return [UnzonedRow(*r) for r in db.execute_sql(sql, params).fetchall()]


def unzoned_counts(campaign_id: int | None = None) -> dict[int, int]:
    """未分片 live cases per village id (villages with none are left out)."""
    cid = campaign_id or active_campaign_id()
    sql = ('SELECT p.village_id, count(*) FROM "case" c JOIN "person" p ON p.id = c.person_id '
           "WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL AND c.campaign_id = ? AND p.zone_id IS NULL "
           "AND p.village_id IS NOT NULL GROUP BY p.village_id")
    return dict(db.execute_sql(sql, (cid,)).fetchall())
