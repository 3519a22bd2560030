"""Write functions for the town itself and its villages: the registry (add, rename, code, order,
aliases); merge and remove: village_merge.py; matching a spelling: village_names.py
(members: members.py; zones: zones.py)."""

from __future__ import annotations

from typing import Any

from store import audit, settings
from store.common import update_row
from store.errors import NotFound, ValidationError
from store.schema import Village, VillageAlias, db
from store.town.village_names import Ambiguous, Elsewhere, kind_of, load_index, plain_name, spelling

ROLES = ["书记", "主任", "两委委员", "驻村干部", "镇干部", "社会救助协理员"]
VILLAGE_KINDS = ["村", "社区"]


def init_town(town: str, district: str, operator: str | None = None) -> bool:
    """Set the town, district and operator; idempotent; True when anything changed."""
    town, district = (town or "").strip(), (district or "").strip()
    if not town:
        raise ValidationError("请填写乡镇名称", field="town")
    if not district:
        raise ValidationError("请填写区（县）名称", field="district")
    with db.atomic():
        changed = settings.put(settings.TOWN, town)
        changed |= settings.put(settings.DISTRICT, district)
        if operator and operator.strip():
            changed |= settings.put(settings.OPERATOR, operator.strip())
    return changed


def _text(value: Any, field: str, label: str) -> str:
    """A required, stripped text value."""
    text = str(value or "").replace("\u3000", " ").strip()
    if not text:
        raise ValidationError(f"请填写{label}", field=field)
    return text


def create_village(name: str, *, code: str | None = None, kind: str | None = None,
                   seq: int | None = None, is_demo: bool = False) -> Village:
    """Add a village or community; the name must be new."""
    typed = _text(name, "name", "村（居）名称")
    name = plain_name(typed)  # 后龙村委会 -> 后龙村
    kind = kind or kind_of(name)
    if kind not in VILLAGE_KINDS:
        raise ValidationError(f"无效的类型：{kind}", field="kind")
    with db.atomic():
        _name_is_free(name, typed)
        if seq is None:
            seq = (Village.select().count() or 0) + 1
        village = Village.create(name=name, code=code, kind=kind, seq=seq, is_demo=is_demo)
        audit.log_row("create", village)
    return village


def get_village(village_id: int) -> Village:
    """A village by id."""
    village = Village.get_or_none(Village.id == village_id)
    if village is None:
        raise NotFound("找不到该村（居）")
    return village


def update_village(village_id: int, **changes: Any) -> Village:
    """Rename or re-code a village, or set its supervising cadre."""
    with db.atomic():
        village = get_village(village_id)
        if "name" in changes:
            changes["name"] = _text(changes["name"], "name", "村（居）名称")
            other = Village.get_or_none(Village.name == changes["name"])
            if other and other.id != village.id:
                raise ValidationError(f"已有同名村（居）：{changes['name']}", field="name")
            _alias_is_free(changes["name"], village.id)
        return update_row(village, changes)


def village_ids(names: list[str]) -> list[int]:
    """Village ids for names as typed (outer spaces ignored); an unknown name is refused."""
    out = []
    for raw in names:
        name = _text(raw, "village", "村（居）名称")
        out.append(find_village(name).id)
    return out


def find_village(name: str, *, exact: bool = False) -> Village:
    """The village a name the clerk typed names: its exact name, an alias, or (unless exact, as for
    removing one) an unambiguous spelling (后龙村委会); ValidationError in Chinese otherwise."""
    text = _text(name, "village", "村（居）名称")
    village = Village.get_or_none(Village.name == text)
    if village is not None:
        return village
    index = load_index()
    found = index.match(text) if not exact else index.exact.get(spelling(text))
    if isinstance(found, Ambiguous):
        raise ValidationError(f"「{text}」{found.reason}，请写全称", field="village")
    if isinstance(found, Elsewhere):  # 界山镇后龙村: another town's village, never ours
        raise ValidationError(f"「{text}」{found.reason}", field="village")
    if found is None:
        raise ValidationError(f"找不到村（居）：{text}", field="village")
    return get_village(found[0])


def _name_is_free(name: str, typed: str) -> None:
    """Refuse a new village whose (plain) name is taken, is an alias, or is another's spelling."""
    same = {0: name} if Village.get_or_none(Village.name == name) else load_index().plain.get(name)
    if same and typed == name and 0 in same:
        raise ValidationError(f"已有同名村（居）：{name}", field="name")
    if same:
        raise ValidationError(f"「{typed}」就是已有的「{'、'.join(same.values())}」（名单中这样写会自动对应），"
                              "不必新建", field="name")
    _alias_is_free(name, None)


def _alias_is_free(name: str, village_id: int | None) -> None:
    """Refuse a name that is another village's alias."""
    row = VillageAlias.get_or_none(VillageAlias.alias == spelling(name))
    if row is not None and row.village_id != village_id:
        raise ValidationError(f"「{name}」已是「{row.village.name}」的别名", field="name")


