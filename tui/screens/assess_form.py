"""研判: 符合 with the benefit types to apply for, or 不符合 with a reason and a next check date."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Select, SelectionList, Static

from store.cases.assess import BENEFIT_TYPES, assess
from store.errors import ValidationError
from store.followup import parse_date

from ..typed_app import app_of
from ..widgets.fields import CheckList, Field, FieldError
from .form import FormScreen

DEFAULT_CHECK_DAYS = 30


class AssessForm(FormScreen):
    """研判."""

    CSS_PATH = "assess_form.tcss"
    PREFIX = "as"

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        with Vertical(id="as-box"):
            yield Static("研判（Ctrl+S 保存，Esc 取消）", id="as-title")
            yield Select([("符合", "符合"), ("不符合", "不符合")], prompt="结论", id="as-conclusion")
            yield FieldError(id="as-conclusion-error")
            yield Label("符合时：救助类型（空格选择，可多选）")
            yield CheckList(*[(t, t) for t in BENEFIT_TYPES], id="as-benefits")
            yield FieldError(id="as-benefits-error")
            yield Label("不符合时：原因（必填），下次核查日期（进入动态监测；可写 +45 即45天后）")
            yield Field(placeholder="如 家庭收入超过低保标准", id="as-reason")
            yield FieldError(id="as-reason-error")
            check = Field(id="as-next_check")
            check.prefilled = True
            yield check
            yield FieldError(id="as-next_check-error")
            yield FieldError(id="as-form-error")

    def on_mount(self) -> None:
        """Default next check date; start on the conclusion."""
        self.query_one("#as-next_check", Field).value = (
            app_of(self).today() + dt.timedelta(days=DEFAULT_CHECK_DAYS)).isoformat()
        self.query_one("#as-conclusion").focus()

    def values(self) -> dict:
        """The conclusion and what goes with it."""
        today = app_of(self).today()
        conclusion = self.query_one("#as-conclusion", Select).value
        if not isinstance(conclusion, str):
            raise ValidationError("请选择「符合」或「不符合」", field="conclusion")
        return {"conclusion": conclusion, "benefit_types": list(self.query_one(SelectionList).selected),
                "reason": self.query_one("#as-reason", Field).value,
                "next_check": parse_date(self.query_one("#as-next_check", Field).value, field="next_check",
                                         today=today)
                if conclusion == "不符合" else None, "on": today}

    def write(self, values: dict) -> object:
        """store.cases.assess.assess."""
        return assess(self.case_id, values.pop("conclusion"), **values)
