"""设置: operator name and backup folder (Ctrl+S), 立即备份 (F5) and 备份列表 (F6)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static

from store import settings
from store.errors import StoreError
from store.safety.backup import default_backup_dir, make_backup
from store.safety.backup_folder import save_settings
from store.safety.copies import last_backup

from ..typed_app import app_of
from ..widgets.fields import Field, FieldError
from .backup_list import BackupListScreen
from .campaign import CampaignScreen
from .form import FormScreen
from .villages import VillagesScreen

DIR_HINT = "最好是第二块硬盘或U盘上已建好的文件夹，留空则用默认"


class SettingsScreen(FormScreen):
    """设置."""

    CSS_PATH = "settings.tcss"
    PREFIX = "st"
    BINDINGS = [*FormScreen.BINDINGS,
                Binding("f5", "backup_now", "立即备份", key_display="F5"),
                Binding("f6", "backup_list", "备份列表", key_display="F6"),
                Binding("f7", "campaign", "整治工作", key_display="F7"),
                Binding("f4", "villages", "村（居）名单", key_display="F4")]

    def __init__(self, start_backup: bool = False) -> None:
        super().__init__()
        self.start_backup = start_backup
        self.original: dict = {}
        self.default_dir = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="st-box"):
            yield Static("设置（Ctrl+S 保存，F5 立即备份，F6 备份列表，F7 整治工作，F4 村（居）名单，Esc 返回）", id="st-title")
            yield Label("操作员姓名（写入修改记录）")
            yield Field(id="st-operator")
            yield FieldError(id="st-operator-error")
            yield Label(f"备份文件夹（{DIR_HINT}）")
            yield Field(id="st-backup_dir")
            yield FieldError(id="st-backup_dir-error")
            yield Static("", id="st-default")
            yield Static("", id="st-last")
            yield Static("", id="st-status")
            yield FieldError(id="st-form-error")

    def on_mount(self) -> None:
        """Load the current values."""
        self.load()
        if getattr(self.app, "read_only", False):
            self.query_one("#st-status", Static).update("只读方式打开：不能修改设置，可以按 F5 立即备份")
        if self.start_backup:
            self.action_backup_now()

    def load(self) -> None:
        """Operator, backup folder, its default, the last backup."""
        db_path = app_of(self).db_path

        def fetch() -> tuple:
            """Read in the worker."""
            values = {"operator": settings.get(settings.OPERATOR) or "",
                      "backup_dir": settings.get(settings.BACKUP_DIR) or ""}
            beside = db_path.expanduser().resolve().parent / "备份"
            return values, str(beside), str(default_backup_dir(db_path)), last_backup()

        self.load_then_show("st-load", fetch, lambda got: self._fill(*got))

    def _fill(self, values: dict, beside: str, used: str, last) -> None:
        """Show the values, the default folder and the last backup."""
        self.original, self.default_dir = values, beside
        for key, value in values.items():
            self.query_one(f"#st-{key}", Field).value = value
        self.query_one("#st-backup_dir", Field).placeholder = beside
        self.query_one("#st-default", Static).update(f"默认：{beside}\n现在备份到：{used}")
        self.query_one("#st-last", Static).update(f"上次备份：{last:%Y-%m-%d %H:%M}" if last else "上次备份：从未备份")
        self.query_one("#st-operator", Field).focus()

    def dirty(self) -> bool:
        """Changed from what was loaded."""
        return bool(self.original) and self.values() != self.original

    def values(self) -> dict:
        """The typed operator and folder."""
        return {k: self.query_one(f"#st-{k}", Field).value.strip() for k in ("operator", "backup_dir")}

    def changed_case(self) -> int | None:
        """Settings touch no case."""
        return None

    def write(self, values: dict) -> list[str]:
        """Store both settings in one transaction; return the warnings."""
        return save_settings(values["operator"], values["backup_dir"], app_of(self).db_path)

    def _saved(self, result) -> None:
        """Say it is saved (and warn about the same disk)."""
        for warning in result or []:
            self.app.notify(warning, title="提示", severity="warning", timeout=12)
        self.app.notify("设置已保存")
        super()._saved(result)

    def action_backup_now(self) -> None:
        """F5: a verified backup now, with the result on screen."""
        self.query_one("#st-status", Static).update("正在备份并校验...")
        self.backup_now()

    def backup_now(self) -> None:
        """make_backup into the configured folder; a refusal is shown in the status line too."""
        db_path = app_of(self).db_path

        def backup() -> tuple[str, bool]:
            """The backup, in the worker: the text to show and whether it failed."""
            try:
                result = make_backup(db_path)
            except StoreError as exc:
                return f"备份失败：{exc.message}", True
            return f"已备份并校验：{result.path}（{result.size / 1024 / 1024:.1f} MB）", False

        self.load_then_show("st-backup", backup, lambda got: self._backup_done(*got))

    def _backup_done(self, text: str, error: bool) -> None:
        """Show the result; the status line's backup time follows."""
        status = self.query_one("#st-status", Static)
        status.update(text)
        status.set_class(error, "-error")
        self.app.notify(text, title="备份", severity="error" if error else "information", timeout=10)
        app_of(self).load_shell()
        if not error:
            self.load_last()

    def load_last(self) -> None:
        """The last backup again, after a backup."""

        def show(last) -> None:
            """The line under the folder."""
            self.query_one("#st-last", Static).update(f"上次备份：{last:%Y-%m-%d %H:%M}" if last else "上次备份：从未备份")

        self.load_then_show("st-last", last_backup, show)

    def action_campaign(self) -> None:
        """F7: the 整治工作 screen (year, phases, categories, 低保 standards)."""
        self.app.push_screen(CampaignScreen())

    def action_villages(self) -> None:
        """F4: the 村（居）名单 screen (add, rename, aliases, merge)."""
        self.app.push_screen(VillagesScreen())

    def action_backup_list(self) -> None:
        """F6: the backups in the folder."""
        self.app.push_screen(BackupListScreen())
