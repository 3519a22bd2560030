"""The header (town, campaign, phase, next deadline) and the status line (db, operator, backup)."""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from ..text import cut



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
    from store.backup_files import is_stale

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

    def show(self, info) -> None:
        """Render the status line."""
        app = self.app
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
