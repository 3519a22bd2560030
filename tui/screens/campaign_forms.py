"""The 整治工作 screen's forms: a phase (kept on the screen until Ctrl+S there), a category, a
低保 standard, a new campaign from a template."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Select, Static

from store.campaign.campaigns import as_day, new_campaign
from store.campaign.categories import save_category
from store.campaign.standards import set_standard
from store.errors import ValidationError

from ..widgets.fields import FieldError
from .form import FormScreen, chosen, labelled, text_of


def _d(day) -> str:
    """A date as YYYY-MM-DD, '' for None."""
    return day.isoformat() if day else ""


class PhaseForm(FormScreen):
    """一个阶段: name, start, end (checked here; saved with the campaign)."""

    CSS_PATH = "campaign_forms.tcss"
    PREFIX = "pf"

    def __init__(self, phase: tuple | None) -> None:
        super().__init__()
        self.phase = phase

    def compose(self) -> ComposeResult:
        name, start, end = self.phase or ("", "", "")
        with Vertical(classes="cf-box"):
            yield Static(f"{'修改' if self.phase else '新增'}阶段（Ctrl+S 确定，回到整治工作后再按 Ctrl+S 保存）",
                         classes="cf-title")
            yield from labelled("pf", "name", "阶段名称", name, "如 推动落实")
            yield from labelled("pf", "start", "开始日期", start, "如 2026-08-11、2026.8.11、2026年8月11日")
            yield from labelled("pf", "end", "结束日期", end, "如 2026-09-20")
            yield FieldError(id="pf-form-error")

    def on_mount(self) -> None:
        """Start on the name."""
        self.query_one("#pf-name").focus()

    def values(self) -> dict:
        """Name and the two dates, checked (a date typed wrong shows under its field)."""
        name = text_of(self, "pf", "name").strip()
        if not name:
            raise ValidationError("请填写阶段名称", field="name")
        start = as_day(text_of(self, "pf", "start"), "start", "开始日期", allow_none=False)
        end = as_day(text_of(self, "pf", "end"), "end", "结束日期", allow_none=False)
        assert start is not None and end is not None  # allow_none=False raises instead of returning None
        if end < start:
            raise ValidationError("结束日期早于开始日期", field="end")
        return {"spec": (name, start.isoformat(), end.isoformat())}

    def action_save(self) -> None:
        """Ctrl+S: hand the phase back (nothing is written yet)."""
        for err in self.query(FieldError):
            err.set(None)
        try:
            spec = self.values()["spec"]
        except ValidationError as exc:
            self.show_error(exc)
            return
        self.dismiss(spec)

    def field_enter(self, field) -> None:
        """Enter: next field, or done from the last."""
        if field.id == "pf-end":
            self.action_save()
        else:
            self.focus_next()


class CategoryForm(FormScreen):
    """一个排查类别: code, name, short name, rule, threshold (yuan), since-date."""

    CSS_PATH = "campaign_forms.tcss"
    PREFIX = "kf"

    def __init__(self, campaign_id: int, row=None) -> None:
        super().__init__()
        self.campaign_id, self.row = campaign_id, row

    def compose(self) -> ComposeResult:
        r = self.row
        threshold = "" if r is None or r.threshold is None else f"{r.threshold:f}".rstrip("0").rstrip(".")
        with Vertical(classes="cf-box"):
            yield Static(f"{'修改第 %d 类' % r.code if r else '新增排查类别'}（Ctrl+S 保存，Esc 取消）", classes="cf-title")
            yield from labelled("kf", "code", "代码（数字，不能与其他类别重复）", str(r.code) if r else "", "如 8")
            yield from labelled("kf", "name", "类别名称", r.name if r else "", "如 2025年自付医疗费用1万元以上低保对象")
            yield from labelled("kf", "short_name", "简称（表格里显示，可不填）", r.short_name if r else "", "如 低保自付")
            yield from labelled("kf", "rule", "认定口径（可不填）", (r.rule or "") if r else "")
            yield from labelled("kf", "threshold", "金额门槛（元，可不填）", threshold, "如 10000 或 1万")
            yield from labelled("kf", "since", "起算日期（可不填）", _d(r.since) if r else "", "如 2025-01-01")
            yield FieldError(id="kf-form-error")

    def on_mount(self) -> None:
        """Start on the name when editing, on the code when new."""
        self.query_one("#kf-name" if self.row else "#kf-code").focus()

    def values(self) -> dict:
        """What was typed."""
        return {k: text_of(self, "kf", k) for k in ("code", "name", "short_name", "rule", "threshold", "since")}

    def changed_case(self) -> int | None:
        """A category touches no single case."""
        return None

    def write(self, values: dict) -> object:
        """store.campaign.categories.save_category."""
        return save_category(self.campaign_id, values, self.row.id if self.row else None)


class StandardForm(FormScreen):
    """一条低保标准: 城市 or 农村, the day it takes effect, yuan per person per month."""

    CSS_PATH = "campaign_forms.tcss"
    PREFIX = "sf"

    def __init__(self, standard=None) -> None:
        super().__init__()
        self.standard = standard

    def compose(self) -> ComposeResult:
        s = self.standard
        with Vertical(classes="cf-box"):
            yield Static(f"{'修改' if s else '新增'}低保标准（Ctrl+S 保存，Esc 取消）", classes="cf-title")
            yield Label("类别")
            yield Select([("城市", "城市"), ("农村", "农村")], value=s.kind if s else "城市", allow_blank=False,
                         id="sf-kind")
            yield FieldError(id="sf-kind-error")
            yield from labelled("sf", "amount", "标准（元/人/月）", f"{s.amount:f}" if s else "", "如 900")
            yield from labelled("sf", "since", "执行日期", _d(s.since) if s else "", "如 2026-01-01")
            yield FieldError(id="sf-form-error")

    def on_mount(self) -> None:
        """Start on the amount."""
        self.query_one("#sf-amount").focus()

    def values(self) -> dict:
        """What was typed."""
        return {"kind": chosen(self, "sf", "kind") or "", "amount": text_of(self, "sf", "amount"),
                "since": text_of(self, "sf", "since")}

    def changed_case(self) -> int | None:
        """A standard touches no case."""
        return None

    def write(self, values: dict) -> object:
        """store.campaign.standards.set_standard (an edited one replaces the old row)."""
        s = self.standard
        return set_standard(values["kind"], values["amount"], values["since"],
                            replace=(s.kind, s.since) if s else None)


class NewCampaignForm(FormScreen):
    """新建整治工作: year, template, name, 文号, start, report due."""

    CSS_PATH = "campaign_forms.tcss"
    PREFIX = "nf"

    def __init__(self, year: int) -> None:
        super().__init__()
        self.year = year

    def compose(self) -> ComposeResult:
        with Vertical(classes="cf-box"):
            yield Static("新建整治工作（阶段和类别照模板，日期移到该年度；Ctrl+S 新建并设为当前）", classes="cf-title")
            yield from labelled("nf", "year", "年度", str(self.year))
            yield Label("模板")
            yield Select([("最近一次整治工作", "latest"), ("龙政〔2022〕63号（原方案）", "source")], value="latest",
                         allow_blank=False, id="nf-template")
            yield FieldError(id="nf-template-error")
            yield from labelled("nf", "name", "名称（可不填：按模板名称加年度）")
            yield from labelled("nf", "doc_number", "文号（可不填）", "", "如 龙政〔2026〕12号")
            yield from labelled("nf", "start", "开始日期（可不填：照模板的月日）", "", "如 2026-08-01")
            yield from labelled("nf", "report_due", "报告截止日期（可不填）", "", "如 2026-09-30")
            yield FieldError(id="nf-form-error")

    def on_mount(self) -> None:
        """Start on the year."""
        self.query_one("#nf-year").focus()

    def values(self) -> dict:
        """What was typed."""
        out = {k: text_of(self, "nf", k) for k in ("year", "name", "doc_number", "start", "report_due")}
        out["template"] = chosen(self, "nf", "template") or "latest"
        return out

    def changed_case(self) -> int | None:
        """A new campaign touches no case."""
        return None

    def write(self, values: dict) -> object:
        """store.campaign.campaigns.new_campaign (made active)."""
        return new_campaign(values.pop("year"), values.pop("template"), **values)
