"""The Textual app: thin. Global bindings, the CSS, the first screen; work lives in screens.

Screens are imported where they are opened (here, in tui/palette.py and tui/session.py): importing
all of them at start would add about half a second (the import wizard alone pulls in openpyxl).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Input, TextArea

from store.cases.table import filter_choices
from store.logfile import setup_logging
from store.campaign.active import active_campaign_id
from store.reports import dashboard
from store.schema import db

from . import glyphs, table_keys, win_ime
from .compat import ToggleButton, exit_with_message
from .errors import ReportsWorkerErrors, crash_text
from .key_queue import KeyQueueMixin
from .messages import DataChanged, OpenCase, OpenVillage
from .palette import ChinesePalette, palette_commands
from .session import APP_WRITES, SessionMixin


# The check boxes of SelectionList (研判, 抽查 villages) are drawn with half-block glyphs, which
# Chinese consoles draw two cells wide: plain ASCII brackets instead.
ToggleButton.BUTTON_LEFT, ToggleButton.BUTTON_RIGHT = "[", "]"
glyphs.apply()  # scrollbar thumbs and progress bars without block glyphs
table_keys.apply()  # Home/End and g/G: first and last row of every table

NEEDS_DATA = {"followup", "dashboard", "cases", "search", "members", "spotchecks", "problems"}
# Keys that leave the current screen: off while a form or dialog is open, so typed text stays.
NAVIGATION = NEEDS_DATA | {"import_list", "export", "history", "settings", "command_palette"}
BACKUP_RECHECK_S = 60.0  # the status line re-reads the last backup (another window, the nightly job)


class YingbaoApp(KeyQueueMixin, SessionMixin, ReportsWorkerErrors, App):
    """应保尽保 workbench."""

    TITLE = "应保尽保"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("f1", "help", "帮助", key_display="F1"),
        Binding("f2", "followup", "回访", key_display="F2"),
        Binding("f3", "dashboard", "总览", key_display="F3"),
        Binding("f4", "cases", "对象", key_display="F4"),
        Binding("slash", "search", "搜索", key_display="/"),
        Binding("f6", "spotchecks", "抽查", key_display="F6", show=False),
        Binding("f7", "problems", "问题", key_display="F7", show=False),
        Binding("f8", "import_list", "导入", key_display="F8", show=False),
        Binding("f9", "export", "导出", key_display="F9", show=False),
        Binding("f10", "settings", "设置", key_display="F10", show=False),
        Binding("ctrl+n", "members", "人员", key_display="Ctrl+N", show=False),
        Binding("ctrl+l", "history", "修改记录", key_display="Ctrl+L", show=False),
        Binding("ctrl+p", "command_palette", "命令", key_display="Ctrl+P", show=False, priority=True),
        Binding("ctrl+q", "quit", "退出", key_display="Ctrl+Q", priority=True),
    ]
    shell: reactive[dashboard.ShellInfo | None] = reactive(None, always_update=True)

    def __init__(self, db_path: Path, today: dt.date | None = None):
        super().__init__()
        self.db_path = Path(db_path)
        self.fixed_today = today
        self.villages: list[tuple[int, str]] = []
        self.animation_level = "none"

    def today(self) -> dt.date:
        """Today, or the fixed day a test gave."""
        return self.fixed_today or dt.date.today()

    def now(self) -> dt.datetime:
        """Now (on the fixed day in tests)."""
        now = dt.datetime.now()
        return dt.datetime.combine(self.fixed_today, now.time()) if self.fixed_today else now

    def on_mount(self) -> None:
        """Set up the log file and look at the database to pick the first screen."""
        setup_logging(self.db_path)
        self.watch_window_close()
        if self.take_lock():
            self.load_shell(first=True)
        self.set_interval(BACKUP_RECHECK_S, self.recheck_shell, name="backup-recheck")

    def recheck_shell(self) -> None:
        """Re-read the status line's facts (last backup), but never repaint under a form (IME window)."""
        if self.shell is None or self.quitting or self.form_has_focus():
            return
        self.load_shell()

    def form_has_focus(self) -> bool:
        """True while a dialog or form is open or a text field has the cursor."""
        return isinstance(self.screen, ModalScreen) or isinstance(self.focused, (Input, TextArea))

    def on_app_focus(self) -> None:
        """The window got focus back: a backup may have been made meanwhile."""
        self.recheck_shell()

    @work(thread=True, exclusive=True, exit_on_error=False, group="shell")
    def load_shell(self, first: bool = False) -> None:
        """Read the header's facts and the village names off the UI thread."""
        with db.connection_context():
            info = dashboard.shell_info(self.today())
            cid = active_campaign_id()
            villages = [(c.id, c.label) for c in filter_choices(cid)["village"]] if cid else []
        self.call_from_thread(self._shell_loaded, info, villages, first)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Grey out the data keys while the database is still empty, and navigation over a form."""
        if self.writes_blocked(action, APP_WRITES):
            return False
        if action in NAVIGATION and isinstance(self.screen, ModalScreen):
            return False
        if action in NEEDS_DATA and (self.shell is None or self.shell.empty):
            return None
        return True

    def _shell_loaded(self, info, villages, first: bool) -> None:
        """Show the facts; on start open the dashboard or the welcome screen."""
        self.shell, self.villages = info, villages
        self.refresh_bindings()
        if first:
            from .screens.dashboard import DashboardScreen
            from .screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen() if info.empty else DashboardScreen())

    def _handle_exception(self, error: Exception) -> None:
        """Replace Textual's crash screen (it prints local variables, ID numbers included)."""
        if self.is_headless:
            super()._handle_exception(error)  # tests: fail loudly, nothing is on a screen
            return
        exit_with_message(self, crash_text(error))

    def on_data_changed(self, _event: DataChanged) -> None:
        """After a write: refresh the header facts and every screen showing data."""
        self.load_shell()
        for screen in self.screen_stack:
            if hasattr(screen, "mark_stale"):
                screen.mark_stale()

    def on_open_case(self, event: OpenCase) -> None:
        """Open a case's detail screen."""
        from .screens.case_detail import CaseDetailScreen

        self.push_screen(CaseDetailScreen(event.case_id))

    def on_open_village(self, event: OpenVillage) -> None:
        """Open one village's screen."""
        from .screens.village import VillageScreen

        self.push_screen(VillageScreen(event.village_id))

    def action_help(self) -> None:
        """F1: every key by screen."""
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_followup(self, case_id: int | None = None) -> None:
        """F2: the quick follow-up form, with the open case pre-filled."""
        from .screens.followup import FollowupScreen

        if isinstance(self.screen, FollowupScreen) or self.shell is None or self.shell.empty:
            return
        case_id = case_id or getattr(self.screen, "case_id", None)
        self.push_screen(FollowupScreen(case_id))

    def action_search(self) -> None:
        """/: search anyone."""
        from .screens.search import SearchScreen

        if not isinstance(self.screen, SearchScreen) and self.shell and not self.shell.empty:
            self.push_screen(SearchScreen())

    def _go(self, cls) -> None:
        """Go back to a main screen if it is open, else open it."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, cls):
                while self.screen is not screen:
                    self.pop_screen()
                return
        self.push_screen(cls())

    def action_dashboard(self) -> None:
        """F3: the dashboard."""
        from .screens.dashboard import DashboardScreen

        if self.shell and not self.shell.empty:
            self._go(DashboardScreen)

    def action_cases(self) -> None:
        """F4: the case table."""
        from .screens.cases import CasesScreen

        if self.shell and not self.shell.empty:
            self._go(CasesScreen)

    def action_members(self) -> None:
        """Ctrl+N: members and their workload."""
        from .screens.members import MembersScreen

        if self.shell and not self.shell.empty:
            self._go(MembersScreen)

    def action_spotchecks(self) -> None:
        """F6: spot-check rounds."""
        from .screens.spotcheck import SpotCheckScreen

        if self.shell and not self.shell.empty:
            self._go(SpotCheckScreen)

    def action_problems(self) -> None:
        """F7: problems and their rectification."""
        from .screens.problems import ProblemsScreen

        if self.shell and not self.shell.empty:
            self._go(ProblemsScreen)

    def action_command_palette(self) -> None:
        """Ctrl+P: the command palette, in Chinese."""
        if not ChinesePalette.is_open(self):
            self.push_screen(ChinesePalette(id="--command-palette"))

    def get_system_commands(self, screen) -> list[SystemCommand]:
        """Every action and every village, by Chinese name."""
        return palette_commands(self, screen)

    def get_key_display(self, binding: Binding) -> str:
        """Keys as Ctrl+S, never ^s."""
        if binding.key_display:
            return binding.key_display
        mods, key = binding.parse_key()
        return "+".join([m.capitalize() for m in mods] + [key.upper() if len(key) == 1 else key.capitalize()])


    def action_import_list(self) -> None:
        """F8: the import wizard."""
        from .screens.import_wizard import ImportWizard

        if not isinstance(self.screen, ImportWizard) and self.shell is not None:
            self.push_screen(ImportWizard())

    def action_export(self) -> None:
        """F9: export and print."""
        from .screens.export import ExportScreen

        if not isinstance(self.screen, ExportScreen) and self.shell and not self.shell.empty:
            self.push_screen(ExportScreen(self.today()))

    def action_history(self) -> None:
        """Ctrl+L: the town-wide history and deleted items."""
        from .screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen) and self.shell is not None:
            self.push_screen(HistoryScreen())

    def action_settings(self) -> None:
        """F10: operator, backup folder, backup now."""
        from .screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen) and self.shell is not None:
            self.push_screen(SettingsScreen())


def make_app(db_path: Path, today: dt.date | None = None) -> YingbaoApp:
    """Build the app for main.py and tests alike (tests fix `today`)."""
    win_ime.apply()  # Windows only: IME punctuation through Textual's console driver
    return YingbaoApp(db_path, today)