def rename_village(village_id: int, new_name: str) -> Village:
    """Rename a village (its kind follows a new 村 / 社区 ending); the old name stays as an alias, so
    lists that still use it match."""
    with db.atomic():
        village = get_village(village_id)
        old = village.name
        new_name = _text(new_name, "name", "村（居）名称")
        if new_name == old:
            raise ValidationError("新名称与原名称相同", field="name")
        own = VillageAlias.get_or_none(VillageAlias.alias == spelling(new_name))
        kind = {"kind": kind_of(new_name)} if new_name.endswith(("村", "社区")) else {}  # 村改居: 上西村 -> 上西社区
        update_village(village_id, name=new_name, **kind)
        if own is not None:  # the new name was an alias of this village: it is the name now
            _delete_alias(own)
        add_alias(village_id, old)
        return get_village(village_id)


def set_code(village_id: int, code: str | None) -> Village:
    """Set (or clear, with an empty code) a village's statistical code."""
    return update_village(village_id, code=(str(code or "").strip() or None))


def move_village(village_id: int, step: int) -> list[int]:
    """Move a village up (-1) or down (+1) in the town's order; the ids in their new order."""
    with db.atomic():
        order = [v.id for v in Village.select(Village.id).order_by(Village.seq, Village.id)]
        if village_id not in order:
            raise NotFound("找不到该村（居）")
        at = order.index(village_id)
        to = max(0, min(len(order) - 1, at + step))
        order.insert(to, order.pop(at))
        for seq, vid in enumerate(order, start=1):
            village = Village.get_by_id(vid)
            if village.seq != seq:
                update_row(village, {"seq": seq})
    return order


def add_alias(village_id: int, alias: str) -> VillageAlias:
    """Another spelling of a village (audited); refused when it names another village already."""
    with db.atomic():
        village = get_village(village_id)
        text = spelling(_text(alias, "alias", "别名"))
        if text == spelling(village.name):
            raise ValidationError(f"「{alias}」就是该村（居）的名称", field="alias")
        other = Village.select().where(Village.id != village_id).execute()
        clash = next((v.name for v in other if spelling(v.name) == text), None)
        if clash:
            raise ValidationError(f"已有村（居）叫「{clash}」，不能作为别名", field="alias")
        row = VillageAlias.get_or_none(VillageAlias.alias == text)
        if row is not None:
            where = "该村（居）" if row.village_id == village_id else f"「{row.village.name}」"
            raise ValidationError(f"「{alias}」已是{where}的别名", field="alias")
        row = VillageAlias.create(village=village_id, alias=text)
        audit.log_row("create", row)
        return row


def remove_alias(village_id: int, alias: str) -> None:
    """Remove an alias of a village (audited)."""
    with db.atomic():
        row = VillageAlias.get_or_none((VillageAlias.alias == spelling(alias)) & (VillageAlias.village == village_id))
        if row is None:
            raise NotFound(f"「{alias}」不是该村（居）的别名")
        _delete_alias(row)


def _delete_alias(row: VillageAlias) -> None:
    """Delete an alias row, audited (inside the caller's transaction)."""
    before = audit.snapshot(row)
    row.delete_instance()
    audit.log("delete", "village_alias", before["id"], before, None)


def save_aliases(mapped: dict[str, int]) -> int:
    """The spellings an import mapped to villages, kept as aliases (those not known yet); how many."""
    index, added = load_index(), 0
    for text, village_id in mapped.items():
        if spelling(text) not in index.exact:
            add_alias(village_id, text)
            added += 1
    return added


def aliases_of(village_id: int) -> list[str]:
    """A village's aliases, oldest first."""
    query = VillageAlias.select(VillageAlias.alias).where(VillageAlias.village == village_id).order_by(VillageAlias.id)
    return [a.alias for a in query]


def registry_rows() -> list[dict[str, Any]]:
    """Every village in order with its code, kind, aliases and counts (persons, cases of the active
    campaign, zones, members): a few grouped queries."""
    from store.campaign.active import active_campaign_id

    def counts(sql: str, params: tuple = ()) -> dict[int, int]:
        return dict(db.execute_sql(sql, params).fetchall())

    persons = counts('SELECT village_id, count(*) FROM "person" WHERE deleted_at IS NULL GROUP BY village_id')
    cases = counts('SELECT p.village_id, count(*) FROM "case" c JOIN "person" p ON p.id = c.person_id '
                   "WHERE c.campaign_id = ? AND c.deleted_at IS NULL AND p.deleted_at IS NULL "
                   "GROUP BY p.village_id", (active_campaign_id(),))
    zones = counts('SELECT village_id, count(*) FROM "zone" GROUP BY village_id')
    members = counts('SELECT village_id, count(*) FROM "member" GROUP BY village_id')
    aliases: dict[int, list[str]] = {}
    for vid, alias in db.execute_sql('SELECT village_id, alias FROM "village_alias" ORDER BY id').fetchall():
        aliases.setdefault(vid, []).append(alias)
    rows = db.execute_sql('SELECT id, seq, name, kind, code FROM "village" ORDER BY seq, id').fetchall()
    return [{"id": vid, "seq": seq, "name": name, "kind": kind, "code": code, "aliases": aliases.get(vid, []),
             "persons": persons.get(vid, 0), "cases": cases.get(vid, 0), "zones": zones.get(vid, 0),
             "members": members.get(vid, 0)} for vid, seq, name, kind, code in rows]


def village_list() -> list[tuple[int, str]]:
    """(id, name) of every village in the town's order."""
    return [(v.id, v.name) for v in Village.select(Village.id, Village.name).order_by(Village.seq, Village.id)]
