"""Marking rows of the case table and putting the marked cases (or the whole filter) into a zone,
or printing their households' 入户调查表."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.worker import Worker

from store.town.zones import AssignResult, assign_cases

from ..screens.base import LoadsInThread
from ..screens.confirm import ConfirmScreen
from ..screens.export import ExportScreen
from ..screens.pick import PickScreen
from ..typed_app import app_of

if TYPE_CHECKING:
    from textual.widget import Widget

    from store.cases.table import CaseFilter, Choice

    from .paged_table import PagedTable

    class _Browser(LoadsInThread, Widget):
        """What CaseMarks uses of the CaseBrowser it is mixed into."""

        marked: set[int]
        filter: CaseFilter
        choices: dict[str, list[Choice]]

        @property
        def table(self) -> PagedTable: ...

        def apply(self, **changes: Any) -> None: ...

        def _bar(self) -> None: ...
else:
    _Browser = LoadsInThread

MARK = "* "


class CaseMarks(_Browser):
    """CaseBrowser mixin: space marks a row, a assigns the marked cases (or the filter) to a zone,
    u shows only the cases without a zone (未分片)."""

    MARK_BINDINGS = [
        Binding("space", "mark", "标记", key_display="空格", show=False),
        Binding("a", "assign", "分片", key_display="a"),
        Binding("u", "unzoned", "未分片", key_display="u", show=False),
        Binding("t", "survey", "入户调查表", key_display="t", show=False),
    ]

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """No zone assignment in read-only mode."""
        return not (action == "assign" and getattr(self.app, "read_only", False))

    def marked_cells(self, rows: list[tuple]) -> list[tuple]:
        """Rows with a star before the village of each marked case (runs in the page worker)."""
        marked = set(self.marked)
        return [(r[0], MARK + r[1], *r[2:]) if r[0] in marked else r for r in rows]

    def action_mark(self) -> None:
        """Space: mark or unmark the case under the cursor, then move down."""
        t = self.table
        cid = t.current_id
        if cid is None:
            return
        self.marked.symmetric_difference_update({cid})
        village = t.get_cell(str(cid), "village").removeprefix(MARK)
        t.update_cell(str(cid), "village", MARK + village if cid in self.marked else village)
        t.goto(t.at + 1)
        self._bar()

    def action_survey(self) -> None:
        """t: the 入户调查表 of the marked cases' households (or of the whole filter's)."""
        ids = [i for i in self.table.ids if i in self.marked] or list(self.table.ids)
        if not ids:
            self.notify("没有可导出的对象", severity="warning")
            return
        self.app.push_screen(ExportScreen(app_of(self).today(), case_ids=ids))

    def action_unzoned(self) -> None:
        """u: only the cases without a zone (again: all)."""
        self.apply(unzoned=not self.filter.unzoned)

    def action_assign(self) -> None:
        """a: choose a zone for the marked cases, or for every case of the current filter."""
        ids = [i for i in self.table.ids if i in self.marked] or list(self.table.ids)
        if not ids:
            self.notify("没有可分片的对象", severity="warning")
            return
        what = f"已标记的 {len(ids)} 个对象" if self.marked else f"当前筛选的全部 {len(ids)} 个对象"
        zones: list[tuple[object, str]] = [(c.id, c.label) for c in self.choices.get("zone", [])]
        choices = [*zones, (0, "（移出片区，设为未分片）")]

        def chosen(zone_id: Any) -> None:
            """Confirm, then write."""
            if zone_id is None:
                return
            name = dict(choices)[zone_id]

            def confirmed(yes: bool | None) -> None:
                """Yes: write."""
                if yes:
                    self.assign(ids, zone_id or None)

            self.app.push_screen(ConfirmScreen(f"把{what}分到「{name}」？"), confirmed)

        self.app.push_screen(PickScreen("分到哪个片区", choices, allow_all=False), chosen)

    def assign(self, ids: list[int], zone_id: int | None) -> Worker:
        """store.town.zones.assign_cases in one transaction."""
        return self.write_then_show("case-assign", lambda: assign_cases(ids, zone_id), self._assigned)

    def _assigned(self, done: AssignResult) -> None:
        """Say what changed; the marks are done with."""
        self.marked.clear()
        self.notify(f"已分片 {done.changed} 个对象（{done.unchanged} 个原已在该片区），负责人随片区更改 {done.members_set} 个")
