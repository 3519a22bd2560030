"""信访 of a case: add or edit (kind, dates, summary, reply), extend once, close."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from store.errors import ValidationError
from store.checks.petitions import (KINDS, MAX_EXTENSION, OUTCOMES, close_petition, create_petition, edit_petition,
                                    extend)
from store.followup import parse_date

from ..text import day
from ..typed_app import app_of
from ..widgets.fields import FieldError
from .form import FormScreen, chosen, labelled, text_of
from .problem_forms import select_field

DATE_FIELDS = [("received", "收到日期"), ("accepted", "受理日期（告知期限 +15 天、办结期限 +60 天由此算出）"),
               ("notice_sent", "书面告知日期"), ("review_on", "复查日期"), ("recheck_on", "复核日期")]


class PetitionForm(FormScreen):
    """登记或修改信访."""

    CSS_PATH = "org_forms.tcss"
    PREFIX = "pt"

    def __init__(self, case_id: int, petition: dict | None = None) -> None:
        super().__init__()
        self.case_id, self.petition = case_id, petition

    def compose(self) -> ComposeResult:
        p = self.petition or {}
        with Vertical(classes="org-box"):
            yield Static(f"{'修改' if p else '登记'}信访（Ctrl+S 保存，Esc 取消）", classes="org-title")
            yield from select_field("pt", "kind", "信访类型", [(k, k) for k in KINDS], p.get("kind"))
            for name, label in DATE_FIELDS if p else DATE_FIELDS[:2]:
                value = day(p.get(name)) or (app_of(self).today().isoformat() if name == "received" else "")
                yield from labelled("pt", name, label, value)
            yield from labelled("pt", "summary", "诉求摘要", p.get("summary") or "", area=True)
            if p:
                yield from labelled("pt", "reply", "答复内容", p.get("reply") or "", area=True)
            yield FieldError(id="pt-form-error")

    def on_mount(self) -> None:
        """Start on the kind."""
        self.query_one("#pt-kind").focus()

    def values(self) -> dict:
        """Kind, dates, texts."""
        out = {"kind": chosen(self, "pt", "kind") or "", "summary": text_of(self, "pt", "summary")}
        for name, _label in DATE_FIELDS if self.petition else DATE_FIELDS[:2]:
            out[name] = parse_date(text_of(self, "pt", name), field=name)
        if self.petition:
            out["reply"] = text_of(self, "pt", "reply")
        return out

    def write(self, values: dict):
        """store.checks.petitions.create_petition or edit_petition."""
        if self.petition:
            return edit_petition(self.petition["id"], **values)
        return create_petition(self.case_id, **values)


class ExtendForm(FormScreen):
    """信访延期（一次，最多30天）."""

    CSS_PATH = "org_forms.tcss"
    PREFIX = "ex"

    def __init__(self, case_id: int, petition: dict) -> None:
        super().__init__()
        self.case_id, self.petition = case_id, petition

    def compose(self) -> ComposeResult:
        with Vertical(classes="org-box"):
            yield Static(f"信访延期：只能延期一次，最多 {MAX_EXTENSION} 天（Ctrl+S 保存，Esc 取消）", classes="org-title")
            yield from labelled("ex", "extension_days", "延期天数", str(MAX_EXTENSION))
            yield from labelled("ex", "extension_reason", "延期理由（必填）", "", "如 需要补充调查")
            yield FieldError(id="ex-accepted-error")
            yield FieldError(id="ex-form-error")

    def values(self) -> dict:
        """Days and reason."""
        text = text_of(self, "ex", "extension_days").strip()
        if not text.isdigit():
            raise ValidationError(f"延期天数应为 1 到 {MAX_EXTENSION} 的整数", field="extension_days")
        return {"days": int(text), "reason": text_of(self, "ex", "extension_reason")}

    def write(self, values: dict):
        """store.checks.petitions.extend."""
        return extend(self.petition["id"], values["days"], values["reason"])


class ClosePetitionForm(FormScreen):
    """信访办结."""

    CSS_PATH = "org_forms.tcss"
    PREFIX = "cl"

    def __init__(self, case_id: int, petition: dict) -> None:
        super().__init__()
        self.case_id, self.petition = case_id, petition

    def compose(self) -> ComposeResult:
        p = self.petition
        with Vertical(classes="org-box"):
            yield Static("信访办结（办结日期留空则改回未办结；Ctrl+S 保存，Esc 取消）", classes="org-title")
            yield from labelled("cl", "closed", "办结日期", day(p.get("closed")) or app_of(self).today().isoformat())
            yield from select_field("cl", "outcome", "办理结果", [(o, o) for o in OUTCOMES], p.get("outcome"))
            yield from labelled("cl", "reply", "答复内容", p.get("reply") or "", area=True)
            yield FieldError(id="cl-form-error")

    def on_mount(self) -> None:
        """Start on the outcome."""
        self.query_one("#cl-outcome").focus()

    def values(self) -> dict:
        """Date, outcome, reply."""
        return {"closed": parse_date(text_of(self, "cl", "closed"), field="closed"),
                "outcome": chosen(self, "cl", "outcome"), "reply": text_of(self, "cl", "reply")}

    def write(self, values: dict):
        """store.checks.petitions.close_petition."""
        return close_petition(self.petition["id"], values["closed"], values["outcome"], values["reply"])
