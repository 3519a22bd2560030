"""修改人员信息: name, phone (blank keeps it), address, household notes, disability."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Select, Static

from store.case_detail import DISABILITY, GRADES

from ..widgets.fields import Field, FieldError, NoteArea
from .form import FormScreen


class PersonForm(FormScreen):
    """修改人员信息."""

    CSS_PATH = "person_form.tcss"
    PREFIX = "pf"

    def __init__(self, case_id: int, person_id: int) -> None:
        super().__init__()
        self.case_id, self.person_id = case_id, person_id
        self.original: dict = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="pf-box"):
            yield Static("修改人员信息（Ctrl+S 保存，Esc 取消）", id="pf-title")
            for key, label, hint in (("name", "姓名", ""), ("phone", "电话（留空不修改）", "如 13800001234"),
                                     ("address", "住址", "")):
                yield Label(label)
                yield Field(placeholder=hint, id=f"pf-{key}")
                yield FieldError(id=f"pf-{key}-error")
            yield Select([(f"{k} {v}", k) for k, v in DISABILITY.items()], prompt="残疾类别", id="pf-disability_category")
            yield Select([(v, k) for k, v in GRADES.items()], prompt="残疾等级", id="pf-disability_grade")
            yield FieldError(id="pf-disability_grade-error")
            yield Label("家庭情况")
            yield NoteArea(id="pf-household_note")
            yield FieldError(id="pf-household_note-error")
            yield FieldError(id="pf-form-error")

    def on_mount(self) -> None:
        """Load the current values."""
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="pf-load")
    def load(self) -> None:
        """The person's editable values (phone not shown: it stays masked)."""
        from store.people import get_person
        from store.schema import db

        with db.connection_context():
            p = get_person(self.person_id)
            values = {"name": p.name, "address": p.address or "", "household_note": p.household_note or "",
                      "disability_category": p.disability_category, "disability_grade": p.disability_grade}
        self.app.call_from_thread(self._fill, values)

    def _fill(self, values: dict) -> None:
        """Put the values in the fields."""
        self.original = values
        self.query_one("#pf-name", Field).value = values["name"]
        self.query_one("#pf-address", Field).value = values["address"]
        self.query_one("#pf-household_note", NoteArea).text = values["household_note"]
        for key in ("disability_category", "disability_grade"):
            if values[key]:
                self.query_one(f"#pf-{key}", Select).value = values[key]
        self.query_one("#pf-name").focus()

    def dirty(self) -> bool:
        """Changed from what was loaded."""
        return bool(self.original) and self.values() != {}

    def values(self) -> dict:
        """Only what changed."""
        sel = lambda k: v if isinstance(v := self.query_one(f"#pf-{k}", Select).value, int) else None  # noqa: E731
        now = {"name": self.query_one("#pf-name", Field).value, "address": self.query_one("#pf-address", Field).value,
               "household_note": self.query_one("#pf-household_note", NoteArea).text,
               "disability_category": sel("disability_category"), "disability_grade": sel("disability_grade")}
        out = {k: v for k, v in now.items() if v != self.original.get(k)}
        phone = self.query_one("#pf-phone", Field).value.strip()
        if phone:
            out["phone"] = phone
        return out

    def write(self, values: dict):
        """store.people.update_person."""
        from store.people import update_person

        return update_person(self.person_id, **values) if values else None
