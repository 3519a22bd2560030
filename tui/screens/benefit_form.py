"""Benefits: open a new application (type, date, amount) or move one to its next step."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Label, Select, Static

from store.cases.assess import ADVANCE_TYPE, BENEFIT_TYPES, END_STATES, add_benefit, advance_benefit, next_steps
from store.errors import ValidationError
from store.followup import parse_date

from ..typed_app import app_of
from ..widgets.fields import Field, FieldError
from .form import FormScreen


def parse_amount(text: str) -> Decimal | None:
    """An amount in yuan, or None when empty."""
    text = (text or "").strip().replace(",", "").replace("元", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError("金额请填写数字，如 1500 或 1500.50", field="amount") from None
    if value <= 0:
        raise ValidationError("金额必须大于0", field="amount")
    return value


def _date_fields(prefix: str) -> ComposeResult:
    """Date and amount fields with their error lines."""
    yield Label("日期（留空为今天）")
    yield Field(placeholder="如 2026-12-01", id=f"{prefix}-on")
    yield FieldError(id=f"{prefix}-on-error")
    yield Label("金额（元，临时救助必填）")
    yield Field(placeholder="如 1500", id=f"{prefix}-amount")
    yield FieldError(id=f"{prefix}-amount-error")
    yield FieldError(id=f"{prefix}-form-error")


class BenefitForm(FormScreen):
    """新增救助申请."""

    CSS_PATH = "benefit_form.tcss"
    PREFIX = "bf"

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        with Vertical(id="bf-box"):
            yield Static("新增救助申请（Ctrl+S 保存，Esc 取消）", classes="bf-title")
            yield Select([(t, t) for t in BENEFIT_TYPES], prompt="救助类型", id="bf-btype")
            yield FieldError(id="bf-btype-error")
            yield Checkbox(f"先行救助（仅{ADVANCE_TYPE}：先发放，手续事后补办）", id="bf-advance")
            yield FieldError(id="bf-advance-error")
            yield from _date_fields("bf")

    def values(self) -> dict:
        """Type, date, amount."""
        btype = self.query_one("#bf-btype", Select).value
        if not isinstance(btype, str):
            raise ValidationError("请选择救助类型", field="btype")
        return {"btype": btype, "on": parse_date(self.query_one("#bf-on", Field).value, field="on") or app_of(self).today(),
                "amount": parse_amount(self.query_one("#bf-amount", Field).value),
                "advance": self.query_one("#bf-advance", Checkbox).value}

    def write(self, values: dict) -> object:
        """store.cases.assess.add_benefit."""
        return add_benefit(self.case_id, values.pop("btype"), **values)


class AdvanceForm(BenefitForm):
    """推进救助办理环节."""

    PREFIX = "bf"

    def __init__(self, case_id: int, benefit: dict) -> None:
        super().__init__(case_id)
        self.benefit = benefit

    def compose(self) -> ComposeResult:
        with Vertical(id="bf-box"):
            b = self.benefit
            todo = b.get("todo") or []
            title = (f"补办「{b['type']}」（先行救助）的手续" if todo else f"推进「{b['type']}」，当前环节：{b['status']}")
            yield Static(f"{title}（Ctrl+S 保存，Esc 取消）", classes="bf-title")
            steps = todo + END_STATES if todo else next_steps(b["status"])
            yield Select([(s, s) for s in steps], prompt="补办环节" if todo else "下一环节", id="bf-status")
            yield FieldError(id="bf-status-error")
            yield from _date_fields("bf")
            yield Label("理由或备注（公示未满期限即审核确认时必填，记入修改记录）")
            yield Field(id="bf-note")
            yield FieldError(id="bf-note-error")

    def values(self) -> dict:
        """Status, date, amount."""
        status = self.query_one("#bf-status", Select).value
        if not isinstance(status, str):
            raise ValidationError("请选择下一环节", field="status")
        return {"status": status, "on": parse_date(self.query_one("#bf-on", Field).value, field="on") or app_of(self).today(),
                "amount": parse_amount(self.query_one("#bf-amount", Field).value),
                "note": self.query_one("#bf-note", Field).value.strip() or None}

    def write(self, values: dict) -> object:
        """store.cases.assess.advance_benefit."""
        return advance_benefit(self.benefit["id"], values.pop("status"), **values)
