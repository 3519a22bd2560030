"""A zone: name, member in charge, address keywords (add or edit)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Select, Static

from store.town.zones import create_zone, edit_zone

from ..widgets.fields import FieldError
from .form import FormScreen, chosen, labelled, text_of


class ZoneForm(FormScreen):
    """新增或修改片区."""

    CSS_PATH = "org_forms.tcss"
    PREFIX = "zf"

    def __init__(self, village_id: int, members: list[tuple[int, str]], zone=None) -> None:
        super().__init__()
        self.village_id, self.members, self.zone = village_id, members, zone

    def compose(self) -> ComposeResult:
        z = self.zone
        with Vertical(classes="org-box"):
            yield Static(f"{'修改' if z else '新增'}片区（Ctrl+S 保存，Esc 取消）", classes="org-title")
            yield from labelled("zf", "name", "片区名称", z.name if z else "", "如 东片")
            yield Label("包片负责人")
            current = z.member_id if z and z.member_id in dict(self.members) else Select.NULL
            yield Select([(label, mid) for mid, label in self.members], prompt="（未定）", value=current, id="zf-member")
            yield FieldError(id="zf-member-error")
            yield from labelled("zf", "keywords", "地址关键词（组名或自然村名，用逗号、顿号或空格分隔）",
                                "、".join(z.keywords) if z else "", "如 1组、2组、后厝")
            yield FieldError(id="zf-form-error")

    def on_mount(self) -> None:
        """Start on the name."""
        self.query_one("#zf-name").focus()

    def values(self) -> dict:
        """What was typed."""
        return {"name": text_of(self, "zf", "name"), "member_id": chosen(self, "zf", "member"),
                "keywords": text_of(self, "zf", "keywords")}

    def write(self, values: dict):
        """store.town.zones.create_zone or edit_zone."""
        if self.zone:
            return edit_zone(self.zone.id, **values)
        return create_zone(self.village_id, values.pop("name"), **values)
