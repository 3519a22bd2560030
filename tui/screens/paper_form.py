"""打印设置: 主送单位, 监督电话, 制表人, 审核人 (store.reports.paper), opened from the export screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from store.reports.paper import save_paper

from ..widgets.fields import FieldError
from .form import FormScreen, labelled, text_of

FIELDS = [
    ("report_to", "书面报告的主送单位", "如 泉港区民政局"),
    ("supervision_phone", "村级公示表上的监督电话", "如 0595-87000000"),
    ("preparer", "表格的制表人（空着则为操作员）", "姓名"),
    ("reviewer", "表格的审核人", "姓名"),
]


class PaperForm(FormScreen):
    """打印设置."""

    CSS_PATH = "org_forms.tcss"
    PREFIX = "pf"

    def __init__(self, current: dict[str, str | None]) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="org-box"):
            yield Static("打印设置（Ctrl+S 保存，Esc 取消）", classes="org-title")
            for name, label, hint in FIELDS:
                yield from labelled("pf", name, label, self.current.get(name) or "", hint)
            yield FieldError(id="pf-form-error")

    def on_mount(self) -> None:
        """Start on the first field."""
        self.query_one("#pf-report_to").focus()

    def values(self) -> dict:
        """What was typed (empty clears a setting)."""
        return {name: text_of(self, "pf", name) for name, _label, _hint in FIELDS}

    def write(self, values: dict):
        """store.reports.paper.save_paper (one transaction, audited)."""
        return save_paper(values)
