"""对象: every case of the campaign in the paged table, with filters and sorting."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding

from ..messages import OpenCase
from ..widgets.case_browser import CaseBrowser
from .attach_folder import AttachFolderScreen
from .base import AppScreen
from .case_add_form import CaseAddForm


class CasesScreen(AppScreen):
    """排查对象."""

    CSS_PATH = "cases.tcss"
    BINDINGS = [Binding("escape", "back", "返回", key_display="Esc"),
                Binding("enter", "noop", "打开", key_display="Enter"),
                Binding("n", "add_case", "新增对象", key_display="n"),
                Binding("w", "attach_folder", "从文件夹添加附件", key_display="w", show=False)]
    WRITE_ACTIONS = frozenset({"add_case", "attach_folder"})  # greyed out in read-only mode
    PALETTE = [("只看跟进逾期", "筛选下次跟进已过期的对象", "overdue"),
               ("清除筛选", "显示全部对象", "clear"),
               ("只看未分片的对象", "没有片区的对象，再按一次显示全部", "unzoned"),
               ("分到片区", "把标记的对象（空格标记）或当前筛选的全部对象分到一个片区", "assign"),
               ("新增排查对象", "添加名单以外的人（如第7类 其他困难群众），记下发现人和方式", "add_case"),
               ("从文件夹添加附件", "村里发来的照片按姓名或身份证号后4-6位对应到人，先预览再添加", "attach_folder")]

    def compose_body(self) -> ComposeResult:
        yield CaseBrowser(id="cases-browser")

    def reload(self) -> None:
        """After a write: recompute the list, staying on the same case."""
        self.query_one(CaseBrowser).reload()
        self.query_one(CaseBrowser).load_choices()

    def action_back(self) -> None:
        """Esc: close the filter bar, else back to where you came from."""
        if self.query_one(CaseBrowser).close_text():
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_add_case(self) -> None:
        """n: a person the village found, as a new case; it opens after saving."""

        def added(case_id: Any) -> None:
            """Open the new case (nothing when the form was left)."""
            if case_id:
                self.app.post_message(OpenCase(case_id))

        self.app.push_screen(CaseAddForm(), added)

    def action_attach_folder(self) -> None:
        """w: the photos a village sent, matched to persons, attached after a preview."""
        self.app.push_screen(AttachFolderScreen())

    def action_noop(self) -> None:
        """Enter is handled by the table (shown in the footer only)."""
