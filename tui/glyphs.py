"""Only glyphs a Chinese Windows console draws one cell wide.

Textual draws scrollbar thumbs with eighth-block glyphs and progress bars with heavy box lines,
all East Asian Width "A" (two cells on a Chinese-font console, breaking every row beside them).
Applied once at import, before any widget renders: thumbs in whole cells (their background
colour shows them), progress bars in ASCII. Check boxes draw an X only when ticked (Textual draws
it in both states, told apart by colour alone).
"""

from __future__ import annotations

from rich.segment import Segment
from textual.renderables.bar import Bar
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip
from textual.widgets import SelectionList

from .compat import ToggleButton

# mypy types a property read on its class as the getter function, which has no fget
_toggle_button = ToggleButton._button.fget  # type: ignore[attr-defined]
_selection_line = SelectionList.render_line


def _ticked_button(self):
    """A Checkbox or RadioButton: [X] when on, [ ] when off."""
    self.BUTTON_INNER = "X" if self.value else " "
    return _toggle_button(self)


def _ticked_line(self, y: int) -> Strip:
    """A SelectionList line: the X only on selected options."""
    strip = _selection_line(self, y)
    segments = list(strip)
    if len(segments) > 2 and segments[1].text == ToggleButton.BUTTON_INNER:
        index = (segments[1].style.meta if segments[1].style else {}).get("option")
        if index is not None and self.get_option_at_index(index).value not in self._selected:
            segments[1] = Segment(" ", segments[1].style)
            return Strip(segments, strip.cell_length)
    return strip


def apply() -> None:
    """Swap Textual's ambiguous-width glyphs for plain ones (idempotent)."""
    ScrollBarRender.VERTICAL_BARS = [" "] * 8
    ScrollBarRender.HORIZONTAL_BARS = [" "] * 8
    Bar.HALF_BAR_LEFT, Bar.BAR, Bar.HALF_BAR_RIGHT = "=", "=", "-"
    # The ignores: deliberate patches of Textual's classes (see the docstring)
    ToggleButton._button = property(_ticked_button)  # type: ignore[method-assign, assignment]
    SelectionList.render_line = _ticked_line  # type: ignore[method-assign]


apply()
