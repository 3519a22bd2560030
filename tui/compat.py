"""Every use of a private Textual API, in one place.

Why: Textual is pinned exactly (pyproject.toml, textual==8.2.8) and these names are not part of its public
API, so any upgrade may move or rename them. Keeping them here means an upgrade is checked in one file:
run tests/test_tui_*.py and look at this module first. Each helper says what it works around.

Textual classes patched at start-up, in their own modules because they are about looks, not about Textual:
- tui/glyphs.py: ``ToggleButton._button``, ``SelectionList.render_line``, the scrollbar and bar glyphs
  (ASCII instead of ambiguous-width block glyphs, which Chinese consoles draw two cells wide).
- tui/table_keys.py: ``DataTable._merged_bindings`` rebuilt and ``Screen._bindings`` read, so Home/End and
  g/G reach every table.

Private hooks overridden by subclassing (they cannot be gathered here, only listed):
- ``App._handle_exception`` in tui/app.py: replaces Textual's crash screen, which prints local variables
  (ID numbers included), with a short Chinese message.
- ``CommandPalette._start_no_matches_countdown`` in tui/palette.py (with ``_NO_MATCHES``, ``_list_visible``,
  ``_no_matches_timer``): the 「没有匹配的命令」 line in Chinese.
- ``EventMonitor.run`` in tui/win_ime.py (Windows only): the key filter that keeps IME input intact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets._footer import FooterKey  # noqa: F401  (the footer builds its own key row)
from textual.widgets._toggle_button import ToggleButton  # noqa: F401  (ASCII brackets for Checkbox/RadioButton)

if TYPE_CHECKING:
    from textual.app import App
    from textual.widgets import DataTable


def xterm_parser() -> Any:
    """Textual's key-sequence parser class (for the Windows IME event loop in tui/win_ime.py)."""
    from textual._xterm_parser import XTermParser

    return XTermParser


def exit_with_message(app: App, renderable: Any) -> None:
    """Leave the app with return code 1 and print ``renderable`` after the screen is restored."""
    app._return_code = 1
    app._exit_renderables.append(renderable)
    app._close_messages_no_wait()


def table_owes_layout(table: DataTable) -> bool:
    """True while a DataTable still owes its column widths (Textual measures them on Idle)."""
    return bool(table._require_update_dimensions or table._updated_cells)
