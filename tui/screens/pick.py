"""Pick one value from a list: type to narrow it, Enter to choose, Esc to cancel."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ..widgets.fields import Field

ALL = "__all__"


class PickScreen(ModalScreen[object]):
    """A list of (value, label) with a filter line; dismisses with the value, ALL or None."""

    CSS_PATH = "pick.tcss"
    BINDINGS = [Binding("escape", "cancel", "取消", key_display="Esc"),
                Binding("down", "down", show=False), Binding("up", "up", show=False)]

    def __init__(self, title: str, choices: Sequence[tuple[object, str]], allow_all: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.choices = ([(ALL, "（全部，不按此筛选）")] if allow_all else []) + list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box"):
            yield Label(f"{self.title_text}（输入文字缩小范围，Enter 选择，Esc 取消）")
            yield Field(placeholder="输入文字", id="pick-filter")
            yield OptionList(id="pick-list")

    def on_mount(self) -> None:
        """Show every choice."""
        self._fill("")

    def _fill(self, text: str) -> None:
        """The choices whose label contains the text."""
        options = self.query_one(OptionList)
        options.clear_options()
        self.shown = [c for c in self.choices if text in c[1]]
        options.add_options([Option(label) for _v, label in self.shown])
        if self.shown:
            options.highlighted = 0

    def on_input_changed(self, event: Field.Changed) -> None:
        """Narrow as you type."""
        self._fill(event.value.strip())

    def on_input_submitted(self) -> None:
        """Enter: the highlighted choice."""
        index = self.query_one(OptionList).highlighted
        if index is not None and self.shown:
            self.dismiss(self.shown[index][0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click or Enter in the list."""
        self.dismiss(self.shown[event.option_index][0])

    def action_down(self) -> None:
        """Down in the list while typing."""
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        """Up in the list while typing."""
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        """Esc: nothing chosen."""
        self.dismiss(None)
