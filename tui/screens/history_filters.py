"""The town-wide history's filters: operator, table and date range (pick lists and a date form)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from store.safety import history
from store.safety.history import TABLE_LABELS

from .date_range import DateRangeScreen
from .pick import ALL, PickScreen

if TYPE_CHECKING:
    from .base import AppScreen

    _Screen = AppScreen  # the mixin only ever joins HistoryScreen
else:
    _Screen = object


class HistoryFilters(_Screen):
    """Mixin for HistoryScreen: o operator, t table, d dates, x clear."""

    filters: dict[str, Any]
    page_no: int

    def filter_text(self) -> str:
        """The filters in words."""
        f = self.filters
        parts = [f"操作员 {f['operator']}" if f.get("operator") else "",
                 f"类别 {TABLE_LABELS.get(f['table'], f['table'])}" if f.get("table") else "",
                 f"日期 {f.get('since') or '...'} 至 {f.get('until') or '...'}" if f.get("since") or f.get("until") else ""]
        return "，".join(p for p in parts if p) or "无（o 操作员，t 类别，d 日期）"

    def set_filter(self, **values: Any) -> None:
        """Change filters and go back to the first page."""
        for key, value in values.items():
            if value is None:
                self.filters.pop(key, None)
            else:
                self.filters[key] = value
        self.page_no = 1
        self.reload()

    def action_pick_operator(self) -> None:
        """o: pick an operator."""
        self.load_choices("operator")

    def action_pick_table(self) -> None:
        """t: pick a table."""
        self.load_choices("table")

    def load_choices(self, key: str) -> None:
        """Operators or tables in the log, then the pick list."""

        def fetch() -> list[tuple[str, str]]:
            """The choices (in the worker)."""
            return [(o, o) for o in history.operators()] if key == "operator" else history.tables()

        self.load_then_show("history-choices", fetch, lambda choices: self._pick(key, choices))

    def _pick(self, key: str, choices: list) -> None:
        """Show the pick list; ALL clears the filter."""

        def chosen(value: Any) -> None:
            """Apply the choice."""
            if value is not None:
                self.set_filter(**{key: None if value == ALL else value})

        self.app.push_screen(PickScreen("按操作员筛选" if key == "operator" else "按类别筛选", choices), chosen)

    def action_pick_dates(self) -> None:
        """d: a date range."""

        def picked(dates: Any) -> None:
            """Filter by the range chosen; nothing on Esc."""
            if dates is not None:
                self.set_filter(since=dates[0], until=dates[1])

        self.app.push_screen(DateRangeScreen(self.filters.get("since"), self.filters.get("until")), picked)

    def action_clear(self) -> None:
        """x: no filters."""
        self.filters = {}
        self.page_no = 1
        self.reload()
