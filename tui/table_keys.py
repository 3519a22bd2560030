"""Home/End and g/G on every table: the first and the last row.

Textual's DataTable moves to the first and last column on Home/End, which on a row-cursor table
does nothing the clerk can see. Applied once at import: on a row-cursor table Home and g go to
the first row, End and G to the last (a PagedTable to the first and last of all its pages). A
screen's own g (or G) key wins: the table's gives way to it.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable

_column_home = DataTable.action_scroll_home
_column_end = DataTable.action_scroll_end
_check_action = DataTable.check_action
KEYS = [Binding("g", "table_top", show=False), Binding("G", "table_bottom", show=False),
        Binding("shift+g", "table_bottom", show=False)]


def _top(self) -> None:
    """The first row (all pages of a paged table)."""
    if hasattr(self, "action_first"):
        self.action_first()
    else:
        self.action_scroll_top()


def _bottom(self) -> None:
    """The last row (all pages of a paged table)."""
    if hasattr(self, "action_last"):
        self.action_last()
    else:
        self.action_scroll_bottom()


def _home(self) -> None:
    """Home: the first row on a row table, else the first column."""
    (_top if self.cursor_type == "row" else _column_home)(self)


def _end(self) -> None:
    """End: the last row on a row table, else the last column."""
    (_bottom if self.cursor_type == "row" else _column_end)(self)


def _screen_has_key(table, action: str) -> bool:
    """True when the screen binds the table's g/G key to its own action (case detail's g)."""
    keys = [b.key for b in KEYS if b.action == action]
    return any(key in table.screen._bindings.key_to_bindings for key in keys)


def _check(self, action: str, parameters: tuple) -> bool | None:
    """g/G give way to a screen's own g/G."""
    if action in ("table_top", "table_bottom") and _screen_has_key(self, action):
        return False
    return _check_action(self, action, parameters)


def _subclasses(cls):
    """cls and every class derived from it so far."""
    yield cls
    for sub in cls.__subclasses__():
        yield from _subclasses(sub)


def apply() -> None:
    """Install the keys on DataTable and every table class already defined (idempotent)."""
    if getattr(DataTable, "_rows_keys", False):
        return
    # The ignores: deliberate patches of Textual's class (see the docstring), new names and methods
    DataTable._rows_keys = True  # type: ignore[attr-defined]
    DataTable.BINDINGS = [*DataTable.BINDINGS, *KEYS]
    for cls in _subclasses(DataTable):
        cls._merged_bindings = cls._merge_bindings()
    DataTable.action_scroll_home, DataTable.action_scroll_end = _home, _end  # type: ignore[method-assign]
    DataTable.action_table_top = _top  # type: ignore[attr-defined]
    DataTable.action_table_bottom = _bottom  # type: ignore[attr-defined]
    DataTable.check_action = _check  # type: ignore[method-assign]
