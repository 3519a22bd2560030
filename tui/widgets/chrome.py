"""The header (town, campaign, phase, next deadline) and the status line (db, operator, backup)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Footer, Static

from store.safety.copies import is_stale

from ..compat import FooterKey
from ..text import cut
from ..typed_app import app_of

if TYPE_CHECKING:
    from store.reports.dashboard import ShellInfo


class AppHeader(Static):
    """Town, campaign, current phase, days to the next deadline."""

    DEFAULT_CSS = """
    AppHeader { height: 1; background: $primary; color: $text; text-style: bold; padding: 0 1; }
    """

    def on_mount(self) -> None:
        """Follow the app's shell info."""
        self.watch(self.app, "shell", self.show, init=True)

    def show(self, info) -> None:
        """Render the header line."""
        if info is None:
            self.update("应保尽保")
            return
        text = Text(f"{info.town or '（未设置乡镇）'}  ")
        left = f"阶段：{info.phase}  " if info.phase else ""
        if info.deadline_days is None:
            due = Text("")
        elif info.deadline_days >= 0:
            due = Text(f"{info.deadline} 还有{info.deadline_days}天")
        else:
            due = Text(f"{info.deadline} 已过{-info.deadline_days}天", style="bold red")
        room = max(10, self.size.width - 2 - text.cell_len - cell_len(left) - due.cell_len - 2)
        text.append(cut(info.campaign, room) + "  ")
        text.append(left)
        self.update(text + due)

    def on_resize(self) -> None:
        """Re-cut the campaign name to the new width."""
        self.show(getattr(self.app, "shell", None))


def backup_text(last: dt.datetime | None, now: dt.datetime) -> Text:
    """The last backup's time; 从未备份, or more than a day old, in red."""
    if last is None:
        return Text("从未备份", style="bold red")
    return Text(f"{last:%m-%d %H:%M}", style="bold red" if is_stale(last, now) else "")


class StatusLine(Static):
    """Database path, operator, last backup (从未备份 or more than a day old in red)."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    def on_mount(self) -> None:
        """Follow the app's shell info."""
        self.watch(self.app, "shell", self.show, init=True)

    def show(self, info: ShellInfo | None) -> None:
        """Render the status line."""
        app = app_of(self)
        backup = backup_text(info.last_backup if info else None, app.now())
        who = info.operator if info and info.operator else "（未设置）"
        head = Text(f"操作员：{who}  上次备份：") + backup
        if getattr(app, "read_only", False):
            head = Text("只读（不能修改）", style="bold reverse red") + Text("  ") + head
        room = max(10, self.size.width - 2 - head.cell_len - 6)
        self.update(Text(f"数据库：{cut(str(app.db_path), room)}  ") + head)

    def on_resize(self) -> None:
        """Re-cut the path to the new width."""
        self.show(getattr(self.app, "shell", None))


class FitFooter(Footer):
    """The footer with only the keys that fit, whole: F1 帮助 first, then this screen's keys, then the
    app's; the rest are in F1. Textual's footer cuts the last key mid-word (「Ctrl+P   令」)."""

    def compose(self):
        """FooterKeys in priority order, as many as the width holds, the palette key at the right."""
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        shown, seen = [], set()
        for node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                shown.append((node is self.app, binding.action != "help", binding, enabled, tooltip))
        shown.sort(key=lambda row: (row[1], row[0]))  # F1 first, then the screen's, then the app's
        room = self.app.size.width - (self._key_width(palette[1]) + 1 if palette else 0)
        for _app, _help, binding, enabled, tooltip in shown:
            width = self._key_width(binding)
            if width > room:
                continue
            room -= width
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                            disabled=not enabled, tooltip=tooltip).data_bind(compact=Footer.compact)
        if palette and self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            _node, binding, enabled, tooltip = palette
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                            classes="-command-palette", disabled=not enabled,
                            tooltip=binding.tooltip or binding.description)

    def _key_width(self, binding) -> int:
        """Cells one key takes: the key with its padding, the description and its space."""
        return cell_len(self.app.get_key_display(binding)) + 2 + cell_len(binding.description) + 1

    def on_resize(self) -> None:
        """Fit again at the new width."""
        self.call_after_refresh(self.recompose)
