"""Drawing a spot-check round: the parameters, then the sample shown before it is saved."""

from __future__ import annotations

import random

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Select, SelectionList, Static

from store.cases.cases import require_campaign
from store.checks.spotcheck import DrawParams, draw
from store.checks.spotcheck_rounds import save_round
from store.errors import ValidationError
from store.followup import parse_date
from store.ids import mask_id

from ..typed_app import app_of
from ..widgets.fields import CheckList, FieldError
from .base import LoadsInThread
from .form import FormScreen, chosen, labelled, text_of

POPULATIONS = [("全部排查对象", "all"), ("已走访的对象", "visited"), ("已研判的对象", "assessed")]


class DrawForm(FormScreen):
    """新一轮抽查：参数."""

    CSS_PATH = "org_forms.tcss"
    PREFIX = "dr"

    def compose(self) -> ComposeResult:
        with Vertical(classes="org-box"):
            yield Static("新一轮抽查（Ctrl+S 抽取并预览，Esc 取消）", classes="org-title")
            yield from labelled("dr", "date", "抽查日期", app_of(self).today().isoformat())
            yield from labelled("dr", "checker", "检查人", "", "如 王某")
            yield Label("村（居）（空格选择，可多选；都不选为全镇）")
            yield CheckList(*[(name, vid) for vid, name in app_of(self).villages], id="dr-villages")
            yield FieldError(id="dr-villages-error")
            yield Label("抽查范围")
            yield Select(POPULATIONS, value="all", allow_blank=False, id="dr-population")
            yield from labelled("dr", "ratio", "比例（默认 30%，填数量时不用）", "30%")
            yield from labelled("dr", "count", "或数量（个，填了就按数量抽）", "", "留空按比例")
            yield from labelled("dr", "seed", "随机种子（同样的种子和数据抽出同样的对象）", str(random.randrange(1, 100000)))
            yield FieldError(id="dr-form-error")

    def on_mount(self) -> None:
        """Start on the checker; the village list highlights its first line."""
        self.query_one("#dr-villages", SelectionList).highlighted = 0
        self.query_one("#dr-checker").focus()

    def values(self) -> dict:
        """The parameters, checked for whole numbers."""
        seed, count = text_of(self, "dr", "seed").strip(), text_of(self, "dr", "count").strip()
        if not seed.isdigit():
            raise ValidationError("随机种子应为 0 或正整数", field="seed")
        if count and not count.isdigit():
            raise ValidationError("数量应为正整数，或留空按比例抽", field="count")
        params = DrawParams(int(seed), text_of(self, "dr", "ratio").strip() or "30%", int(count) if count else None,
                            tuple(self.query_one("#dr-villages", SelectionList).selected),
                            chosen(self, "dr", "population") or "all")
        on = parse_date(text_of(self, "dr", "date"), field="date") or app_of(self).today()
        return {"params": params, "date": on, "checker": text_of(self, "dr", "checker")}

    def write(self, values: dict):
        """store.checks.spotcheck.draw: reads only; the sample is saved from the preview."""
        return values, draw(values["params"], require_campaign().id)

    def _saved(self, result) -> None:
        """Show the sample; saving it there closes this form too (Esc there keeps the form)."""
        self.saving = False
        values, drawn = result
        self.app.push_screen(SampleScreen(values, drawn), lambda rid: rid and self.dismiss(rid))


class SampleScreen(LoadsInThread, ModalScreen[object]):
    """抽查样本（保存前）."""

    CSS_PATH = "spotcheck_draw.tcss"
    BINDINGS = [Binding("ctrl+s,y", "save", "保存本轮", key_display="Ctrl+S"),
                Binding("escape", "back", "返回修改", key_display="Esc")]

    def __init__(self, values: dict, drawn) -> None:
        super().__init__()
        self.values, self.drawn = values, drawn

    def compose(self) -> ComposeResult:
        d = self.drawn
        strata = "，".join(f"{s.village}{s.code}类 {s.drawn}/{s.size}" for s in d.strata if s.size)
        with Vertical(id="sp-box"):
            yield Static(f"抽取结果（尚未保存）：范围内 {d.population} 个，抽中 {len(d.sample)} 个，种子 {d.params.seed}",
                         id="sp-title")
            yield Static(f"分层（村 x 类别，抽中/层内）：{strata}", id="sp-strata")
            yield DataTable(id="sp-sample", cursor_type="row", zebra_stripes=True)
            yield Static("Ctrl+S 或 y 保存本轮并开始记录结果  Esc 返回修改参数", id="sp-keys")

    def on_mount(self) -> None:
        """The sample, ID numbers masked."""
        table = self.query_one(DataTable)
        table.add_columns("村（居）", "姓名", "身份证号", "类别", "状态")
        for s in self.drawn.sample:
            table.add_row(s.village, s.person, mask_id(s.id_number) if s.id_number else "", s.categories, s.status)
        table.focus()

    def action_back(self) -> None:
        """Esc: back to the parameters."""
        self.dismiss(None)

    def action_save(self) -> None:
        """Ctrl+S: save the round."""
        self.save()

    def save(self) -> None:
        """store.checks.spotcheck_rounds.save_round (draws again inside its transaction: the same sample)."""
        v = self.values
        self.write_then_show("round-save", lambda: save_round(v["params"], date=v["date"], checker=v["checker"]),
                             lambda got: self.dismiss(got[0].id))
