"""Where the program runs from: a frozen one-folder build (PyInstaller) or main.py under Python.

The one place that knows. The nightly backup's command, the log file's fallback folder and the
messages that name the program ask here, so a frozen build schedules its own executable, never
``python …/_internal/main.py`` (which fails: there is no main.py and no Python there).
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_NAME = "yingbao"
REPO_ROOT = Path(__file__).resolve().parent.parent


def is_frozen() -> bool:
    """True in a PyInstaller build (sys.frozen is set by its bootloader)."""
    return bool(getattr(sys, "frozen", False))


def executable() -> Path:
    """The running program: the frozen executable, or this Python."""
    return Path(sys.executable).resolve()


def program_argv() -> list[str]:
    """The command that starts this program's CLI: [exe] when frozen, else [python, main.py]."""
    if is_frozen():
        return [str(executable())]
    return [str(executable()), str(REPO_ROOT / "main.py")]


def program_dir() -> Path:
    """The folder of the program: the executable's folder when frozen, else the source folder."""
    return executable().parent if is_frozen() else REPO_ROOT


def resource_dir() -> Path:
    """Where bundled data files live (PyInstaller's _internal folder when frozen)."""
    return Path(getattr(sys, "_MEIPASS", REPO_ROOT))


def command_hint() -> str:
    """How the clerk types the program's name in a message: the executable, or python main.py."""
    if is_frozen():
        return executable().stem
    return "python main.py"
