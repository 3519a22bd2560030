"""新增排查对象: a person the village found (第7类 其他困难群众, or any category of the active
campaign), with who found them, how and when. From search (a person who is no case yet: Enter,
or F5 for a new person) and from the case table (n).

The ID number is checked as everywhere; one that fails only its checksum or birth date brings up
the 「核实说明」 field, and saving again with a reason accepts it (audited)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Select, Static

from store.campaign.categories import categories_of
from store.cases.add import FOUND_HOW, NewPerson, add_case
from store.cases.cases import require_campaign
from store.errors import IdNeedsReason, ValidationError
from store.followup import parse_day
from store.reports.export_rows import village_names

from ..typed_app import app_of
from ..widgets.fields import CheckList, Field, FieldError
from .form import FormScreen, chosen, labelled, text_of

PERSON_FIELDS = (("name", "姓名", ""), ("id_number", "身份证号", "18位；已登记的人员按号码找到"),
                 ("phone", "电话", "可留空"), ("address", "住址", "可留空"))


class CaseAddForm(FormScreen):
    """新增排查对象; dismisses with the new case's id."""

    CSS_PATH = "case_add_form.tcss"
    PREFIX = "ca"

    def __init__(self, person_id: int | None = None, person_label: str = "", name: str = "") -> None:
        super().__init__()
        self.person_id, self.person_label, self.typed_name = person_id, person_label, name
        self.case_id: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="ca-box"):
            yield Static("新增排查对象（Ctrl+S 保存，Esc 取消）", id="ca-title")
            if self.person_id:
                yield Static(f"人员：{self.person_label}", id="ca-person")
                yield FieldError(id="ca-person-error")
            else:
                for key, label, hint in PERSON_FIELDS:
                    yield from labelled("ca", key, label, self.typed_name if key == "name" else "", hint)
                    if key == "id_number":
                        with Vertical(id="ca-override"):
                            yield Label("核实说明（已核实号码无误时填写，记入修改记录）")
                            yield Field(id="ca-id_override_reason")
                yield Select([], prompt="村（居）", id="ca-village")
                yield FieldError(id="ca-village-error")
            yield Label("排查类别（空格选择，可多选）")
            yield CheckList(id="ca-category")
            yield FieldError(id="ca-category-error")
            with Horizontal(id="ca-row"):
                yield Label("发现人", classes="ca-label")
                yield Field(id="ca-found_by", placeholder="如 村主任王某")
                yield Select([], prompt="发现方式", id="ca-found_how")
            yield FieldError(id="ca-found_by-error")
            yield FieldError(id="ca-found_how-error")
            yield from labelled("ca", "found_on", "发现日期（默认今天，可写 -3 表示3天前）", "", "如 2026-12-01")
            yield FieldError(id="ca-form-error")

    def on_mount(self) -> None:
        """Load the choices; the cursor in the first field."""
        self.query_one("#ca-found_by" if self.person_id else "#ca-name").focus()
        self.load()

    def load(self) -> None:
        """Villages, the active campaign's categories, the ways of finding."""

        def fetch() -> tuple[list[str], list]:
            """The pickers' choices (in the worker)."""
            cats = categories_of(require_campaign().id)
            return village_names(), cats

        self.load_then_show("ca-load", fetch, lambda got: self._fill(*got, FOUND_HOW))

    def _fill(self, villages: list[str], cats: list, ways: list[str]) -> None:
        """Fill the pickers; category 7 and the first way chosen."""
        if not self.person_id:
            self.query_one("#ca-village", Select).set_options([(v, v) for v in villages])
        box = self.query_one("#ca-category", CheckList)
        box.add_options(cats)
        if any(code == 7 for _l, code in cats):
            box.select(7)
            box.highlighted = [code for _l, code in cats].index(7)  # in sight: the list shows four
        how = self.query_one("#ca-found_how", Select)
        how.set_options([(w, w) for w in ways])
        how.value = ways[0]

    def values(self) -> dict:
        """What was typed; the date parsed (today when empty)."""
        today = app_of(self).today()
        found_on = parse_day(text_of(self, "ca", "found_on"), today, field="found_on") or today
        out = {"codes": list(self.query_one("#ca-category", CheckList).selected),
               "found_by": text_of(self, "ca", "found_by"), "found_how": chosen(self, "ca", "found_how") or "",
               "found_on": found_on, "person_id": self.person_id, "new": None}
        if not out["codes"]:
            raise ValidationError("至少选择一个排查类别", field="category")
        if not self.person_id:
            reason = text_of(self, "ca", "id_override_reason") if self.query_one("#ca-override").display else None
            out["new"] = NewPerson(text_of(self, "ca", "name"), text_of(self, "ca", "id_number") or None,
                                   chosen(self, "ca", "village"), text_of(self, "ca", "phone") or None,
                                   text_of(self, "ca", "address") or None, reason)
        return out

    def write(self, values: dict) -> object:
        """store.cases.add.add_case; the new case's id."""
        case = add_case(**values)
        self.case_id = case.id
        return case.id

    def show_error(self, exc: ValidationError) -> None:
        """An ID that fails only its check: then the 核实说明 field to fill."""
        super().show_error(exc)
        if isinstance(exc, IdNeedsReason):
            self.query_one("#ca-override").display = True
            self.query_one("#ca-id_override_reason", Field).focus()

    def _saved(self, result) -> None:
        """Say so; the caller opens the new case."""
        self.notify("已添加排查对象")
        super()._saved(result)
