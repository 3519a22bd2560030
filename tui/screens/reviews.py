"""验收、满意度测评、通报/约谈 of one village: the list, and a form for each."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from store.checks.reviews import (ACCEPTANCE_RESULTS, NOTICE_KINDS, ReviewLine, delete_review, record_acceptance,
                                  record_notice, record_survey, review_lines)
from store.followup import parse_date

from ..text import cut, day
from ..typed_app import app_of
from ..widgets.fields import FieldError
from .base import AppScreen
from .confirm import ConfirmScreen
from .form import FormScreen, chosen, labelled, text_of
from .problem_forms import select_field


class ReviewsScreen(AppScreen):
    """验收测评."""

    WRITE_ACTIONS = frozenset({"accept", "survey", "notice", "delete"})  # greyed out in read-only mode

    CSS_PATH = "reviews.tcss"
    BINDINGS = [
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("a", "accept", "验收", key_display="a"),
        Binding("s", "survey", "满意度测评", key_display="s"),
        Binding("t", "notice", "通报/约谈", key_display="t"),
        Binding("d", "delete", "删除", key_display="d", show=False),
    ]
    PALETTE = [("记录验收", "", "accept"), ("记录满意度测评", "", "survey"),
               ("记录通报或约谈", "", "notice"), ("删除一条验收、测评或通报记录", "", "delete")]

    def __init__(self, village_id: int, village_name: str = "") -> None:
        super().__init__()
        self.village_id, self.village_name = village_id, village_name
        self.lines: dict[str, ReviewLine] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(f"{self.village_name} 验收、满意度测评、通报和约谈", id="rv-title")
        yield DataTable(id="rv-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Columns, then the records."""
        table = self.query_one(DataTable)
        table.add_columns("日期", "类别", "内容")
        table.focus()
        self.reload()

    def reload(self) -> None:
        """Read again."""
        self.load()

    def load(self) -> None:
        """store.checks.reviews.review_lines, then show."""
        self.load_then_show("reviews", lambda: review_lines(self.village_id), self.show)

    def show(self, rows) -> None:
        """Fill the table."""
        table = self.query_one(DataTable)
        table.clear()
        self.lines = {f"{r.kind}-{r.row_id}": r for r in rows}
        for r in rows:
            table.add_row(day(r.date), r.label, cut(r.text, 60), key=f"{r.kind}-{r.row_id}")
        if not rows:
            self.query_one("#rv-title", Static).update(f"{self.village_name}：还没有记录。a 验收  s 满意度测评  t 通报/约谈")

    def action_back(self) -> None:
        """Esc: back."""
        self.app.pop_screen()

    def action_accept(self) -> None:
        """a: a 验收."""
        self.app.push_screen(AcceptanceForm(self.village_id))

    def action_survey(self) -> None:
        """s: a 满意度测评."""
        self.app.push_screen(SurveyForm(self.village_id))

    def action_notice(self) -> None:
        """t: a 通报 or 约谈."""
        self.app.push_screen(NoticeForm(self.village_id))

    def action_delete(self) -> None:
        """d: delete the record under the cursor (kept in the audit log)."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        r = self.lines[table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""]

        def answered(yes: bool | None) -> None:
            """Yes: delete it."""
            if yes:
                self.delete(r.kind, r.row_id)

        self.app.push_screen(ConfirmScreen(f"删除 {day(r.date)} 的{r.label}记录？"), answered)

    def delete(self, kind: str, row_id: int) -> None:
        """store.checks.reviews.delete_review."""
        self.write_then_show("review-write", lambda: delete_review(kind, row_id))


class _ReviewForm(FormScreen):
    """A village review form: a date first."""

    CSS_PATH = "org_forms.tcss"
    TITLE_TEXT = ""

    def __init__(self, village_id: int) -> None:
        super().__init__()
        self.village_id = village_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="org-box"):
            yield Static(f"{self.TITLE_TEXT}（Ctrl+S 保存，Esc 取消）", classes="org-title")
            yield from labelled(self.PREFIX, "date", "日期", app_of(self).today().isoformat())
            yield from self.fields()
            yield FieldError(id=f"{self.PREFIX}-form-error")

    def fields(self) -> ComposeResult:
        """The form's own fields."""
        return iter(())

    def values(self) -> dict:
        """The date and the form's own fields (read on the UI thread)."""
        return {"date": parse_date(text_of(self, self.PREFIX, "date"), field="date"), **self.own()}

    def own(self) -> dict:
        """The form's own values."""
        return {}


class AcceptanceForm(_ReviewForm):
    """验收."""

    PREFIX, TITLE_TEXT = "ac", "验收"

    def fields(self) -> ComposeResult:
        yield from select_field("ac", "result", "验收结果", [(r, r) for r in ACCEPTANCE_RESULTS], None)
        yield from labelled("ac", "notes", "说明", "", area=True)

    def write(self, values: dict):
        """store.checks.reviews.record_acceptance."""
        return record_acceptance(self.village_id, values["date"], values["result"], values["notes"])

    def own(self) -> dict:
        """Result and notes."""
        return {"result": chosen(self, "ac", "result") or "", "notes": text_of(self, "ac", "notes")}


class SurveyForm(_ReviewForm):
    """群众满意度测评."""

    PREFIX, TITLE_TEXT = "sv", "群众满意度测评（满意度 =（满意 + 基本满意）/ 测评人数）"

    def fields(self) -> ComposeResult:
        for name, label in (("surveyed", "测评人数"), ("satisfied", "满意"), ("basically", "基本满意"),
                            ("unsatisfied", "不满意")):
            yield from labelled("sv", name, label, "", "人数")

    def write(self, values: dict):
        """store.checks.reviews.record_survey."""
        return record_survey(self.village_id, values["date"], *values["nums"])

    def own(self) -> dict:
        """The four numbers."""
        return {"nums": [text_of(self, "sv", n) for n in ("surveyed", "satisfied", "basically", "unsatisfied")]}


class NoticeForm(_ReviewForm):
    """通报 or 约谈."""

    PREFIX, TITLE_TEXT = "nt", "通报或约谈"

    def fields(self) -> ComposeResult:
        yield from select_field("nt", "kind", "类型", [(k, k) for k in NOTICE_KINDS], "通报")
        yield from labelled("nt", "reason", "原因", "", "如 走访进度落后")

    def write(self, values: dict):
        """store.checks.reviews.record_notice."""
        return record_notice(self.village_id, values["date"], values["kind"], values["reason"])

    def own(self) -> dict:
        """Kind and reason."""
        return {"kind": chosen(self, "nt", "kind") or "", "reason": text_of(self, "nt", "reason")}
