"""添加家庭成员: a member of the case person's household entered by hand (name, relation, ID number).

An ID number that fails only its checksum or birth date is refused with the reason and a
「核实说明」 field appears under it, as in the person form."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

from store.errors import IdNeedsReason, ValidationError
from store.people.households import add_member, household_line
from store.people.people import get_person

from ..widgets.fields import Field, FieldError
from .form import FormScreen

FIELDS = (("name", "姓名", ""), ("relation", "与户主关系", "如 配偶、子女、父母"),
          ("id_number", "身份证号（可不填）", "18位，如 350505199001011234"))


class HouseholdMemberForm(FormScreen):
    """添加家庭成员."""

    CSS_PATH = "household_member_form.tcss"
    PREFIX = "hm"

    def __init__(self, case_id: int, person_id: int) -> None:
        super().__init__()
        self.case_id, self.person_id = case_id, person_id
        self.code: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="hm-box"):
            yield Static("添加家庭成员（Ctrl+S 保存，Esc 取消）", id="hm-title")
            yield Static("正在读取...", id="hm-household")
            for key, label, hint in FIELDS:
                yield Label(label)
                yield Field(placeholder=hint, id=f"hm-{key}")
                yield FieldError(id=f"hm-{key}-error")
                if key == "id_number":
                    with Vertical(id="hm-override"):
                        yield Label("核实说明（已核实号码无误时填写，记入修改记录）")
                        yield Field(id="hm-id_override_reason")
            yield FieldError(id="hm-head-error")
            yield FieldError(id="hm-form-error")

    def on_mount(self) -> None:
        """Read the household."""
        self.load()

    def load(self) -> None:
        """The person's household line and code."""

        def fetch() -> tuple[str | None, str]:
            """The household code and its line, read in the worker."""
            return get_person(self.person_id).household_code, household_line(self.person_id)

        self.load_then_show("hm-load", fetch, lambda got: self._loaded(*got))

    def _loaded(self, code: str | None, line: str) -> None:
        """Show whose household it is (or that there is none yet)."""
        self.code = code
        self.query_one("#hm-household", Static).update(line or "尚未设置户主：请先在「修改人员信息」（e）中填写户主")
        self.query_one("#hm-name").focus()

    def values(self) -> dict:
        """Name, relation, ID number (and the 核实说明 once it is asked for)."""
        out = {key: self.query_one(f"#hm-{key}", Field).value for key, _l, _h in FIELDS}
        if self.query_one("#hm-override").display:
            out["id_override_reason"] = self.query_one("#hm-id_override_reason", Field).value
        return out

    def write(self, values: dict):
        """store.people.households.add_member."""
        if not self.code:
            raise ValidationError("尚未设置户主：请先在「修改人员信息」（e）中填写户主", field="head")
        return add_member(self.code, name=values["name"], relation=values["relation"],
                          id_number=values["id_number"].strip() or None,
                          id_override_reason=values.get("id_override_reason"))

    def show_error(self, exc) -> None:
        """An ID that fails only its check: the error under it, then the 核实说明 field to fill."""
        super().show_error(exc)
        if isinstance(exc, IdNeedsReason):
            self.query_one("#hm-override").display = True
            self.query_one("#hm-id_override_reason", Field).focus()
