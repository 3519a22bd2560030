"""One village for its screen: zones with the member in charge and progress, members, cadre."""

from __future__ import annotations

from dataclasses import dataclass, field

from store.ids import mask_phone
from store.schema import db
from store.cases.visits import HOME_VISITED_SQL


@dataclass
class VillageView:
    """A village's organisation and progress."""

    id: int
    name: str
    cadre: str
    zones: list[tuple[str, str, int, int]] = field(default_factory=list)  # name, member, cases, visited
    members: list[tuple[str, str, str]] = field(default_factory=list)  # name, role, masked phone


_ZONES = (
    "SELECT z.name, coalesce(m.name, ''), count(c.id), coalesce(sum(" + HOME_VISITED_SQL + "), 0) "
    'FROM "zone" z LEFT JOIN "member" m ON m.id = z.member_id '
    'LEFT JOIN "person" p ON p.zone_id = z.id AND p.deleted_at IS NULL '
    'LEFT JOIN "case" c ON c.person_id = p.id AND c.deleted_at IS NULL AND c.campaign_id = ? '
    "WHERE z.village_id = ? GROUP BY z.id ORDER BY z.seq, z.id"
)


def village_view(village_id: int, campaign_id: int | None) -> VillageView:
    """The village's zones (with progress), members and supervising cadre."""
    from store.town.villages import get_village

    v = get_village(village_id)
    cadre = db.execute_sql('SELECT name FROM "member" WHERE id = ?', (v.cadre_id,)).fetchone() if v.cadre_id else None
    zones = [tuple(r) for r in db.execute_sql(_ZONES, (campaign_id, village_id)).fetchall()]
    members = [(n, r, mask_phone(p) if p else "") for n, r, p in db.execute_sql(
        'SELECT name, role, phone FROM "member" WHERE village_id = ? AND active = 1 ORDER BY id', (village_id,))]
    return VillageView(v.id, v.name, cadre[0] if cadre else "", zones, members)
