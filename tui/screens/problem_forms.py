"""A problem (source, kind, description, found date and by whom, village, case) and its
rectification (measure, member responsible, deadline, a progress note, done date, evidence)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Select, Static

from store.checks import problems
from store.checks.problems import KINDS, SOURCES, create_problem, edit_problem
from store.errors import ValidationError
from store.followup import members, parse_date

from ..text import day
from ..typed_app import app_of
from ..widgets.fields import FieldError
from .form import FormScreen, chosen, labelled, text_of


def select_field(prefix: str, name: str, label: str, options: list, value, prompt: str = "请选择") -> ComposeResult:
    """A label, a Select and its error line."""
    yield Label(label)
    yield Select(options, prompt=prompt, value=value if value is not None else Select.NULL, id=f"{prefix}-{name}")
    yield FieldError(id=f"{prefix}-{name}-error")


class ProblemForm(FormScreen):
    """新增或修改问题."""

    CSS_PATH = "org_forms.tcss"
    PREFIX = "pb"

    def __init__(self, problem=None, village_id: int | None = None, case_id: int | None = None,
                 person: str = "") -> None:
        super().__init__()
        self.problem, self.village_id, self.person = problem, village_id, person
        self.case_id = problem.case_id if problem else case_id

    def compose(self) -> ComposeResult:
        p = self.problem
        who = f"（{self.person}）" if self.person else ""
        with Vertical(classes="org-box"):
            yield Static(f"{'修改' if p else '新增'}问题{who}（Ctrl+S 保存，Esc 取消）", classes="org-title")
            yield from select_field("pb", "source", "来源", [(s, s) for s in SOURCES], p.source if p else "自查")
            yield from select_field("pb", "kind", "类型", [(k, k) for k in KINDS], p.kind if p else None)
            yield from labelled("pb", "description", "问题描述", p.description if p else "", area=True)
            yield from labelled("pb", "found_on", "发现日期", day(p.found_on) if p else app_of(self).today().isoformat())
            yield from labelled("pb", "found_by", "发现人", p.found_by if p else "")
            if self.case_id is None:
                vid = p.village_id if p else self.village_id
                yield from select_field("pb", "village", "所在村（居）", [(n, i) for i, n in app_of(self).villages], vid)
            if p is None:
                yield from labelled("pb", "deadline", "整改期限（留空为发现日期后15天）", "", "如 2026-12-15")
            yield FieldError(id="pb-form-error")

    def on_mount(self) -> None:
        """Start on the kind."""
        self.query_one("#pb-kind").focus()

    def values(self) -> dict:
        """What was typed."""
        out = {"source": chosen(self, "pb", "source") or "", "kind": chosen(self, "pb", "kind") or "",
               "description": text_of(self, "pb", "description"), "found_by": text_of(self, "pb", "found_by"),
               "found_on": parse_date(text_of(self, "pb", "found_on"), field="found_on")}
        if self.case_id is None:
            out["village_id"] = chosen(self, "pb", "village")
        if self.problem is None:
            out["deadline"] = parse_date(text_of(self, "pb", "deadline"), field="deadline")
        return out

    def write(self, values: dict):
        """store.checks.problems.create_problem or edit_problem."""
        if self.case_id is None and values.get("village_id") is None:
            raise ValidationError("请选择问题所在的村（居）", field="village")
        if self.problem:
            return edit_problem(self.problem.problem_id, **values)
        return create_problem(case_id=self.case_id, **values)


class RectificationForm(FormScreen):
    """整改."""

    CSS_PATH = "org_forms.tcss"
    PREFIX = "rf"

    def __init__(self, row) -> None:
        super().__init__()
        self.row = row
        self.case_id = row.case_id

    def compose(self) -> ComposeResult:
        r = self.row
        with Vertical(classes="org-box"):
            yield Static(f"整改：{r.village} {r.person} {r.kind}（Ctrl+S 保存，Esc 取消）", classes="org-title")
            yield Static(f"问题：{r.description}")
            yield from labelled("rf", "measure", "整改措施", r.measure)
            yield from select_field("rf", "member", "整改责任人", [], None, prompt="（未定）")
            yield from labelled("rf", "deadline", "整改期限", day(r.deadline))
            last = r.progress.splitlines()[-1] if r.progress else "（无）"
            yield from labelled("rf", "progress", f"新增一条进展（已有：{last}）", "", "如 已入户核实，材料已报送")
            yield from labelled("rf", "done_on", "完成日期（整改完成后填写）", day(r.done_on))
            yield from labelled("rf", "evidence", "佐证材料（文件路径，每行一个）", "\n".join(r.evidence), area=True)
            yield FieldError(id="rf-form-error")

    def on_mount(self) -> None:
        """Members to choose from; start on the measure."""
        self.query_one("#rf-measure").focus()
        self.load_members()

    def load_members(self) -> None:
        """Active members, the problem's village first, then shown."""
        self.load_then_show("rf-members", lambda: members(self.row.village_id), self._members)

    def _members(self, people) -> None:
        """Fill the member list, the current one chosen."""
        box = self.query_one("#rf-member", Select)
        box.set_options([(label, mid) for mid, label in people])
        if self.row.member_id in dict(people):
            box.value = self.row.member_id

    def values(self) -> dict:
        """What was typed."""
        return {"measure": text_of(self, "rf", "measure"), "member_id": chosen(self, "rf", "member"),
                "deadline": parse_date(text_of(self, "rf", "deadline"), field="deadline"),
                "progress": text_of(self, "rf", "progress").strip(),
                "done_on": parse_date(text_of(self, "rf", "done_on"), field="done_on"),
                "evidence": text_of(self, "rf", "evidence"), "today": app_of(self).today()}

    def write(self, values: dict):
        """Every part in one transaction; returns the missing-file warnings."""
        pid = self.row.problem_id
        if values["deadline"] is None:
            raise ValidationError("请填写整改期限", field="deadline")
        return problems.save_rectification(pid, **values)

    def _saved(self, result) -> None:
        """Warn about evidence files that were not found (they are kept)."""
        for warning in result or []:
            self.app.notify(warning, title="佐证材料", severity="warning", timeout=10)
        super()._saved(result)
