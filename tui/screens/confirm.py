"""A yes/no question: y or Enter for yes, n or Esc for no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    """确认."""

    CSS_PATH = "confirm.tcss"
    BINDINGS = [
        Binding("y,enter", "yes", "是", key_display="y"),
        Binding("n,escape", "no", "否", key_display="n"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question")
            yield Static("y 或 Enter：是    n 或 Esc：否", id="confirm-keys")

    def action_yes(self) -> None:
        """Yes."""
        self.dismiss(True)

    def action_no(self) -> None:
        """No."""
        self.dismiss(False)
