"""设置: operator name and backup folder (Ctrl+S), 立即备份 (F5) and 备份列表 (F6)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static

from ..widgets.fields import Field, FieldError
from .form import FormScreen

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

    @work(thread=True, exclusive=True, exit_on_error=False, group="st-load")
    def load(self) -> None:
        """Operator, backup folder, its default, the last backup."""
        from store import settings
        from store.safety.backup import default_backup_dir
        from store.safety.copies import last_backup
        from store.schema import db

        with db.connection_context():
            values = {"operator": settings.get(settings.OPERATOR) or "",
                      "backup_dir": settings.get(settings.BACKUP_DIR) or ""}
            last = last_backup()
        beside = self.app.db_path.expanduser().resolve().parent / "备份"
        self.app.call_from_thread(self._fill, values, str(beside), str(default_backup_dir(self.app.db_path)), last)

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
        from store import settings
        from store.safety.backup_folder import set_backup_dir
        from store.errors import ValidationError
        from store.schema import db

        if not values["operator"]:
            raise ValidationError("请填写操作员姓名", "operator")
        with db.atomic():
            warnings = set_backup_dir(values["backup_dir"], self.app.db_path)
            settings.put(settings.OPERATOR, values["operator"])
        return warnings

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

    @work(thread=True, exclusive=True, exit_on_error=False, group="st-backup")
    def backup_now(self) -> None:
        """make_backup into the configured folder."""
        from store.safety.backup import make_backup
        from store.errors import StoreError
        from store.schema import db

        try:
            with db.connection_context():
                result = make_backup(self.app.db_path)
        except StoreError as exc:
            self.app.call_from_thread(self._backup_done, f"备份失败：{exc.message}", True)
            return
        size = result.size / 1024 / 1024
        self.app.call_from_thread(self._backup_done, f"已备份并校验：{result.path}（{size:.1f} MB）", False)

    def _backup_done(self, text: str, error: bool) -> None:
        """Show the result; the status line's backup time follows."""
        status = self.query_one("#st-status", Static)
        status.update(text)
        status.set_class(error, "-error")
        self.app.notify(text, title="备份", severity="error" if error else "information", timeout=10)
        self.app.load_shell()
        if not error:
            self.load_last()

    @work(thread=True, exclusive=True, exit_on_error=False, group="st-last")
    def load_last(self) -> None:
        """The last backup again, after a backup."""
        from store.safety.copies import last_backup
        from store.schema import db

        with db.connection_context():
            last = last_backup()
        text = f"上次备份：{last:%Y-%m-%d %H:%M}" if last else "上次备份：从未备份"
        self.app.call_from_thread(self.query_one("#st-last", Static).update, text)

    def action_campaign(self) -> None:
        """F7: the 整治工作 screen (year, phases, categories, 低保 standards)."""
        from .campaign import CampaignScreen

        self.app.push_screen(CampaignScreen())

    def action_villages(self) -> None:
        """F4: the 村（居）名单 screen (add, rename, aliases, merge)."""
        from .villages import VillagesScreen

        self.app.push_screen(VillagesScreen())

    def action_backup_list(self) -> None:
        """F6: the backups in the folder."""
        from .backup_list import BackupListScreen

        self.app.push_screen(BackupListScreen())
