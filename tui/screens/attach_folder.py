"""从文件夹添加附件: the photos a village sent (named by person or ID tail). Ctrl+S shows which file
goes to which person (nothing written yet); Ctrl+S again attaches exactly those, Esc leaves."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from store.cases.attach_folder import FolderPreview, preview_folder
from store.cases.attach_folder import apply as apply_matches
from store.errors import StoreError
from store.schema import db

from ..errors import ReportsWorkerErrors, retry_locked
from ..messages import DataChanged
from ..typed_app import app_of
from ..widgets.fields import Field, FieldError


class AttachFolderScreen(ReportsWorkerErrors, ModalScreen[None]):
    """从文件夹添加附件."""

    CSS_PATH = "attach_folder.tcss"
    BINDINGS = [Binding("ctrl+s", "go", "预览/添加", key_display="Ctrl+S", priority=True),
                Binding("escape", "close", "返回", key_display="Esc")]

    def __init__(self) -> None:
        super().__init__()
        self.preview: FolderPreview | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="afo-box"):
            yield Static("从文件夹添加附件：文件名含对象姓名或身份证号后4-6位（如 张三.jpg、1234入户.jpg）", id="afo-title")
            yield Label("文件夹")
            yield Field(id="afo-folder", placeholder="如 D:\\微信文件\\后龙村照片")
            yield FieldError(id="afo-folder-error")
            yield Static("按 Ctrl+S 预览（不写入）", id="afo-state")
            yield DataTable(id="afo-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Columns; the cursor in the folder field."""
        self.query_one(DataTable).add_columns("文件", "对象", "依据")
        self.query_one("#afo-folder").focus()

    def on_input_changed(self) -> None:
        """A changed folder needs a new preview."""
        self.preview = None
        self.query_one("#afo-state", Static).update("按 Ctrl+S 预览（不写入）")

    def action_go(self) -> None:
        """Ctrl+S: preview first; on a preview, attach its matches."""
        if app_of(self).read_only:
            self.notify("只读方式打开，不能添加附件", severity="warning")
        elif self.preview is None:
            self.run("preview", self.query_one("#afo-folder", Field).value)
        elif self.preview.matched:
            self.run("apply", self.preview)

    # Stays a hand-written worker: it reads a folder and copies files, and a refusal (no such
    # folder) goes under the folder field rather than into a notification.
    @work(thread=True, exclusive=True, exit_on_error=False, group="attach-folder")
    def run(self, what: str, arg: Any) -> None:
        """store.cases.attach_folder.preview_folder or apply, off the UI thread."""
        result: FolderPreview | int
        try:
            with db.connection_context():
                if what == "preview":
                    result = preview_folder(arg)
                else:
                    result = retry_locked(lambda: apply_matches(arg.matched))
        except StoreError as exc:
            self.app.call_from_thread(self.query_one("#afo-folder-error", FieldError).set, exc.message)
            return
        self.app.call_from_thread(self._previewed if what == "preview" else self._applied, result)

    def _previewed(self, preview: FolderPreview) -> None:
        """Show the matches and the files left alone."""
        self.query_one("#afo-folder-error", FieldError).set(None)
        self.preview = preview
        table = self.query_one(DataTable)
        table.clear()
        for m in [*preview.matched, *preview.left]:
            table.add_row(m.path.name, m.person, m.how)
        tail = "再按 Ctrl+S 添加，Esc 放弃" if preview.matched else "没有可以添加的文件"
        self.query_one("#afo-state", Static).update(
            f"将添加 {len(preview.matched)} 个文件，{len(preview.left)} 个不添加。{tail}")

    def _applied(self, count: int) -> None:
        """Done: say so and close."""
        self.notify(f"已添加 {count} 个附件")
        self.app.post_message(DataChanged())
        self.dismiss(None)

    def action_close(self) -> None:
        """Esc: leave, nothing written unless Ctrl+S was pressed twice."""
        self.dismiss(None)
