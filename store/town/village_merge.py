"""Merging one village into another (the repair of fragments a list's spellings made) and removing
an empty village.

Everything that refers to a village moves: every foreign key to Village (persons, and with them their
cases; zones, members, problems, acceptances, surveys, notices, aliases; found through the model's
back references, so a table added later moves too). One transaction: the merged village's zones
keep their names unless the target has one of the same name (then 「1组（后龙村委会）」), its cadre and
code fill the target's when it has none, its name becomes an alias of the target, and it is deleted.
Audited: one 「合并」 row per moved person (their history shows the move), the village's last state
as a delete row, and one 「合并」 row on the target with what moved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from store import audit
from store.common import update_row
from store.errors import StoreError, ValidationError
from store.schema import AuditLog, Case, Person, Village, VillageAlias, Zone, db, now
from store.town.villages import add_alias, get_village
from store.town.village_names import spelling

MERGE = "merge"
# (table, Chinese name, unit, audit key) of what a village holds, in the order a preview lists it
HOLDINGS = [
    ("person", "人员", "人", "persons"), ("case", "排查对象", "个", "cases"), ("zone", "片区", "个", "zones"),
    ("member", "工作人员", "人", "members"), ("problem", "问题", "个", "problems"),
    ("acceptance", "验收", "次", "acceptances"), ("satisfaction_survey", "满意度测评", "次", "surveys"),
    ("notice", "通报约谈", "次", "notices"), ("village_alias", "别名", "个", "aliases"),
]
LABELS = {table: (name, unit, key) for table, name, unit, key in HOLDINGS}


@dataclass
class MergePlan:
    """What merging one village into another moves (read only; merge_villages does it)."""

    source_id: int
    source: str
    target_id: int
    target: str
    counts: dict[str, int]  # table -> rows that move (cases: those of the moving persons)
    zone_names: dict[int, tuple[str, str]] = field(default_factory=dict)  # zone id -> (name, new name)

    def lines(self) -> list[str]:
        """The preview in Chinese, one line per kind of record."""
        out = [f"{LABELS[t][0]}{n}{LABELS[t][1]}" for t, n in self.counts.items() if n and t in LABELS]
        out += [f"片区「{old}」改名为「{new}」（「{self.target}」已有同名片区）" for old, new in self.zone_names.values()]
        return out

    def text(self) -> str:
        """The whole preview on one line."""
        moves = "、".join(f"{LABELS[t][0]}{n}{LABELS[t][1]}" for t, n in self.counts.items() if n and t in LABELS)
        return (f"把「{self.source}」合并到「{self.target}」：{moves or '没有记录'}转到「{self.target}」，"
                f"「{self.source}」的名称作为「{self.target}」的别名，「{self.source}」随后删除")


def _fks() -> list:
    """Every foreign key field to Village (Member.village, Zone.village, Person.village ...)."""
    return sorted(Village._meta.backrefs, key=lambda f: (f.model._meta.table_name, f.name))


def holdings(village_id: int) -> dict[str, int]:
    """table -> rows referring to a village (and the cases of its persons), zero counts left out."""
    out: dict[str, int] = {}
    for fk in _fks():
        table = fk.model._meta.table_name
        n = fk.model.select().where(fk == village_id).count()
        out[table] = out.get(table, 0) + n
        if table == "person":
            out["case"] = Case.select().join(Person).where(Person.village == village_id).count()
    order = [t for t, *_rest in HOLDINGS]
    return {t: out[t] for t in sorted(out, key=lambda t: order.index(t) if t in order else len(order)) if out[t]}


def _zone_names(source: Village, target: Village) -> dict[int, tuple[str, str]]:
    """New names for the source's zones whose names the target already uses."""
    taken = {z.name for z in Zone.select(Zone.name).where(Zone.village == target.id)}
    out = {}
    for zone in Zone.select().where(Zone.village == source.id).order_by(Zone.seq, Zone.id):
        name = zone.name
        if name in taken:
            name, n = f"{zone.name}（{source.name}）", 2
            while name in taken:
                name, n = f"{zone.name}（{source.name}{n}）", n + 1
            out[zone.id] = (zone.name, name)
        taken.add(name)
    return out


def plan_merge(source_id: int, target_id: int) -> MergePlan:
    """What merging source into target would move (read only)."""
    if source_id == target_id:
        raise ValidationError("不能把村（居）合并到它自己", field="target")
    source, target = get_village(source_id), get_village(target_id)
    return MergePlan(source.id, source.name, target.id, target.name, holdings(source.id), _zone_names(source, target))


def merge_villages(source_id: int, target_id: int) -> MergePlan:
    """Merge source into target in one transaction (see the module docstring); what moved."""
    with db.atomic("IMMEDIATE"):
        plan = plan_merge(source_id, target_id)
        source, target = get_village(source_id), get_village(target_id)
        for zone_id, (_old, new) in plan.zone_names.items():
            update_row(Zone.get_by_id(zone_id), {"name": new})
        _audit_persons(source, target)
        for fk in _fks():
            fk.model.update({fk: target.id}).where(fk == source.id).execute()
        fill = {k: getattr(source, k) for k in ("cadre_id", "code") if getattr(target, k) is None and getattr(source, k)}
        if fill:
            update_row(target, fill)
        before = audit.snapshot(source)
        source.delete_instance()
        audit.log("delete", "village", source_id, before, None)
        if spelling(plan.source) != spelling(plan.target) \
                and not VillageAlias.get_or_none(VillageAlias.alias == spelling(plan.source)):
            add_alias(target.id, plan.source)
        moved = {LABELS[t][2]: n for t, n in plan.counts.items() if t in LABELS}
        audit.log(MERGE, "village", target.id, {"village": plan.source},
                  {"village": plan.target, **moved, "zone_renames": [list(v) for v in plan.zone_names.values()]})
    return plan


def _audit_persons(source: Village, target: Village) -> None:
    """One 「合并」 audit row per person that moves (their history shows the new village)."""
    ids = [p.id for p in Person.select(Person.id).where(Person.village == source.id)]
    if not ids:
        return
    stamp, operator = now(), audit.current_operator()
    before, after = json.dumps({"village": source.name}, ensure_ascii=False), json.dumps({"village": target.name}, ensure_ascii=False)
    rows = [{"time": stamp, "operator": operator, "action": MERGE, "table": "person", "row_id": pid,
             "before": before, "after": after} for pid in ids]
    for start in range(0, len(rows), 500):
        AuditLog.insert_many(rows[start:start + 500]).execute()


def remove_village(village_id: int) -> str:
    """Delete a village that holds nothing (its aliases go with it), audited; its name. A village
    that still holds records is refused with what it holds."""
    with db.atomic():
        village = get_village(village_id)
        held = {t: n for t, n in holdings(village_id).items() if t != "village_alias"}
        if held:
            what = "、".join(f"{LABELS[t][0]}{n}{LABELS[t][1]}" if t in LABELS else f"{t}{n}条" for t, n in held.items())
            raise StoreError(f"「{village.name}」还有{what}，不能删除；如是同一个村（居），请合并到另一个村（居）")
        for alias in VillageAlias.select().where(VillageAlias.village == village_id):
            snap = audit.snapshot(alias)
            alias.delete_instance()
            audit.log("delete", "village_alias", snap["id"], snap, None)
        before = audit.snapshot(village)
        village.delete_instance()
        audit.log("delete", "village", village_id, before, None)
        return before["name"]
