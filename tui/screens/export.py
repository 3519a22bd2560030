"""The export screen: choose kind, villages, masking and file; the file is written in a worker.

Self-contained: push `ExportScreen()` from any app whose database is open (store.db.open_db).
The screen only collects options; exports.common.write_export writes the file.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from platformdirs import user_documents_dir
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static

from exports.atomic import ExportError
from exports.common import INTERNAL, POSTED, TITLES, default_file_name, parse_as_of, write_export
from exports.printing import print_file
from store import settings
from store.errors import StoreError
from store.fsio import os_error_text
from store.logfile import get_logger
from store.reports.export_rows import village_names
from store.reports.paper import stored_paper_settings
from store.schema import db

from ..widgets.chrome import FitFooter
from .base import LoadsInThread
from .paper_form import PaperForm

KIND_OPTIONS = [(f"{TITLES[k]}（{'张贴公示用' if k in POSTED else '内部资料' if k in INTERNAL else '汇总'}）", k)
                for k in ("progress", "lists", "ledger", "spotcheck", "petitions", "report", "notice", "survey")]


def documents_dir() -> Path:
    """The user's documents folder (falls back to the home folder when it does not exist)."""
    folder = Path(user_documents_dir())
    return folder if folder.is_dir() else Path.home()


def open_with_default_app(path: Path) -> str | None:
    """Open a file with the system's default program without waiting; a Chinese reason on failure."""
    try:
        if os.name == "nt":
            os.startfile(str(path))  # type: ignore[attr-defined]  # Windows only
            return None
        opener = "open" if sys.platform == "darwin" else "xdg-open"
        if shutil.which(opener) is None:
            return f"本机没有可用的打开程序（{opener}），请到文件夹中手动打开"
        subprocess.Popen([opener, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        return f"无法打开文件：{os_error_text(exc, path=False)}"
    return None


class ExportScreen(LoadsInThread, Screen):
    """导出：选择种类、村（居）、是否打码和保存位置."""

    CSS_PATH = "export.tcss"
    BINDINGS = [
        Binding("ctrl+s", "export", "导出", id="export.run", key_display="Ctrl+S"),
        Binding("ctrl+o", "open_file", "打开文件", id="export.open", key_display="Ctrl+O"),
        Binding("ctrl+t", "print_export", "打印", id="export.print", key_display="Ctrl+T"),
        Binding("ctrl+e", "paper", "打印设置", id="export.paper", key_display="Ctrl+E"),
        Binding("escape", "back", "返回", key_display="Esc"),
    ]

    def __init__(self, today: dt.date | None = None, case_ids: list[int] | None = None,
                 kind: str | None = None) -> None:
        """`today` fixes the default 截至 date and file name (tests); default the real today.
        `case_ids`: the 入户调查表 of these cases' households (the case table's marked cases)."""
        super().__init__()
        self.today = today or dt.date.today()
        self.case_ids, self.first_kind = case_ids, kind or ("survey" if case_ids else "progress")
        self.town: str | None = None
        self.written: Path | None = None
        self._auto_name = True

    def compose(self) -> ComposeResult:
        """The form: kind, villages, options, file, status."""
        yield Static("导出/打印（Ctrl+S 导出，Ctrl+T 导出并打印，Ctrl+O 打开文件，Ctrl+E 打印设置）", id="export-title")
        with Vertical(id="export-form"):
            yield Label("导出种类")
            yield Select(KIND_OPTIONS, value=self.first_kind, allow_blank=False, id="export-kind")
            with Vertical(id="export-survey"):
                if self.case_ids:
                    yield Static(f"只导出选定的 {len(self.case_ids)} 个对象所在的户", id="export-cases")
                yield Label("片区（只导出这个片区的户，可不填）")
                yield Input(placeholder="如 下厝片区", id="export-zone")
                yield Checkbox("空白表（只填村、片区、户主和住址，其余入户时手写）", id="export-blank")
            yield Label("村（居）（不选则为全镇）")
            yield SelectionList[str](id="export-villages")
            yield Checkbox("身份证号、电话打码（不打码的导出记入修改记录）", value=True, id="export-mask")
            yield Label("统计截至日期")
            yield Input(self.today.isoformat(), id="export-asof")
            yield Label("保存为")
            yield Input(id="export-path")
            with Horizontal(id="export-buttons"):
                yield Button("导出", variant="primary", id="export-run")
                yield Button("导出并打印", id="export-print")
                yield Button("打开文件", id="export-open", disabled=True)
            yield Static("", id="export-status")
        yield FitFooter()

    def on_mount(self) -> None:
        """Load the town and its villages in a worker."""
        if getattr(self.app, "read_only", False):  # an unmasked export is audited: a write
            mask = self.query_one("#export-mask", Checkbox)
            mask.value, mask.disabled = True, True
            mask.label = "身份证号、电话打码（只读方式打开时只能打码导出）"
        self.query_one("#export-survey").display = self.first_kind == "survey"
        self.load()

    def load(self) -> None:
        """Read town name and village names off the UI thread."""
        self.load_then_show("export-load", lambda: (settings.get(settings.TOWN), village_names()),
                            lambda got: self.loaded(*got))

    def loaded(self, town: str | None, names: list[str]) -> None:
        """Fill the village list and the default file name."""
        self.town = town
        self.query_one("#export-villages", SelectionList).add_options([(n, n) for n in names])
        self._suggest_path()

    def _suggest_path(self) -> None:
        """Default path in the documents folder, unless the clerk typed one."""
        kind = self.query_one("#export-kind", Select).value
        if self._auto_name and isinstance(kind, str):
            name = default_file_name(kind, self.town, self.today)
            with self.prevent(Input.Changed):
                self.query_one("#export-path", Input).value = str(documents_dir() / name)

    @on(Select.Changed, "#export-kind")
    def kind_changed(self) -> None:
        """A new kind gets a new default file name; the 入户调查表's own options show for it."""
        self._suggest_path()
        self.query_one("#export-survey").display = self.query_one("#export-kind", Select).value == "survey"

    @on(Input.Changed, "#export-path")
    def path_typed(self) -> None:
        """Once the clerk edits the path, stop replacing it."""
        self._auto_name = False

    @on(Button.Pressed, "#export-run")
    def run_pressed(self) -> None:
        """The 导出 button."""
        self.action_export()

    @on(Button.Pressed, "#export-print")
    def print_pressed(self) -> None:
        """The 导出并打印 button."""
        self.action_print_export()

    def action_print_export(self) -> None:
        """Ctrl+T: write the file, then send it to the default printer."""
        self.action_export(then_print=True)

    @on(Button.Pressed, "#export-open")
    def open_pressed(self) -> None:
        """The 打开文件 button."""
        self.action_open_file()

    def action_export(self, then_print: bool = False) -> None:
        """Check the form, then write the file in a worker (one export at a time)."""
        if self.query_one("#export-run", Button).disabled:
            return
        try:
            as_of = parse_as_of(self.query_one("#export-asof", Input).value)
        except ValueError as exc:
            self.say(f"截至日期有误：{exc}", error=True)
            return
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self.say("请填写保存位置", error=True)
            return
        options: dict[str, Any] = {"villages": list(self.query_one("#export-villages", SelectionList).selected) or None,
                   "as_of": as_of, "mask": self.query_one("#export-mask", Checkbox).value}
        if self.query_one("#export-kind", Select).value == "survey":
            options.update(zone=self.query_one("#export-zone", Input).value.strip() or None,
                           case_ids=self.case_ids, blank=self.query_one("#export-blank", Checkbox).value)
        self.say("正在导出...")
        self.query_one("#export-run", Button).disabled = True
        self.write(self.query_one("#export-kind", Select).value, Path(raw).expanduser(), options, then_print)

    @work(thread=True, exclusive=True, group="export-write", exit_on_error=False)
    def write(self, kind: str, path: Path, options: dict, then_print: bool = False) -> None:
        """Write the file off the UI thread; report the path or a Chinese reason. Stays a hand-written
        worker: it says 「正在发送到打印机」 between writing and printing."""
        try:
            with db.connection_context():
                result = write_export(kind, path, **options)
        except (ExportError, StoreError) as exc:
            self.app.call_from_thread(self.failed, exc.message)
        except Exception as exc:  # noqa: BLE001 - never a traceback on screen
            get_logger("tui.export").exception("export failed")
            self.app.call_from_thread(self.failed, f"导出出错（{type(exc).__name__}），详情已写入日志文件")
        else:
            problem = None
            if then_print:
                self.app.call_from_thread(self.say, "已导出，正在发送到打印机...")
                problem = print_file(result.path)
            self.app.call_from_thread(self.done, result, then_print, problem)

    def done(self, result, printed: bool = False, problem: str | None = None) -> None:
        """Show where the file went (and whether it went to the printer) and allow opening it."""
        self.written = result.path
        note = "" if result.masked else "（未打码，已记入修改记录）"
        if problem:
            self.say(f"已导出{result.rows}行{note}。{problem}", error=True)
        else:
            self.say(f"已导出{result.rows}行{note}{'，已发送到默认打印机' if printed else ''}：{result.path}")
        self.query_one("#export-run", Button).disabled = False
        self.query_one("#export-open", Button).disabled = False

    def failed(self, message: str) -> None:
        """Show the reason; the form keeps what was typed."""
        self.say(message, error=True)
        self.query_one("#export-run", Button).disabled = False

    def say(self, text: str, error: bool = False) -> None:
        """Update the status line."""
        status = self.query_one("#export-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def action_open_file(self) -> None:
        """Open the written file with the system's default program, in a worker."""
        if self.written is not None:
            self.open_file(self.written)

    @work(thread=True, exclusive=True, group="export-open", exit_on_error=False)
    def open_file(self, path: Path) -> None:
        """Launch the opener without blocking the UI."""
        problem = open_with_default_app(path)
        if problem:
            self.app.call_from_thread(self.say, problem, True)

    def action_paper(self) -> None:
        """Ctrl+E: 主送单位, 监督电话, 制表人, 审核人."""
        if not getattr(self.app, "read_only", False):
            self.open_paper()

    def open_paper(self) -> None:
        """Read the stored settings off the UI thread, then open the form."""
        self.load_then_show("export-paper", stored_paper_settings,
                            lambda current: self.app.push_screen(PaperForm(current)))

    def action_back(self) -> None:
        """Leave the screen (when it is not the only one)."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
