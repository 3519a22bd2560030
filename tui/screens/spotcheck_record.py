"""Recording a round: its cases in a table, one key per result (1 合格, 2 不合格, 3 无法核实), the
findings in a small form; a 不合格 creates a problem with its rectification deadline."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Select, Static

from store.checks.problem_lists import problem_list
from store.checks.problems import KINDS
from store.checks.spotcheck_rounds import record_result, round_checks
from store.followup import parse_date
from store.campaign.active import active_campaign_id

from ..messages import DataChanged, OpenCase
from ..text import cut, day
from ..typed_app import app_of
from ..widgets.fields import FieldError
from .base import AppScreen
from .form import FormScreen, chosen, labelled, text_of

STYLE = {"合格": "green", "不合格": "bold red", "无法核实": "yellow"}


def record(check_id: int, result: str | None, findings: str | None, on: dt.date, kind: str = "其他"):
    """store.checks.spotcheck_rounds.record_result, and the new problem's deadline for a 不合格."""
    row = record_result(check_id, result, findings, on, problem_kind=kind)
    deadline = None
    if row.problem_id and (cid := active_campaign_id()):
        found = [p for p in problem_list(cid, on, case_id=row.case_id) if p.problem_id == row.problem_id]
        deadline = found[0].deadline if found else None
    return row, deadline


