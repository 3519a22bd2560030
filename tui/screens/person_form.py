"""修改人员信息: name, ID number and phone (blank keeps them), address, household notes, disability,
重病, and the household (户主, relation, size, annual per-capita income, housing, assets).

An ID number that fails only its checksum or birth date is refused with the reason and a
「核实说明」 field appears under it: saving again with a reason accepts the number (audited)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Select, Static

from store.cases.detail import DISABILITY, GRADES
from store.errors import IdNeedsReason
from store.ids import mask_id
from store.people.households import form_values, save_form
from store.people.people import get_person

from ..widgets.fields import Field, FieldError, NoteArea
from .form import FormScreen


FIELDS = (("name", "姓名", ""), ("id_number", "身份证号（留空不修改）", "18位，如 350505199001011234"),
          ("phone", "电话（留空不修改）", "如 13800001234"), ("address", "住址", ""))
HOUSEHOLD_FIELDS = (("head", "户主（填「本人」或户主的身份证号；清空表示不属于任何户）", "本人"),
                    ("relation", "与户主关系", "如 户主、配偶、子女、父母"),
                    ("size", "家庭人口（含未登记的成员）", "如 3"), ("income", "家庭年人均收入（元）", "如 8600"),
                    ("housing", "住房情况", "如 砖混平房两间，自有"), ("assets", "财产情况（车辆、存款、经营等）", "如 无车辆"))
HOUSEHOLD_KEYS = tuple(k for k, _l, _h in HOUSEHOLD_FIELDS)


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
            for key, label, hint in FIELDS:
                yield Label(label, id=f"pf-{key}-label")
                yield Field(placeholder=hint, id=f"pf-{key}")
                yield FieldError(id=f"pf-{key}-error")
                if key == "id_number":
                    with Vertical(id="pf-override"):
                        yield Label("核实说明（已核实号码无误时填写，如「与户口簿核对一致」，记入修改记录）")
                        yield Field(id="pf-id_override_reason")
            yield Select([(f"{k} {v}", k) for k, v in DISABILITY.items()], prompt="残疾类别", id="pf-disability_category")
            yield Select([(v, k) for k, v in GRADES.items()], prompt="残疾等级", id="pf-disability_grade")
            yield FieldError(id="pf-disability_grade-error")
            yield Select([("重病：是（重特大疾病）", True), ("重病：否", False)], prompt="是否重病",
                         id="pf-serious_illness")
            yield Static("家庭（户）", classes="pf-section")
            for key, label, hint in HOUSEHOLD_FIELDS:
                yield Label(label)
                yield Field(placeholder=hint, id=f"pf-{key}")
                yield FieldError(id=f"pf-{key}-error")
            yield Label("家庭情况")
            yield NoteArea(id="pf-household_note")
            yield FieldError(id="pf-household_note-error")
            yield FieldError(id="pf-form-error")

    def on_mount(self) -> None:
        """Load the current values."""
        self.load()

    def load(self) -> None:
        """The person's editable values (phone not shown: it stays masked)."""

        def fetch() -> dict:
            """The values, read in the worker."""
            p = get_person(self.person_id)
            return {"name": p.name, "address": p.address or "", "household_note": p.household_note or "",
                    "disability_category": p.disability_category, "disability_grade": p.disability_grade,
                    "id_masked": mask_id(p.id_number), **form_values(p.id)}

        self.load_then_show("pf-load", fetch, self._fill)

    def _fill(self, values: dict) -> None:
        """Put the values in the fields."""
        self.original = values
        self.query_one("#pf-name", Field).value = values["name"]
        self.query_one("#pf-address", Field).value = values["address"]
        self.query_one("#pf-household_note", NoteArea).text = values["household_note"]
        if values["id_masked"]:
            self.query_one("#pf-id_number-label", Label).update(f"身份证号（现为 {values['id_masked']}，留空不修改）")
        for key in ("disability_category", "disability_grade"):
            if values[key]:
                self.query_one(f"#pf-{key}", Select).value = values[key]
        self.query_one("#pf-serious_illness", Select).value = values["serious_illness"]
        for key in HOUSEHOLD_KEYS:
            self.query_one(f"#pf-{key}", Field).value = values[key]
        self.query_one("#pf-name").focus()

    def dirty(self) -> bool:
        """Changed from what was loaded."""
        return bool(self.original) and self.values() != {}

    def values(self) -> dict:
        """Only what changed."""
        sel = lambda k: v if isinstance(v := self.query_one(f"#pf-{k}", Select).value, int) else None  # noqa: E731
        now = {"name": self.query_one("#pf-name", Field).value, "address": self.query_one("#pf-address", Field).value,
               "household_note": self.query_one("#pf-household_note", NoteArea).text,
               "disability_category": sel("disability_category"), "disability_grade": sel("disability_grade"),
               "serious_illness": self.query_one("#pf-serious_illness", Select).value is True,
               **{k: self.query_one(f"#pf-{k}", Field).value.strip() for k in HOUSEHOLD_KEYS}}
        out = {k: v for k, v in now.items() if v != self.original.get(k)}
        for key in ("id_number", "phone"):
            typed = self.query_one(f"#pf-{key}", Field).value.strip()
            if typed:
                out[key] = typed
        if "id_number" in out and self.query_one("#pf-override").display:
            out["id_override_reason"] = self.query_one("#pf-id_override_reason", Field).value
        return out

    def write(self, values: dict):
        """store.people.households.save_form: the person (with the 核实说明 when the ID needs one), then the
        household, in one transaction."""
        values = dict(values)
        reason = values.pop("id_override_reason", None)
        household = {k: values.pop(k) for k in HOUSEHOLD_KEYS if k in values}
        return save_form(self.person_id, values, household, reason) if values or household else None

    def show_error(self, exc) -> None:
        """An ID that fails only its check: the error under it, then the 核实说明 field to fill."""
        super().show_error(exc)
        if isinstance(exc, IdNeedsReason):
            self.query_one("#pf-override").display = True
            self.query_one("#pf-id_override_reason", Field).focus()
