"""备份列表: the copies in the backup folder, newest first; c checks each one."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from store.safety.backup import default_backup_dir
from store.safety.copies import BackupInfo, list_backups

from ..typed_app import app_of
from .base import LoadsInThread

VERIFIED = {None: "未检查", True: "通过", False: "未通过"}


class BackupListScreen(LoadsInThread, ModalScreen[None]):
    """The backups with time, size and whether they pass a check."""

    CSS_PATH = "backup_list.tcss"
    BINDINGS = [Binding("escape", "close", "返回", key_display="Esc"),
                Binding("c", "check", "逐个校验", key_display="c")]

    def compose(self) -> ComposeResult:
        with Vertical(id="bl-box"):
            yield Static("备份列表（c 逐个校验，Esc 返回）", id="bl-title")
            yield Static("正在读取...", id="bl-folder")
            yield DataTable(id="bl-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Columns, then the list from a worker."""
        self.query_one(DataTable).add_columns("时间", "大小", "校验", "文件")
        self.query_one(DataTable).focus()
        self.load(False)

    def action_check(self) -> None:
        """c: quick-check every copy."""
        self.query_one("#bl-folder", Static).update("正在逐个校验...")
        self.load(True)

    def load(self, check: bool) -> None:
        """list_backups of the configured folder (each copy checked when asked), in a worker."""
        db_path = app_of(self).db_path

        def fetch() -> tuple[Path, list[BackupInfo]]:
            """The folder and its copies (in the worker)."""
            folder = default_backup_dir(db_path)
            return folder, list_backups(folder, check=check)

        self.load_then_show("bl-load", fetch, lambda got: self.show(*got))

    def show(self, folder: Path, infos: list[BackupInfo]) -> None:
        """Fill the table."""
        table = self.query_one(DataTable)
        table.clear()
        for info in infos:
            mark = VERIFIED[info.verified] + (f"：{info.problem}" if info.problem else "")
            table.add_row(f"{info.time:%Y-%m-%d %H:%M:%S}", f"{info.size / 1024 / 1024:.1f} MB", mark, info.path.name)
        self.query_one("#bl-folder", Static).update(f"备份文件夹：{folder}  共 {len(infos)} 份"
                                                   + ("" if infos else "（还没有备份，在设置里按 F5 立即备份）"))

    def action_close(self) -> None:
        """Back to the settings."""
        self.dismiss(None)
