"""A table that shows one page of a long list: it holds the ordered ids, never every row.

The owner gives the ids (one cheap query per filter or sort) and a `fetch(ids) -> rows` store
function; the table asks for the rows of the page on screen in a thread worker. The cursor is
an absolute index into the ids, kept across pages, filters and sorts.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.worker import Worker

from ..screens.base import LoadsInThread

Rows = Sequence[Sequence[Any]]  # a page: each row its id, then its cells


class PagedTable(LoadsInThread, DataTable):
    """DataTable over a page of `ids`; rows come from `fetch` in a worker."""

    BINDINGS = [
        Binding("down", "cursor_down", show=False), Binding("up", "cursor_up", show=False),
        Binding("pagedown", "page_down", show=False), Binding("pageup", "page_up", show=False),
        Binding("home", "first", show=False), Binding("end", "last", show=False),
    ]

    class Moved(Message):
        """The cursor is on another item (index into ids, its id or None)."""

        def __init__(self, table: "PagedTable", index: int, item_id: int | None) -> None:
            super().__init__()
            self.table, self.at, self.item_id = table, index, item_id

    def __init__(self, fetch: Callable[[list[int]], Rows], **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.fetch = fetch
        self.ids: list[int] = []
        self.page_start = 0
        self.at = 0
        self.loaded_size = 0  # the page size the shown page was loaded for

    @property
    def page_size(self) -> int:
        """Rows that fit on screen (header line excluded)."""
        return max(5, self.size.height - 1) if self.size.height else 20

    @property
    def current_id(self) -> int | None:
        """The id under the cursor."""
        return self.ids[self.at] if self.ids else None

    def set_ids(self, ids: list[int], keep_id: int | None = None) -> None:
        """New list (after a filter or sort): stay on keep_id if it is still there."""
        old = self.at
        self.ids = ids
        if keep_id is not None and keep_id in ids:
            target = ids.index(keep_id)
        else:
            target = min(old, len(ids) - 1)
        self.goto(max(0, target), force=True)

    def goto(self, index: int, force: bool = False) -> None:
        """Move the cursor to an absolute index, loading its page when needed."""
        if not self.ids:
            self.at, self.page_start = 0, 0
            self.clear()
            self.post_message(self.Moved(self, 0, None))
            return
        index = max(0, min(index, len(self.ids) - 1))
        self.at = index
        size = self.page_size
        if force or not (self.page_start <= index < self.page_start + self.row_count):
            self.page_start, self.loaded_size = (index // size) * size, size
            self.load_page(self.page_start, self.ids[self.page_start:self.page_start + size], index)
        else:
            self.move_cursor(row=index - self.page_start)
            self.post_message(self.Moved(self, index, self.ids[index]))

    def load_page(self, offset: int, ids: list[int], index: int) -> Worker:
        """Fetch the page's rows off the UI thread."""
        return self.load_then_show("page", lambda: self.fetch(ids), lambda rows: self._show_page(offset, rows, index))

    def _show_page(self, offset: int, rows: Rows, index: int) -> None:
        """Put the page in the table, cursor on index."""
        if offset != self.page_start:
            return  # a newer page was asked for meanwhile
        self.clear()
        for row in rows:
            self.add_row(*row[1:], key=str(row[0]))
        self.move_cursor(row=index - offset, animate=False)
        self.post_message(self.Moved(self, index, self.current_id))

    def action_cursor_down(self) -> None:
        """Down, into the next page at the bottom."""
        self.goto(self.at + 1)

    def action_cursor_up(self) -> None:
        """Up, into the previous page at the top."""
        self.goto(self.at - 1)

    def action_page_down(self) -> None:
        """One page on."""
        self.goto(self.at + self.page_size)

    def action_page_up(self) -> None:
        """One page back."""
        self.goto(self.at - self.page_size)

    def action_first(self) -> None:
        """The first row."""
        self.goto(0)

    def action_last(self) -> None:
        """The last row."""
        self.goto(len(self.ids) - 1)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """A mouse click moved the cursor: follow it."""
        if event.data_table is self and self.ids and self.row_count:
            self.at = min(self.page_start + event.cursor_row, len(self.ids) - 1)

    def on_resize(self) -> None:
        """A new height means a new page size: reload around the cursor (only then: a reload clears the
        table, and a resize that keeps the page size, such as a wider window, needs none)."""
        if self.ids and self.page_size != self.loaded_size:
            self.goto(self.at, force=True)
