"""First run on an empty database: town, district, operator and this year's campaign (the source
plan's structure with this year's dates, for the clerk to confirm or edit), then demo data (or import)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Label, ProgressBar, Static

from store.campaign.campaigns import this_year_proposal
from store.demo.town import build_demo as build_demo_town
from store.errors import ValidationError
from store.reports.queries import town_info
from store.safety.unreadable import MARK
from store.safety.backup import default_backup_dir
from store.schema import db
from store.town.setup import first_setup

from ..typed_app import app_of
from ..widgets.fields import EnterMovesOn, Field, FieldError
from .base import AppScreen
from .campaign import CampaignScreen
from .dashboard import DashboardScreen


class WelcomeScreen(EnterMovesOn, AppScreen):
    """欢迎: set up the town, then fill the database."""

    CSS_PATH = "welcome.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "保存", key_display="Ctrl+S"),
        Binding("ctrl+d", "demo", "载入演示数据", key_display="Ctrl+D", priority=True),
        Binding("f8", "import_list", "导入名单", key_display="F8"),
        Binding("f5", "campaign", "整治工作", key_display="F5"),
    ]
    WRITE_ACTIONS = frozenset({"save", "demo", "import_list", "campaign"})
    CAMPAIGN_FIELDS = (("name", "名称"), ("doc_number", "文号（可不填）"), ("start", "开始日期（各阶段随之平移）"),
                       ("report_due", "报告截止日期"))

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="welcome-box"):
            yield Static("欢迎使用「应保尽保」工作台。先填写本镇信息，按 Ctrl+S 保存。", id="welcome-intro")
            for key, label, hint in (("town", "乡镇名称", "如 后龙镇"), ("district", "区（县）", "如 泉港区"),
                                     ("operator", "操作员姓名", "写入修改记录")):
                yield Label(label)
                yield Field(placeholder=hint, id=f"welcome-{key}")
                yield FieldError(id=f"welcome-{key}-error")
            yield Label("备份文件夹（可不填；最好是第二块硬盘或U盘上已建好的文件夹）")
            yield Field(id="welcome-backup_dir")
            yield FieldError(id="welcome-backup_dir-error")
            yield Static("本年度整治工作（按龙政〔2022〕63号的结构，日期已移到今年；请核对，可修改）", id="welcome-camp-title")
            for key, label in self.CAMPAIGN_FIELDS:
                yield Label(label)
                yield Field(id=f"welcome-camp-{key}")
                yield FieldError(id=f"welcome-camp-{key}-error")
            yield Static("", id="welcome-camp-phases")
            with Vertical(id="welcome-next", classes="hidden"):
                yield Static("下一步：", id="welcome-next-title")
                yield Button("载入演示数据（Ctrl+D）", id="welcome-demo", variant="primary")
                yield Button("导入名单（F8）", id="welcome-import")
                yield Button("整治工作：阶段和类别（F5）", id="welcome-campaign")
                yield ProgressBar(total=1.0, show_eta=False, id="welcome-progress", classes="hidden")
                yield Static("", id="welcome-step")

    def on_mount(self) -> None:
        """Start in the town field; fill what `yingbao init` may have set."""
        self.query_one("#welcome-town", Field).focus()
        self.watch(self.app, "shell", self._shell_changed, init=False)
        self.load_settings()

    def load_settings(self) -> None:
        """Town, district and operator already in the database."""
        today, db_path = app_of(self).today(), app_of(self).db_path

        def fetch() -> dict:
            """Read in the worker: the town's facts, this year's proposal, the default backup folder."""
            info: dict = {**town_info(), "campaign": this_year_proposal(today)}
            info["default_backup_dir"] = str(default_backup_dir(db_path))
            return info

        self.load_then_show("welcome-load", fetch, self._prefill)

    def _prefill(self, info: dict) -> None:
        """Put known values in empty fields (never over typed text)."""
        for key in ("town", "district", "operator"):
            field = self.query_one(f"#welcome-{key}", Field)
            if info.get(key) and not field.value:
                field.value = info[key]
        self.query_one("#welcome-backup_dir", Field).placeholder = f"默认：{info['default_backup_dir']}"
        camp = info["campaign"]
        self.proposed = {k: str(camp[k] or "") for k in ("start", "report_due")}
        for key, _label in self.CAMPAIGN_FIELDS:
            field = self.query_one(f"#welcome-camp-{key}", Field)
            if not field.value and camp.get(key):
                field.value = str(camp[key])
        self.query_one("#welcome-camp-phases", Static).update(phase_line(camp["phases"], camp["report_due"]))
        if info.get("town") and info.get("district") and camp.get("existing"):
            # Saved in an earlier session (or by `init`): the next steps are open without a second Ctrl+S.
            self.query_one("#welcome-next").remove_class("hidden")

    def field_enter(self, field) -> None:
        """Enter in a field: next field, or save from the last one."""
        if field.id in ("welcome-backup_dir", "welcome-camp-report_due"):
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        """Ctrl+S: check the fields, then write the settings in a worker."""
        values = {k: self.query_one(f"#welcome-{k}", Field).value for k in ("town", "district", "operator", "backup_dir")}
        for key in values:
            self.query_one(f"#welcome-{key}-error", FieldError).set(None)
        for key, _label in self.CAMPAIGN_FIELDS:
            values[f"camp-{key}"] = self.query_one(f"#welcome-camp-{key}", Field).value
            self.query_one(f"#welcome-camp-{key}-error", FieldError).set(None)
        self.save(values)

    def save(self, values: dict) -> None:
        """Write town, district and operator (a refused value comes back to show under its field)."""
        today, db_path = app_of(self).today(), app_of(self).db_path

        campaign = self._campaign_values(values)

        def write() -> list[str] | ValidationError:
            """store.town.setup.first_setup; a refusal is returned to show under its field."""
            try:
                return first_setup(values["town"], values["district"], values["operator"], values["backup_dir"],
                                   db_path, today, campaign)
            except ValidationError as exc:
                if exc.field and exc.field.startswith("campaign."):
                    return ValidationError(exc.message, field=f"camp-{exc.field.removeprefix('campaign.')}")
                return exc

        self.write_then_show("welcome", write, self._written, changed=False)

    def _written(self, got: list[str] | ValidationError) -> None:
        """The warnings and the next steps, or the error under its field."""
        if isinstance(got, ValidationError):
            self._field_error(got)
            return
        for warning in got:
            self.notify(warning, title="提示", severity="warning", timeout=12)
        self._saved()

    def _campaign_values(self, values: dict) -> dict[str, str]:
        """This year's campaign as confirmed; a report due left as proposed moves with a changed start."""
        typed = {k: values[f"camp-{k}"].strip() for k, _l in self.CAMPAIGN_FIELDS}
        proposed = getattr(self, "proposed", {})
        if typed["report_due"] == proposed.get("report_due") and typed["start"] != proposed.get("start"):
            del typed["report_due"]  # untouched: it moves with the start
        return typed

    def _field_error(self, exc: ValidationError) -> None:
        """Show the error under its field and put the cursor there."""
        self.query_one(f"#welcome-{exc.field}-error", FieldError).set(exc.message)
        self.query_one(f"#welcome-{exc.field}", Field).focus()

    def _saved(self) -> None:
        """Offer the next steps."""
        app_of(self).load_shell()
        self.load_settings()
        self.query_one("#welcome-next").remove_class("hidden")
        button = self.query_one("#welcome-demo", Button)
        button.focus()
        self.call_after_refresh(button.scroll_visible)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The demo and import buttons."""
        if event.button.id == "welcome-demo":
            self.action_demo()
        elif event.button.id == "welcome-import":
            self.action_import_list()
        elif event.button.id == "welcome-campaign":
            self.action_campaign()

    def action_campaign(self) -> None:
        """F5: the 整治工作 screen (phases, categories, 低保 standards), after the town is saved."""
        if self.query_one("#welcome-next").has_class("hidden"):
            self.notify("请先核对本镇信息和本年度整治工作，按 Ctrl+S 保存", severity="warning")
            return
        self.app.push_screen(CampaignScreen())

    def action_import_list(self) -> None:
        """F8: the import wizard (after the town is saved)."""
        from .import_wizard import ImportWizard  # lazy: it loads openpyxl and the importers (~0.2 s)

        if self.query_one("#welcome-next").has_class("hidden"):
            self.notify("请先填写本镇信息并按 Ctrl+S 保存", severity="warning")
            return
        self.app.push_screen(ImportWizard())

    def _shell_changed(self, info) -> None:
        """An import filled the database: on to the dashboard (now, or when the wizard closes)."""
        if info is None or info.empty or getattr(self, "building", False):
            return
        if self.app.screen is self:  # (is_current is also true right under another screen)
            self.building = True  # once
            self.app.switch_screen(DashboardScreen())
        else:
            self.pending_dashboard = True

    def on_screen_resume(self) -> None:
        """Back from the wizard after an import: on to the dashboard."""
        super().on_screen_resume()
        if getattr(self, "pending_dashboard", False) and not getattr(self, "building", False):
            self.pending_dashboard, self.building = False, True
            self.app.switch_screen(DashboardScreen())

    def action_demo(self) -> None:
        """Ctrl+D: build the demo town, with progress."""
        if self.query_one("#welcome-next").has_class("hidden"):
            self.notify("请先填写本镇信息并按 Ctrl+S 保存", severity="warning")
            return
        self.building = True
        self.query_one("#welcome-demo", Button).disabled = True
        self.set_focus(None)  # no field has focus while the progress bar moves (IME window)
        self.query_one("#welcome-progress").remove_class("hidden")
        self.build_demo()

    @work(thread=True, exclusive=True, exit_on_error=False, group="demo")
    def build_demo(self) -> None:
        """Fill the database with the synthetic town (a hand-made worker: it reports progress)."""
        today = app_of(self).today()

        def progress(label: str, frac: float) -> None:
            """Forward the build's progress to the UI thread."""
            self.app.call_from_thread(self._progress, label, frac)

        with db.connection_context():
            written = build_demo_town(1, "small", today=today, progress=progress)
        self.app.call_from_thread(self._demo_done, written)

    def _progress(self, label: str, frac: float) -> None:
        """Move the bar."""
        self.query_one("#welcome-progress", ProgressBar).update(progress=frac)
        self.query_one("#welcome-step", Static).update(f"正在生成：{label}")

    def _demo_done(self, written: dict) -> None:
        """Go to the dashboard."""
        self.notify(f"已载入演示数据：{written['villages']} 个村（居），{written['cases']} 个排查对象")
        app_of(self).load_shell()
        self.app.switch_screen(DashboardScreen())


def phase_line(phases, report_due) -> str:
    """「阶段：谋划部署 7月21日至8月10日；...；报告截止 2026年9月30日」."""
    def md(day) -> str:
        return f"{day.month}月{day.day}日" if day is not None else MARK  # a date another tool wrote

    parts = "；".join(f"{p.name} {md(p.start)}至{md(p.end)}" for p in phases)
    due = f"；报告截止 {report_due.year}年{md(report_due)}" if report_due else ""
    return f"阶段：{parts}{due}"
