"""A second window on the same database: say 程序已在运行, offer read-only or quit."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class AlreadyRunningScreen(ModalScreen[bool]):
    """程序已在运行: r opens read-only, q or Esc quits."""

    CSS_PATH = "already_running.tcss"
    BINDINGS = [
        Binding("r", "read_only", "只读打开", key_display="r"),
        Binding("q,escape", "quit_window", "退出", key_display="q"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="ar-box"):
            yield Static("程序已在运行", id="ar-title")
            yield Static(self.message, id="ar-message")
            yield Static("r：以只读方式打开（只能查看、搜索、导出，不能修改）\nq 或 Esc：退出本窗口", id="ar-keys")

    def action_read_only(self) -> None:
        """Open read-only."""
        self.dismiss(True)

    def action_quit_window(self) -> None:
        """Quit this window."""
        self.dismiss(False)
