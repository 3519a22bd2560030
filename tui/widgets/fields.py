"""Form fields that never blink (a repaint drags the pinyin IME's candidate window away),
with one error label under each."""

from __future__ import annotations

from textual.widgets import Input, Static, TextArea


class Field(Input):
    """A one-line text field with a steady cursor."""

    DEFAULT_CSS = """
    Field { height: 1; }
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_blink = False


class NoteArea(TextArea):
    """A multi-line note with a steady cursor and soft wrap."""

    DEFAULT_CSS = """
    NoteArea { height: 5; }
    """

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
