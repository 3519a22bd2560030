"""Closing the window, not only Ctrl+Q, backs up first (when none was made today).

Linux/macOS: closing the terminal sends SIGHUP (and a logout or shutdown SIGTERM); Textual does
not handle them, so the process died without the backup Ctrl+Q makes. Windows: the console's X,
a logoff or a shutdown sends CTRL_CLOSE_EVENT (or LOGOFF/SHUTDOWN) to a handler thread, and the
process is ended about 5 seconds after; the handler asks the app to back up and waits for it, at
most CLOSE_WAIT_WIN_S. Both call ``app.closed_outside(how)`` on the app's event loop
(tui/session.py). A crash never gets here: it shows its message and keeps the last backup.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from typing import Callable

CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT = 2, 5, 6
BACKUP_TIMEOUT_WIN_S = 4.0  # Windows ends the process 5 s after the close event
CLOSE_WAIT_WIN_S = BACKUP_TIMEOUT_WIN_S + 0.5
END_AFTER_S = 3.0


def install(app) -> Callable[[], None]:
    """Route the window's close to app.closed_outside; returns the undo."""
    if sys.platform.startswith("win"):
        return _install_windows(app)
    return _install_posix(app)


def _install_posix(app) -> Callable[[], None]:
    """SIGHUP (terminal closed) and SIGTERM (logout, shutdown, kill) on the app's loop."""
    loop = asyncio.get_running_loop()
    signals = [signal.SIGHUP, signal.SIGTERM]
    for sig in signals:
        loop.add_signal_handler(sig, app.closed_outside, sig.name)

    def undo() -> None:
        for sig in signals:
            loop.remove_signal_handler(sig)

    return undo


def _install_windows(app) -> Callable[[], None]:  # pragma: no cover - Windows only
    """A console control handler: ask the app to back up, wait for it, then let Windows end us."""
    import ctypes
    from ctypes import wintypes

    loop = asyncio.get_running_loop()
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]  # Windows-only name
    handler_type = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.DWORD)  # type: ignore[attr-defined]  # Windows-only

    def handler(kind: int) -> bool:
        if kind not in (CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT):
            return False  # Ctrl+C / Ctrl+Break: Textual reads those as keys
        loop.call_soon_threadsafe(app.closed_outside, "console-close")
        app.close_done.wait(CLOSE_WAIT_WIN_S)
        return True

    callback = handler_type(handler)
    kernel32.SetConsoleCtrlHandler(callback, True)
    app.close_handler_ref = callback  # ctypes callbacks must outlive their registration

    def undo() -> None:
        kernel32.SetConsoleCtrlHandler(callback, False)

    return undo


def end_soon(after_s: float = END_AFTER_S) -> None:
    """End the process if the normal shutdown has not within after_s: after SIGHUP, Textual's
    restoring of a terminal that no longer exists can block. The backup is already made, the
    database needs nothing more (SQLite's WAL keeps every commit)."""
    def end() -> None:
        time.sleep(after_s)
        os._exit(0)

    threading.Thread(target=end, name="yingbao-end-soon", daemon=True).start()


def backup_timeout_s(default: float) -> float:
    """How long a backup on close may take: Windows gives a closing console about 5 seconds."""
    return BACKUP_TIMEOUT_WIN_S if sys.platform.startswith("win") else default
