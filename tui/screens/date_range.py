"""A date range for a filter: from and to (either may be empty), Enter or Ctrl+S applies."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from store.errors import ValidationError

from ..widgets.fields import EnterMovesOn, Field, FieldError


class DateRangeScreen(EnterMovesOn, ModalScreen[object]):
    """Dismisses with (since, until) or None when cancelled."""

    CSS_PATH = "date_range.tcss"
    BINDINGS = [Binding("ctrl+s", "apply", "确定", key_display="Ctrl+S", priority=True),
                Binding("escape", "cancel", "取消", key_display="Esc")]

    def __init__(self, since: dt.date | None, until: dt.date | None) -> None:
        super().__init__()
        self.since, self.until = since, until

    def compose(self) -> ComposeResult:
        with Vertical(id="dr-box"):
            yield Static("按日期筛选（留空表示不限，Enter 或 Ctrl+S 确定，Esc 取消）", id="dr-title")
            for key, text, value in (("since", "从", self.since), ("until", "到", self.until)):
                yield Label(text)
                yield Field(value.isoformat() if value else "", placeholder="如 2026-11-01、2026/11/1、20261101",
                            id=f"dr-{key}")
                yield FieldError(id=f"dr-{key}-error")

    def on_mount(self) -> None:
        """Start in the first field."""
        self.query_one("#dr-since", Field).focus()

    def field_enter(self, field) -> None:
        """Enter: next field, or apply from the last one."""
        if field.id == "dr-until":
            self.action_apply()
        else:
            self.focus_next()

    def action_apply(self) -> None:
        """Check both dates, then close with them."""
        from store.followup import parse_date

        for key in ("since", "until"):
            self.query_one(f"#dr-{key}-error", FieldError).set(None)
        try:
            since = parse_date(self.query_one("#dr-since", Field).value, field="since")
            until = parse_date(self.query_one("#dr-until", Field).value, field="until")
            if since and until and since > until:
                raise ValidationError("结束日期早于开始日期", field="until")
        except ValidationError as exc:
            self.query_one(f"#dr-{exc.field}-error", FieldError).set(exc.message)
            self.query_one(f"#dr-{exc.field}", Field).focus()
            return
        self.dismiss((since, until))

    def action_cancel(self) -> None:
        """Esc: no change."""
        self.dismiss(None)
