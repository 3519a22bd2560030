"""The app's session: the single-instance lock, read-only mode, and the backup made on exit.

Mixed into the App before textual's App: it takes the lock at start (a second window gets the
「程序已在运行」 choice: read-only or quit), releases it on exit, and on Ctrl+Q makes a verified
backup when none was made today (time-limited; a failure is said in Chinese, never a hang).
Closing the window any other way (tui/closing.py: SIGHUP, SIGTERM, the Windows console's X)
makes the same backup without a screen, then exits.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Callable

from textual import work

from store import lock
from store.db import is_readonly, open_db
from store.errors import StoreError
from store.logfile import get_logger
from store.runtime import command_hint
from store.safety import backup
from store.safety.copies import backup_due_today
from store.schema import db

from . import closing
from .errors import message_for

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from textual.app import App
    from textual.worker import Worker

    from store.reports.dashboard import ShellInfo

    _App = App  # the mixin is only ever mixed into YingbaoApp, before textual's App
else:
    _App = object

# Actions of the app itself that write to the database (screens list theirs in WRITE_ACTIONS).
APP_WRITES = {"followup", "import_list"}
EXIT_BACKUP_TIMEOUT_S = 60.0
EXIT_CAP_S = EXIT_BACKUP_TIMEOUT_S + 15


class SessionMixin(_App):
    """Lock, read-only flag and exit backup of the running app."""

    read_only = False
    instance_lock: lock.InstanceLock | None = None
    quitting = False
    close_done: threading.Event | None = None  # set once a close from outside has backed up
    undo_close_handlers: Callable[[], None] | None = None

    if TYPE_CHECKING:  # given by YingbaoApp (tui/app.py)
        db_path: Path
        shell: ShellInfo | None

        def now(self) -> dt.datetime: ...

        def load_shell(self, first: bool = False) -> Worker[None]: ...

    def take_lock(self) -> bool:
        """Take the database's lock; when another window has it, ask read-only or quit."""
        from .screens.already_running import AlreadyRunningScreen

        try:
            self.instance_lock = lock.acquire(self.db_path)
        except lock.AlreadyRunning as exc:
            self.push_screen(AlreadyRunningScreen(exc.message), self._lock_choice)
            return False
        except StoreError as exc:  # e.g. a folder where no lock file can be made: work on, say so
            self.notify(f"{exc.message}；请勿在其他窗口同时打开此数据库", title="提示", severity="warning", timeout=10)
        if is_readonly():  # the launcher saw the other window, which has closed since: open for writing
            self.open_writable()
            return False
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="session")
    def open_writable(self) -> None:
        """Reopen the database normally (migrated, writable), then show the first screen."""
        open_db(self.db_path)
        self.call_from_thread(self.load_shell, True)

    def _lock_choice(self, read_only: bool | None) -> None:
        """The answer of the 「程序已在运行」 screen."""
        if read_only:
            self.open_read_only()
        else:
            self.exit(message="程序已在运行（另一个窗口已打开此数据库），本窗口已退出")

    @work(thread=True, exclusive=True, exit_on_error=False, group="session")
    def open_read_only(self) -> None:
        """Reopen the database read-only at the SQLite level."""
        open_db(self.db_path, readonly=True)
        self.call_from_thread(self._read_only_ready)

    def _read_only_ready(self) -> None:
        """Every write key greys out; the status line says 只读."""
        self.read_only = True
        self.refresh_bindings()
        self.load_shell(first=True)
        self.notify("已以只读方式打开：可以查看、搜索和导出，不能修改", title="只读", timeout=8)

    def writes_blocked(self, action: str, writes: set) -> bool:
        """True when in read-only mode and the action writes."""
        return self.read_only and action in writes

    def action_backup_now(self) -> None:
        """Palette 立即备份: the settings screen, backing up at once."""
        from .screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen) and self.shell is not None:
            self.push_screen(SettingsScreen(start_backup=True))

    def watch_window_close(self) -> None:
        """Back up when the window is closed from outside (a real terminal only, not in tests)."""
        self.close_done = threading.Event()
        if not self.is_headless:
            try:
                self.undo_close_handlers = closing.install(self)
            except (OSError, RuntimeError, ValueError, AttributeError):  # no signals here: Ctrl+Q still backs up
                self.undo_close_handlers = None

    def closed_outside(self, how: str = "") -> None:
        """The window was closed (not Ctrl+Q, not a crash): back up as Ctrl+Q does, then exit."""
        try:
            if not (self.quitting or self.read_only or self.shell is None or self.shell.empty):
                self.quitting = True
                self._backup_on_close(how)
        except Exception:  # noqa: BLE001 - closing must never fail; the log has the reason
            get_logger("tui").exception("backup on close (%s) failed", how)
        finally:
            if self.close_done is not None:
                self.close_done.set()
            self.exit()
            if not self.is_headless:
                closing.end_soon()  # the terminal is gone: Textual's own shutdown may wait on it forever

    def _backup_on_close(self, how: str) -> None:
        """The backup of closed_outside, on the app's thread (there is no screen to show it on)."""
        log = get_logger("tui")
        with db.connection_context():
            if not backup_due_today(self.now()):
                return
            try:
                result = backup.make_backup(self.db_path, timeout_s=closing.backup_timeout_s(EXIT_BACKUP_TIMEOUT_S),
                                            now=self.now())
            except StoreError as exc:
                log.warning("window closed (%s): backup failed: %s", how, exc.message)
                return
        log.info("window closed (%s): backed up to %s", how, result.path)

    def on_unmount(self) -> None:
        """Give the lock back when the app closes."""
        if self.undo_close_handlers is not None:
            self.undo_close_handlers()
            self.undo_close_handlers = None
        if self.instance_lock is not None:
            self.instance_lock.release()
            self.instance_lock = None

    async def action_quit(self) -> None:
        """Ctrl+Q: back up first when none was made today, then quit."""
        if self.quitting:
            self.notify("正在备份，请稍候（最多约1分钟）...", timeout=3)
            return
        if self.read_only or self.shell is None or self.shell.empty:
            self.exit()
            return
        self.quitting = True
        self.exit_backup()

    @work(thread=True, exclusive=True, exit_on_error=False, group="exit-backup")
    def exit_backup(self) -> None:
        """Is a backup due? Then make one, time-limited."""
        with db.connection_context():
            if not backup_due_today(self.now()):
                self.call_from_thread(self.exit)
                return
            self.call_from_thread(self._backup_started)
            try:
                result = backup.make_backup(self.db_path, timeout_s=EXIT_BACKUP_TIMEOUT_S, now=self.now())
            except StoreError as exc:
                self.call_from_thread(self._backup_failed, exc.message)
                return
        self.call_from_thread(self.exit, None, 0, f"退出前已备份并校验：{result.path}")

    def _backup_started(self) -> None:
        """The short progress notice, and a cap so quitting never waits forever."""
        from .screens.exit_backup import ExitBackupScreen

        self.push_screen(ExitBackupScreen())
        self.set_timer(EXIT_CAP_S, self._backup_cap)

    def _backup_failed(self, message: str) -> None:
        """Say why; Enter quits, Esc goes back to work."""
        from .screens.exit_backup import ExitBackupScreen

        self.quitting = False
        if isinstance(self.screen, ExitBackupScreen):
            self.screen.failed(message)
        else:
            self.exit(message=message)

    def _backup_cap(self) -> None:
        """The backup took too long: quit anyway, saying so."""
        if self.quitting:
            self.exit(message=f"退出前的备份未能按时完成，程序已退出；请稍后运行 {command_hint()} backup")

    def worker_failed(self, worker) -> None:
        """An unexpected error in the exit backup never keeps the app from quitting."""
        if worker.group == "exit-backup":
            self.quitting = False
            self.exit(message=f"退出前的备份出错，程序已退出；请稍后运行 {command_hint()} backup")
        elif worker.group == "session":
            self.exit(message=f"无法打开数据库，本窗口已退出：{message_for(worker.error)}")
