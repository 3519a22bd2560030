"""Write functions for the town's organisation: the town itself, villages, members, zones."""

from __future__ import annotations

from typing import Any

from . import audit, settings
from .errors import NotFound, ValidationError
from .schema import Member, Village, Zone, db

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
    name = _text(name, "name", "村（居）名称")
    kind = kind or ("社区" if name.endswith(("社区", "居委会")) else "村")
    if kind not in VILLAGE_KINDS:
        raise ValidationError(f"无效的类型：{kind}", field="kind")
    with db.atomic():
        if Village.get_or_none(Village.name == name):
            raise ValidationError(f"已有同名村（居）：{name}", field="name")
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


def _update(model_row, **changes: Any):
    """Apply changes to a row and audit them."""
    before = audit.snapshot(model_row)
    for key, value in changes.items():
        setattr(model_row, key, value)
    model_row.save()
    audit.log_row("update", model_row, before)
    return model_row


def update_village(village_id: int, **changes: Any) -> Village:
    """Rename or re-code a village, or set its supervising cadre."""
    with db.atomic():
        village = get_village(village_id)
        if "name" in changes:
            changes["name"] = _text(changes["name"], "name", "村（居）名称")
            other = Village.get_or_none(Village.name == changes["name"])
            if other and other.id != village.id:
                raise ValidationError(f"已有同名村（居）：{changes['name']}", field="name")
        return _update(village, **changes)


def create_member(name: str, role: str, *, village_id: int | None = None,
                  phone: str | None = None, note: str | None = None) -> Member:
    """Add a member (两委, 驻村干部, 镇干部, 协理员)."""
    name = _text(name, "name", "姓名")
    if role not in ROLES:
        raise ValidationError(f"无效的职务：{role}", field="role")
    with db.atomic():
        member = Member.create(name=name, role=role, village=village_id, phone=phone, note=note)
        audit.log_row("create", member)
    return member


def create_zone(village_id: int, name: str, *, member_id: int | None = None,
                keywords: str | None = None) -> Zone:
    """Add a zone (包片) to a village."""
    name = _text(name, "name", "片区名称")
    with db.atomic():
        village = get_village(village_id)
        if Zone.get_or_none((Zone.village == village.id) & (Zone.name == name)):
            raise ValidationError(f"{village.name}已有片区：{name}", field="name")
        seq = Zone.select().where(Zone.village == village.id).count() + 1
        zone = Zone.create(village=village.id, name=name, member=member_id, keywords=keywords, seq=seq)
        audit.log_row("create", zone)
    return zone


def village_ids(names: list[str]) -> list[int]:
    """Village ids for names as typed (outer spaces ignored); an unknown name is refused."""
    out = []
    for raw in names:
        name = _text(raw, "village", "村（居）名称")
        village = Village.get_or_none(Village.name == name)
        if village is None:
            raise ValidationError(f"找不到村（居）：{name}", field="village")
        out.append(village.id)
    return out
