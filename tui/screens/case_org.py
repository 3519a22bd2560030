"""The case detail's petitions and problems: their lines (days left, overdue) and their keys
(p 信访, y 延期, c 办结, q 问题, r 整改)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from store.checks.petitions import petition_fields, petition_rows
from store.checks.problem_lists import problem_list
from store.campaign.active import active_campaign_id

from ..text import day
from .petition_forms import ClosePetitionForm, ExtendForm, PetitionForm
from .pick import PickScreen
from .problem_forms import ProblemForm, RectificationForm

if TYPE_CHECKING:
    from store.cases.detail import CaseDetail

    from .base import AppScreen

    _Screen = AppScreen  # the mixin only ever joins CaseDetailScreen
else:
    _Screen = object

WRITE_ACTIONS = {"petition", "extend", "close_petition", "problem", "rectify"}
BINDINGS = [
    Binding("p", "petition", "信访", key_display="p"),
    Binding("y", "extend", "信访延期", key_display="y", show=False),
    Binding("c", "close_petition", "信访办结", key_display="c", show=False),
    Binding("q", "problem", "问题", key_display="q", show=False),
    Binding("r", "rectify", "整改", key_display="r", show=False),
]
PALETTE = [("登记或修改信访", "", "petition"), ("信访延期", "一次，最多30天，须写理由", "extend"),
           ("信访办结", "办结日期、办理结果、答复", "close_petition"),
           ("登记或修改本对象的问题", "", "problem"), ("填写本对象问题的整改", "", "rectify")]


def org_rows(case_id: int, today: dt.date) -> tuple[list, dict, list]:
    """The case's petitions (rows and editable fields) and problems (runs in the detail's worker)."""
    cid = active_campaign_id()
    if cid is None:  # no campaign yet: nothing of the campaign to show
        return [], {}, []
    pets = petition_rows(cid, today, case_id=case_id)
    return pets, {p.petition_id: petition_fields(p.petition_id) for p in pets}, problem_list(cid, today, case_id=case_id)


def _left(days: int | None, label: str) -> str:
    """「告知剩3天」 or 「告知逾期2天」."""
    if days is None:
        return ""
    return f"，{label}逾期{-days}天" if days < 0 else f"，{label}剩{days}天"


def petition_line(r: Any) -> str:
    """One petition: kind, dates, days left or overdue, extension, closing."""
    s = r.state
    ext = f"（已延期{r.extension_days}天）" if r.extension_days else ""
    head = f"{r.kind} 收到{day(r.received)} 受理{day(r.accepted) or '（未受理）'}"
    dues = f" 告知期限{day(s.notice_due)} 办结期限{day(s.close_due)}{ext}" if s.close_due else ""
    end = f"，已办结{day(r.closed)} {r.outcome}" if r.closed else _left(s.notice_days_left, "告知") + _left(
        s.close_days_left, "办结")
    return head + dues + end + (f"  {r.summary}" if r.summary else "")


def problem_line(r: Any) -> str:
    """One problem with its rectification state."""
    if r.done_on:
        state = f"已整改{day(r.done_on)}"
    elif r.days_left is None:
        state = "未定期限"
    else:
        state = f"整改期限{day(r.deadline)}，" + (f"逾期{-r.days_left}天" if r.overdue else f"剩{r.days_left}天")
    who = f" 责任人{r.responsible}" if r.responsible else ""
    return f"{day(r.found_on)} {r.source}/{r.kind}：{r.description}（{state}{who}）"


class CaseOrgActions(_Screen):
    """CaseDetailScreen mixin: the petition and problem keys."""

    case_id: int
    detail: CaseDetail | None
    pets: list = []
    pet_fields: dict = {}
    probs: list = []

    def _pick(self, title: str, rows: list, label: Callable[[Any], str], then: Callable[[Any], object],
              new: str | None = None) -> None:
        """One row straight away, else a list to pick from (with a 「new」 line when given)."""
        choices: list[tuple[object, str]] = [(0, new)] if new else []
        choices += [(i + 1, label(r)) for i, r in enumerate(rows)]
        if len(choices) == 1 and not new:
            then(rows[0])
            return

        def picked(i: Any) -> None:
            """The row picked (None for the 「new」 line); nothing on Esc."""
            if i is not None:
                then(rows[i - 1] if i else None)

        self.app.push_screen(PickScreen(title, choices, allow_all=False), picked)

    def action_petition(self) -> None:
        """p: a new petition, or edit one."""

        def go(row: Any) -> None:
            """Open the form."""
            self.app.push_screen(PetitionForm(self.case_id, self.pet_fields.get(row.petition_id) if row else None))

        if not self.pets:
            go(None)
            return
        self._pick("信访", self.pets, lambda r: f"修改：{r.kind} 收到{day(r.received)}", go, new="登记新的信访")

    def _open_pets(self, form: type[ExtendForm] | type[ClosePetitionForm]) -> None:
        """y / c: an open petition, picked when several."""
        rows = [r for r in self.pets if not r.closed] if form.__name__ == "ExtendForm" else self.pets
        if not rows:
            self.notify("没有可办理的信访，按 p 登记", severity="warning")
            return
        self._pick("选择信访", rows, lambda r: f"{r.kind} 收到{day(r.received)}",
                   lambda row: self.app.push_screen(form(self.case_id, self.pet_fields[row.petition_id])))

    def action_extend(self) -> None:
        """y: extend a petition's close date once."""
        self._open_pets(ExtendForm)

    def action_close_petition(self) -> None:
        """c: close a petition."""
        self._open_pets(ClosePetitionForm)

    def action_problem(self) -> None:
        """q: a new problem of this case, or edit one."""
        name = self.detail.name if self.detail else ""
        go = lambda row: self.app.push_screen(ProblemForm(problem=row, case_id=self.case_id, person=name))  # noqa: E731
        if not self.probs:
            go(None)
            return
        self._pick("问题", self.probs, lambda r: f"修改：{r.kind} {r.description[:16]}", go, new="登记新的问题")

    def action_rectify(self) -> None:
        """r: the rectification of one of the case's problems."""
        if not self.probs:
            self.notify("本对象没有问题记录，按 q 登记", severity="warning")
            return
        self._pick("选择问题", self.probs, lambda r: f"{r.kind} {r.description[:20]}",
                   lambda row: self.app.push_screen(RectificationForm(row)))
