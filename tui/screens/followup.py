"""F2 quick follow-up: the clerk is on the phone, or reports a visit. Person, kind, date (today
prefilled, earlier allowed), who took part (the person's village's members first), note, outcome,
next date. Saving never changes the case's 负责人."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from store.audit import current_operator
from store.cases.cases import OUTCOMES, get_case, record_contact
from store.errors import ValidationError
from store.followup import last_member, members, parse_day
from store.people.search import Hit
from store.people.search import find as find_people

from ..typed_app import app_of
from ..widgets.fields import CheckList, Field, FieldError, NoteArea
from .form import FormScreen
from .search import hit_label

KIND_KEYS = {"f5": "电话回访", "f6": "入户走访", "f7": "来访", "f8": "微信"}
DAY_KEYS = {"ctrl+g": 7, "ctrl+r": 15, "ctrl+t": 30}
PICK_HINT = "参加人员（空格选择，可多选；本村人员在前）"


class FollowupScreen(FormScreen):
    """电话回访 / 入户走访 / 来访 / 微信: one contact on its date, with who took part."""

    CSS_PATH = "followup.tcss"
    PREFIX = "fu"
    BINDINGS = [
        *FormScreen.BINDINGS,
        *[Binding(k, f"kind('{v}')", v, key_display=k.upper(), priority=True) for k, v in KIND_KEYS.items()],
        *[Binding(k, f"days({n})", f"+{n}天", key_display=k.replace("ctrl+", "Ctrl+").upper().replace("CTRL", "Ctrl"),
                  priority=True) for k, n in DAY_KEYS.items()],
    ]

    def __init__(self, case_id: int | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.kind = "电话回访"
        self.hits: list = []
        self.in_charge: int | None = None
        self.member_names: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="fu-box"):
            yield Static("电话回访（Ctrl+S 保存，Esc 放弃）", id="fu-title")
            yield Static("", id="fu-who-line")
            yield Field(placeholder="输入姓名或拼音首字母，上下键选择，Enter 确定", id="fu-person")
            yield OptionList(id="fu-hits")
            yield FieldError(id="fu-person-error")
            yield Static("", id="fu-kind")
            with Horizontal(id="fu-row"):
                yield Label("日期", id="fu-date-label")
                yield Field(app_of(self).today().isoformat(), id="fu-date")
                yield Select([(o, o) for o in OUTCOMES], prompt="结果", id="fu-outcome", allow_blank=True)
            yield FieldError(id="fu-date-error")
            yield Label(PICK_HINT, id="fu-member-label")
            yield CheckList(id="fu-member")
            yield FieldError(id="fu-member-error")
            yield Label("了解到的情况")
            yield NoteArea(id="fu-findings")
            yield FieldError(id="fu-findings-error")
            yield Label("下次跟进（Ctrl+G 7天  Ctrl+R 15天  Ctrl+T 30天，或输入日期、+N）")
            yield Field(placeholder="如 2026-12-06、2026/12/6、20261206，可留空", id="fu-next_followup")
            yield FieldError(id="fu-next_followup-error")
            yield FieldError(id="fu-form-error")

    def on_mount(self) -> None:
        """With a case: straight to the note. Without: straight to the person."""
        self.query_one("#fu-date", Field).prefilled = True  # today: not 「typed」 for the Esc question
        self._show_kind()
        if self.case_id:
            self.query_one("#fu-person").display = False
            self.query_one("#fu-hits").display = False
            self.query_one("#fu-findings").focus()
        else:
            self.query_one("#fu-hits").display = False
            self.query_one("#fu-person").focus()
        self.load_context(self.case_id)

    def load_context(self, case_id: int | None) -> None:
        """The case's person, the members to choose from, the one used last."""

        def fetch() -> tuple[str, list, int | None, int | None]:
            """The person line, the members, the one used last, the one in charge (in the worker)."""
            line, village, in_charge = "", None, None
            if case_id:
                case = get_case(case_id)
                village, in_charge = case.person.village_id, case.member_id
                line = f"对象：{case.person.name}（{case.person.village.name if village else ''}，{case.status}）"
            return line, members(village), last_member(current_operator()) or in_charge, in_charge

        self.load_then_show("fu-context", fetch, lambda got: self._fill_context(*got))

    def _fill_context(self, line: str, people: list, last: int | None, in_charge: int | None = None) -> None:
        """Fill the person line and the member list (the one used last chosen; for a visit also the
        case's member in charge)."""
        if line:
            self.query_one("#fu-who-line", Static).update(line)
        self.in_charge = in_charge
        box = self.query_one("#fu-member", CheckList)
        chosen = set(box.selected)
        box.clear_options()
        known = {mid for mid, _l in people}
        self.member_names = {mid: label.split("（")[0] for mid, label in people}
        picks = {m for m in chosen | {last} | ({in_charge} if self.kind == "入户走访" else set()) if m in known}
        box.add_options([(label, mid) for mid, label in sorted(people, key=lambda m: m[0] not in picks)])
        for mid in picks:
            box.select(mid)
        if not people:
            self.query_one("#fu-member-label", Label).update("参加人员：还没有登记工作人员（Ctrl+N 人员里添加），可以不选")

    @on(CheckList.SelectedChanged, "#fu-member")
    def _picked(self) -> None:
        """The names chosen, on the label line (the list shows three at a time)."""
        box = self.query_one("#fu-member", CheckList)
        names = [self.member_names.get(v, "") for v in box.selected]
        self.query_one("#fu-member-label", Label).update(f"参加人员：{'、'.join(names)}" if names else PICK_HINT)

    def _show_kind(self) -> None:
        """The title and the kind line follow the kind chosen."""
        self.query_one("#fu-title", Static).update(f"{self.kind}（Ctrl+S 保存，Esc 放弃）")
        parts = [f"{k.upper()} {'【' + v + '】' if v == self.kind else v}" for k, v in KIND_KEYS.items()]
        self.query_one("#fu-kind", Static).update("方式：" + "  ".join(parts))

    def action_kind(self, kind: str) -> None:
        """F5-F8: the kind of contact; a home visit takes the member in charge along."""
        self.kind = kind
        self._show_kind()
        box = self.query_one("#fu-member", CheckList)
        if kind == "入户走访" and self.in_charge is not None:
            try:
                box.select(self.in_charge)
            except Exception:  # noqa: BLE001 - not in the list (inactive): nothing to choose
                pass

    def action_days(self, n: int) -> None:
        """Ctrl+G/R/T: next follow-up in 7/15/30 days."""
        self.query_one("#fu-next_followup", Field).value = (app_of(self).today() + dt.timedelta(days=n)).isoformat()

    @on(Field.Changed, "#fu-person")
    def _person_typed(self, event: Field.Changed) -> None:
        """Search as the name is typed."""
        self.case_id = None
        self.query_one("#fu-who-line", Static).update("")
        self.find(event.value)

    def find(self, text: str) -> None:
        """Only persons with a case can get a follow-up."""

        def fetch() -> list[Hit]:
            """Ten persons with a case (in the worker)."""
            return [h for h in find_people(text, limit=30) if h.case_id][:10]

        self.load_then_show("fu-search", fetch, lambda hits: self._hits(text, hits))

    def _hits(self, text: str, hits: list) -> None:
        """Show the candidates."""
        if text != self.query_one("#fu-person", Field).value:
            return
        self.hits = hits
        box = self.query_one("#fu-hits", OptionList)
        box.clear_options()
        box.add_options([Option(hit_label(h)) for h in hits])
        box.display = bool(hits)
        if hits:
            box.highlighted = 0

    def on_key(self, event) -> None:
        """Up and down in the person field move in the candidates."""
        if self.focused and self.focused.id == "fu-person" and event.key in ("up", "down") and self.hits:
            box = self.query_one("#fu-hits", OptionList)
            box.action_cursor_down() if event.key == "down" else box.action_cursor_up()
            event.stop()

    def field_enter(self, field) -> None:
        """Enter in the person field picks the candidate; elsewhere moves on."""
        if field.id == "fu-person":
            self._pick(self.query_one("#fu-hits", OptionList).highlighted)
        else:
            self.focus_next()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click on a candidate."""
        self._pick(event.option_index)

    def _pick(self, index: int | None) -> None:
        """Take the candidate; cursor to the note."""
        if index is None or not self.hits:
            self.query_one("#fu-person-error", FieldError).set("没有找到可选的排查对象，请换个写法")
            return
        hit = self.hits[index]
        self.case_id = hit.case_id
        self.query_one("#fu-person-error", FieldError).set(None)
        self.query_one("#fu-who-line", Static).update(f"对象：{hit.name}（{hit.village or ''}，{hit.case_status}）")
        self.query_one("#fu-hits").display = False
        self.query_one("#fu-findings").focus()
        self.load_context(self.case_id)

    def values(self) -> dict:
        """The form's values, the date parsed; errors point at their field."""
        if not self.case_id:
            raise ValidationError("请先选择对象：输入姓名或拼音首字母，再按 Enter", field="person")
        today = app_of(self).today()
        day = parse_day(self.query_one("#fu-date", Field).value, today, field="date")
        if day is None:
            raise ValidationError("请填写日期（今天或以前的某一天）", field="date")
        if day > today:
            raise ValidationError("日期不能晚于今天：补记以前的走访请写实际日期", field="date")
        nxt = parse_day(self.query_one("#fu-next_followup", Field).value, today, field="next_followup")
        outcome = self.query_one("#fu-outcome", Select).value
        return {"case_id": self.case_id, "kind": self.kind, "date": day, "next_followup": nxt,
                "findings": self.query_one("#fu-findings", NoteArea).text,
                "member_ids": list(self.query_one("#fu-member", CheckList).selected),
                "outcome": outcome if isinstance(outcome, str) else None}

    def write(self, values: dict) -> object:
        """store.cases.cases.record_contact (入户 makes a case 已走访, a call 已联系; 负责人 unchanged)."""
        values = dict(values)
        return record_contact(values.pop("case_id"), **values)

    def _saved(self, result) -> None:
        """Say what was saved."""
        self.notify(f"已保存{self.kind}记录")
        super()._saved(result)

