"""Write functions for the town itself and its villages (members: members.py; zones: zones.py)."""

from __future__ import annotations

from typing import Any

from . import audit, settings
from .common import update_row
from .errors import NotFound, ValidationError
from .schema import Village, db

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


def update_village(village_id: int, **changes: Any) -> Village:
    """Rename or re-code a village, or set its supervising cadre."""
    with db.atomic():
        village = get_village(village_id)
        if "name" in changes:
            changes["name"] = _text(changes["name"], "name", "村（居）名称")
            other = Village.get_or_none(Village.name == changes["name"])
            if other and other.id != village.id:
                raise ValidationError(f"已有同名村（居）：{changes['name']}", field="name")
        return update_row(village, changes)


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
