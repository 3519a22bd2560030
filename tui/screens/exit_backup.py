"""The short notice while the app backs up on exit; on failure the reason, Enter quits."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ExitBackupScreen(ModalScreen[None]):
    """正在备份 (then, only on failure, the reason and the keys)."""

    CSS_PATH = "exit_backup.tcss"
    BINDINGS = [
        Binding("enter", "leave", "退出", key_display="Enter"),
        Binding("escape", "stay", "返回程序", key_display="Esc"),
    ]
    failed_message: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="eb-box"):
            yield Static("今天还没有备份，正在备份并校验，完成后自动退出...", id="eb-text")
            yield Static("", id="eb-keys")

    def failed(self, message: str) -> None:
        """Show why the backup failed."""
        self.failed_message = message
        self.query_one("#eb-text", Static).update(f"备份未完成：{message}")
        keys = self.query_one("#eb-keys", Static)
        keys.update("Enter：仍然退出    Esc：返回程序（可在设置里按 F5 立即备份）")
        keys.display = True

    def action_leave(self) -> None:
        """Enter after a failure: quit anyway."""
        if self.failed_message:
            self.app.exit(message=f"退出前备份未完成：{self.failed_message}")

    def action_stay(self) -> None:
        """Esc after a failure: back to work."""
        if self.failed_message:
            self.dismiss(None)
