"""附件 of one case: photos and papers of the case, its visits and rectifications. a adds (to the case
or to one of its visits), Enter/o opens with the system viewer, d removes softly, s shows removed
ones and r restores."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Select, Static

from store.cases.attachments import (MAX_BYTES, attach, attachment_targets, case_attachments, check_file,
                                     delete_attachment, file_of, open_with_system, restore_attachment)
from store.errors import ValidationError

from ..widgets.fields import Field, FieldError
from .base import AppScreen
from .confirm import ConfirmScreen
from .form import FormScreen, chosen, text_of

COLUMNS = ["文件", "大小", "添加日期", "所属", "状态"]


class AttachmentsScreen(AppScreen):
    """附件（照片、佐证材料）."""

    CSS_PATH = "attachments.tcss"
    BINDINGS = [
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("a", "add", "添加", key_display="a"),
        Binding("o", "open", "打开", key_display="o"),
        Binding("d", "delete", "删除", key_display="d"),
        Binding("s", "deleted", "已删除", key_display="s"),
        Binding("r", "restore", "恢复", key_display="r", show=False),
    ]
    WRITE_ACTIONS = frozenset({"add", "delete", "restore"})  # greyed out in read-only mode

    def __init__(self, case_id: int, name: str) -> None:
        super().__init__()
        self.case_id, self.person_name = case_id, name
        self.show_deleted = False
        self.rows: dict[str, object] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("正在读取...", id="att-title")
        yield DataTable(id="att-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Columns, then the rows."""
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self.reload()

    def reload(self) -> None:
        """Read again."""
        self.load()

    def load(self) -> None:
        """The case's attachments (removed ones too when asked)."""
        case_id, deleted = self.case_id, self.show_deleted
        self.load_then_show("attachments", lambda: case_attachments(case_id, deleted=deleted),
                            lambda rows: self.show(rows, MAX_BYTES // 1048576))

    def show(self, rows, limit_mb: int) -> None:
        """Fill the table, cursor kept."""
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = {str(r.id): r for r in rows}
        for r in rows:
            table.add_row(r.name, r.size_text, r.added, r.to, "已删除" if r.deleted else "", key=str(r.id))
        table.move_cursor(row=min(keep, max(0, table.row_count - 1)))
        shown = "（含已删除）" if self.show_deleted else ""
        self.query_one("#att-title", Static).update(
            f"{self.person_name} 的附件 {len(rows)} 个{shown}：照片 jpg/png/heic，扫描件 pdf，文档 docx/xlsx，每个不超过 {limit_mb} MB")

    def current(self):
        """The attachment under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return self.rows.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_selected(self) -> None:
        """Enter: open."""
        self.action_open()

    def action_add(self) -> None:
        """a: add files to the case or one of its visits."""
        self.app.push_screen(AttachForm(self.case_id))

    def action_open(self) -> None:
        """o: open with the system viewer."""
        if r := self.current():
            self.open_file(r.id)

    def action_delete(self) -> None:
        """d: remove (it can be restored)."""
        if (r := self.current()) and not r.deleted:
            self.app.push_screen(ConfirmScreen(f"删除附件「{r.name}」？（可恢复：按 s 显示已删除的，再按 r）"),
                                 lambda yes: self.run_store("delete", r.id) if yes else None)

    def action_deleted(self) -> None:
        """s: show or hide removed attachments."""
        self.show_deleted = not self.show_deleted
        self.reload()

    def action_restore(self) -> None:
        """r: restore a removed attachment."""
        if (r := self.current()) and r.deleted:
            self.run_store("restore", r.id)

    def open_file(self, attachment_id: int) -> None:
        """Open with the system viewer, launched in the worker (nothing to show after; a missing or
        damaged file is said in Chinese)."""
        self.load_then_show("attachment-write", lambda: open_with_system(file_of(attachment_id)), lambda _none: None)

    def run_store(self, what: str, attachment_id: int) -> None:
        """Delete or restore through store.cases.attachments, then say so; every screen reloads."""
        fn = delete_attachment if what == "delete" else restore_attachment
        self.write_then_show("attachment-write", lambda: fn(attachment_id),
                             lambda _row: self.notify("已删除" if what == "delete" else "已恢复"))


class AttachForm(FormScreen):
    """添加附件: one or more file paths (separated by ;), to the case, one of its visits or one of its
    rectifications (整改的佐证材料)."""

    CSS_PATH = "attachments.tcss"
    PREFIX = "af"

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        with Vertical(id="af-box"):
            yield Static("添加附件（Ctrl+S 保存，Esc 取消）：文件复制到数据库旁边的附件文件夹，原文件不动", id="af-title")
            yield Label("添加到")
            yield Select([("排查对象", ("case", 0))], value=("case", 0), allow_blank=False, id="af-target")
            yield Label("文件路径（多个文件用 ; 分开，如 D:\\照片\\张三1.jpg;D:\\照片\\张三2.jpg）")
            yield Field(id="af-file")
            yield FieldError(id="af-file-error")
            yield FieldError(id="af-form-error")

    def on_mount(self) -> None:
        """The visits to choose from; the cursor in the path."""
        self.query_one("#af-file").focus()
        self.load()

    def load(self) -> None:
        """The case's live contacts (newest first) and the rectifications of its problems, then shown."""
        self.load_then_show("af-load", lambda: attachment_targets(self.case_id), self._fill)

    def _fill(self, targets: list) -> None:
        """Offer the visits and rectifications; the newest visit chosen (photos are usually of it)."""
        target = self.query_one("#af-target", Select)
        target.set_options([("排查对象", ("case", 0)), *targets])
        target.value = targets[0][1] if targets else ("case", 0)

    def values(self) -> dict:
        """The paths and the target."""
        paths = [p.strip().strip('"') for p in text_of(self, "af", "file").replace("；", ";").split(";") if p.strip()]
        if not paths:
            raise ValidationError("请填写文件路径", field="file")
        return {"paths": paths, "target": chosen(self, "af", "target") or ("case", 0)}

    def write(self, values: dict) -> object:
        """store.cases.attachments.attach for each file (all checked before any is copied)."""
        for p in values["paths"]:
            check_file(p)
        kind, row_id = values["target"]
        where = {"case_id": self.case_id} if kind == "case" else {f"{kind}_id": row_id}
        for p in values["paths"]:
            attach(p, **where)
        return len(values["paths"])

    def _saved(self, result) -> None:
        """Say how many."""
        self.notify(f"已添加 {result} 个附件")
        super()._saved(result)
