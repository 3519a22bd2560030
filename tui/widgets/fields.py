"""Form fields that never blink (a repaint drags the pinyin IME's candidate window away),
with one error label under each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Input, SelectionList, Static, TextArea
from textual.widgets.option_list import OptionDoesNotExist

if TYPE_CHECKING:
    from textual.screen import Screen

    _Screen = Screen  # the mixin is only ever mixed into a screen
else:
    _Screen = object


class Field(Input):
    """A one-line text field with a steady cursor."""

    DEFAULT_CSS = """
    Field { height: 1; }
    """
    prefilled = False  # the form filled the value in: not 「typed」 for the Esc question

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_blink = False

    async def action_submit(self) -> None:
        """Enter: on a form, move on at once, in key order (no message round trip)."""
        handler = getattr(self.screen, "field_enter", None)
        if handler is None:
            await super().action_submit()
        else:
            handler(self)


class NoteArea(TextArea):
    """A multi-line note with a steady cursor and soft wrap."""

    DEFAULT_CSS = """
    NoteArea { height: 5; }
    """
    prefilled = False  # as Field's

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("soft_wrap", True)
        super().__init__(*args, **kwargs)
        self.cursor_blink = False


class FieldError(Static):
    """The error under one field; empty and one line high until a validation fails."""

    DEFAULT_CSS = """
    FieldError { height: auto; color: $error; padding: 0 1; display: none; }
    """

    def set(self, message: str | None) -> None:
        """Show (or clear) the message."""
        self.update(message or "")
        self.display = bool(message)


class EnterMovesOn(_Screen):
    """Screen mixin: Enter in a Field calls `field_enter` directly (while the key is handled), so
    text typed right after Enter lands in the next field and text typed before it is kept."""

    def field_enter(self, field: Input) -> None:
        """Default: the next field."""
        self.focus_next()


class CheckList(SelectionList[Any]):
    """A SelectionList whose boxes read [X] when chosen and [ ] when not (not by colour alone)."""

    def render_line(self, y: int) -> Strip:
        """The line with a blank box for an unchosen option."""
        strip = super().render_line(y)
        segments = list(strip)
        try:
            option = self.get_option_at_index(self.scroll_offset[1] + y)
        except OptionDoesNotExist:
            return strip
        if len(segments) > 2 and option.value not in self._selected:
            segments[1] = Segment(" " * cell_len(segments[1].text), segments[1].style)
        return Strip(segments, strip.cell_length)
