"""/ search: results as you type (name, pinyin initials or full, ID tail, phone); Enter opens."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store.ids import mask_id
from store.people.search import find as find_people

from ..messages import OpenCase
from ..text import pad
from ..widgets.fields import Field
from .base import LoadsInThread
from .case_add_form import CaseAddForm


def hit_label(h) -> str:
    """One result line: name, village, masked ID, case status."""
    status = h.case_status or "非排查对象"
    return f"{pad(h.name, 8)}  {pad(h.village or '', 10)}  {pad(mask_id(h.id_number) or '（无证件号）', 18)}  {status}"


class SearchScreen(LoadsInThread, ModalScreen[None]):
    """搜索."""

    CSS_PATH = "search.tcss"
    BINDINGS = [Binding("escape", "close", "返回", key_display="Esc"),
                Binding("f5", "add_case", "新增对象", key_display="F5"),
                Binding("down", "down", show=False), Binding("up", "up", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list = []
        self.query_text = ""
        self.typed_at = 0.0
        self.latency_ms: list[float] = []  # keystroke to results on screen (read by the bench)

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Static("搜索：姓名、拼音首字母（如 lzm）、全拼、身份证号后4-6位或电话。Enter 打开，"
                         "F5 新增排查对象，Esc 返回")
            yield Field(placeholder="输入后即时显示结果", id="search-input")
            yield Static("", id="search-count")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        """Cursor in the search line."""
        self.query_one("#search-input", Field).focus()

    def on_input_changed(self, event: Field.Changed) -> None:
        """Each keystroke: a new search (the previous one is cancelled)."""
        self.query_text = event.value
        self.typed_at = time.perf_counter()
        self.find(event.value)

    def find(self, text: str) -> None:
        """store.people.search.find off the UI thread."""
        self.load_then_show("search", lambda: find_people(text, limit=30), lambda hits: self._show(text, hits))

    def _show(self, text: str, hits: list) -> None:
        """Show the results, if they are for what is typed now."""
        if text != self.query_text:
            return
        self.hits = hits
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options([Option(hit_label(h)) for h in hits])
        if hits:
            results.highlighted = 0
        count = f"找到 {len(hits)} 人" if hits else ("没有找到" if text.strip() else "")
        self.query_one("#search-count", Static).update(count)
        self.latency_ms.append((time.perf_counter() - self.typed_at) * 1000)

    def on_input_submitted(self) -> None:
        """Enter in the search line: open the highlighted result."""
        self._open(self.query_one(OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click in the list."""
        self._open(event.option_index)

    def _open(self, index: int | None) -> None:
        """Open the person's case; say so when the person has none."""
        if index is None or not self.hits:
            return
        hit = self.hits[index]
        if not hit.case_id:
            self._add_case(hit.person_id, f"{hit.name}（{hit.village or ''}，{mask_id(hit.id_number) or '无身份证号'}）")
            return
        self.dismiss(None)
        self.app.post_message(OpenCase(hit.case_id))

    def action_add_case(self) -> None:
        """F5: a new person as a case (第7类 by default), the typed name in the form."""
        typed = self.query_text.strip()
        self._add_case(None, "", typed if typed and not typed.isascii() else "")

    def _add_case(self, person_id: int | None, label: str, name: str = "") -> None:
        """Open the 新增排查对象 form; the new case opens after saving."""
        if getattr(self.app, "read_only", False):
            self.notify("只读方式打开，不能新增排查对象", severity="warning")
            return

        def opened(case_id) -> None:
            if case_id:
                self.dismiss(None)
                self.app.post_message(OpenCase(case_id))

        self.app.push_screen(CaseAddForm(person_id, label, name), opened)

    def action_down(self) -> None:
        """Down while typing moves in the results."""
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        """Up while typing moves in the results."""
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        """Esc: back where you were, filters and cursor untouched."""
        self.dismiss(None)
