"""A member: name, role, village, phone, note (add or edit)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Select, Static

from store.town.members import add_member, edit_member
from store.town.villages import ROLES

from ..typed_app import app_of
from ..widgets.fields import FieldError
from .form import FormScreen, chosen, labelled, text_of


class MemberForm(FormScreen):
    """新增或修改人员."""

    CSS_PATH = "org_forms.tcss"
    PREFIX = "mf"

    def __init__(self, member=None) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        m = self.member
        with Vertical(classes="org-box"):
            yield Static(f"{'修改' if m else '新增'}人员（Ctrl+S 保存，Esc 取消）", classes="org-title")
            yield from labelled("mf", "name", "姓名", m.name if m else "")
            yield Label("职务")
            yield Select([(r, r) for r in ROLES], prompt="选择职务", value=m.role if m else Select.NULL, id="mf-role")
            yield FieldError(id="mf-role-error")
            yield Label("所在村（居）（镇干部可不选）")
            village = m.village_id if m and m.village_id else Select.NULL
            yield Select([(n, i) for i, n in app_of(self).villages], prompt="（镇）", value=village, id="mf-village_id")
            yield FieldError(id="mf-village_id-error")
            yield from labelled("mf", "phone", "电话（可填多个，用 / 分隔）", m.phone if m else "", "如 13800001234")
            yield from labelled("mf", "note", "备注", (m.note or "") if m else "")
            yield FieldError(id="mf-form-error")

    def on_mount(self) -> None:
        """Start on the name."""
        self.query_one("#mf-name").focus()

    def values(self) -> dict:
        """What was typed."""
        return {"name": text_of(self, "mf", "name"), "role": chosen(self, "mf", "role") or "",
                "village_id": chosen(self, "mf", "village_id"), "phone": text_of(self, "mf", "phone"),
                "note": text_of(self, "mf", "note")}

    def write(self, values: dict):
        """store.town.members.add_member or edit_member."""
        if self.member:
            return edit_member(self.member.id, **values)
        return add_member(values.pop("name"), values.pop("role"), **values)