class RecordScreen(AppScreen):
    """抽查结果记录."""

    WRITE_ACTIONS = frozenset({"result", "findings", "clear"})  # greyed out in read-only mode

    CSS_PATH = "spotcheck.tcss"
    BINDINGS = [
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("1", "result('合格')", "合格", key_display="1"),
        Binding("2", "result('不合格')", "不合格", key_display="2"),
        Binding("3", "result('无法核实')", "无法核实", key_display="3"),
        Binding("f", "findings", "填写发现", key_display="f"),
        Binding("x", "clear", "清除结果", key_display="x", show=False),
        Binding("o", "open_case", "打开对象", key_display="o", show=False),
    ]
    PALETTE = [("记为合格", "", "result('合格')"), ("记为不合格", "填写发现的问题，生成问题和整改", "result('不合格')"),
               ("记为无法核实", "", "result('无法核实')"), ("填写或修改发现的问题", "", "findings"),
               ("清除抽查结果", "", "clear"), ("打开抽查对象", "", "open_case")]

    def __init__(self, round_id: int) -> None:
        super().__init__()
        self.round_id = round_id
        self.checks: dict[str, object] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("正在读取...", id="rc-title")
        yield DataTable(id="rc-checks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="rc-note")

    def on_mount(self) -> None:
        """Columns, then the round's cases."""
        table = self.query_one(DataTable)
        table.add_columns("村（居）", "姓名", "类别", "状态", "结果", "发现的问题", "整改期限")
        table.focus()
        self.reload()

    def reload(self) -> None:
        """Read again."""
        self.load()

    def load(self) -> None:
        """The round's cases and the deadlines of their problems."""
        today = app_of(self).today()

        def fetch() -> tuple[list, dict]:
            """Read in the worker."""
            cid = active_campaign_id()
            dues = {p.problem_id: p.deadline for p in problem_list(cid, today, source="抽查")} if cid else {}
            return round_checks(self.round_id), dues

        self.load_then_show("round-checks", fetch, lambda got: self.show(*got))

    def show(self, rows, dues) -> None:
        """Fill the table, cursor kept."""
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        self.checks = {str(r.check_id): r for r in rows}
        for r in rows:
            result = Text(r.result or "待检查", style=STYLE.get(r.result, "dim"))
            due = day(dues.get(r.problem_id)) if r.problem_id else ""
            table.add_row(r.village, r.person, cut(r.categories, 12), r.status, result, cut(r.findings, 16), due,
                          key=str(r.check_id))
        table.move_cursor(row=min(keep, max(0, table.row_count - 1)))
        done = sum(1 for r in rows if r.result)
        failed = sum(1 for r in rows if r.result == "不合格")
        self.query_one("#rc-title", Static).update(
            f"抽查记录：共 {len(rows)} 个，已记录 {done} 个，不合格 {failed} 个（o 打开对象）")

    def current(self):
        """The check under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return self.checks.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_back(self) -> None:
        """Esc: back to the rounds."""
        self.app.pop_screen()

    def action_result(self, result: str) -> None:
        """1 2 3: 合格 and 无法核实 are saved at once; 不合格 asks for the findings first."""
        r = self.current()
        if r is None:
            return
        if result == "不合格":
            self.app.push_screen(FindingsForm(r, result), self._after_form)
            return
        self._next_row()
        self.save(r.check_id, result, r.findings or None)

    def action_findings(self) -> None:
        """f: write (or change) the findings of the check under the cursor."""
        r = self.current()
        if r is None:
            return
        if not r.result:
            self.notify("请先按 1、2 或 3 记录结果", severity="warning")
            return
        self.app.push_screen(FindingsForm(r, r.result), self._after_form)

    def action_clear(self) -> None:
        """x: clear a mis-keyed result."""
        if (r := self.current()) and r.result:
            self.save(r.check_id, None, None)

    def action_open_case(self) -> None:
        """o: the case's detail."""
        if r := self.current():
            self.post_message(OpenCase(r.case_id))

    def save(self, check_id: int, result: str | None, findings: str | None) -> None:
        """One result (not exclusive: quick keys on several rows all get saved); DataChanged names the case."""
        today = app_of(self).today()
        self.write_then_show("round-record", lambda: record(check_id, result, findings, today),
                             lambda got: self.app.post_message(DataChanged(got[0].case_id)), changed=False)

    def _next_row(self) -> None:
        """The cursor to the next case (at once, so the next key is for the next row)."""
        table = self.query_one(DataTable)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def _after_form(self, got) -> None:
        """After the findings form: say what was recorded (a 不合格: the problem's deadline), next row."""
        if not got:
            return
        row, deadline = got
        if row.result == "不合格":
            self.notify(f"{row.person}：不合格，已生成问题，整改期限 {day(deadline)}", timeout=8)
        self._next_row()


class FindingsForm(FormScreen):
    """抽查发现."""

    CSS_PATH = "org_forms.tcss"
    PREFIX = "fd"

    def __init__(self, check, result: str) -> None:
        super().__init__()
        self.check, self.result = check, result
        self.case_id = check.case_id

    def compose(self) -> ComposeResult:
        c = self.check
        need = "（必填，将生成问题和整改）" if self.result == "不合格" else "（可不填）"
        with Vertical(classes="org-box"):
            yield Static(f"{c.person}：{self.result}（Ctrl+S 保存，Esc 取消）", classes="org-title")
            yield from labelled("fd", "findings", f"发现的问题{need}", c.findings, area=True)
            if self.result == "不合格":
                yield Label("问题类型")
                yield Select([(k, k) for k in KINDS], value="其他", allow_blank=False, id="fd-kind")
                yield FieldError(id="fd-kind-error")
            yield from labelled("fd", "date", "核查日期", app_of(self).today().isoformat())
            yield FieldError(id="fd-form-error")

    def on_mount(self) -> None:
        """Start on the findings."""
        self.query_one("#fd-findings").focus()

    def values(self) -> dict:
        """Findings, kind, date."""
        kind = chosen(self, "fd", "kind") if self.result == "不合格" else "其他"
        return {"findings": text_of(self, "fd", "findings"), "kind": kind or "其他",
                "on": parse_date(text_of(self, "fd", "date"), field="date") or app_of(self).today()}

    def write(self, values: dict):
        """Record the result with its findings."""
        return record(self.check.check_id, self.result, values["findings"], values["on"], values["kind"])
