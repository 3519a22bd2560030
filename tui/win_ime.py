"""Chinese punctuation through an IME on Windows: a fix for Textual's console key filter.

Textual 8.2.8's Windows driver (``textual/drivers/win32.py``, ``EventMonitor.run``) drops every
key event whose virtual-key code is 0 while a modifier is held, taking them for "bare modifier"
noise. Microsoft Pinyin (and other CJK IMEs) deliver a committed character exactly so: VK 0, the
character in ``UnicodeChar``, SHIFT_PRESSED in the control state. So every Shift-typed symbol
(：？！（）“”《》) never reached the app. Textual issue #6667; the fix, PR #6689, keeps such an
event when it carries a real character. This module applies that fix until Textual ships it:

- ``keep_key`` / ``keys_from_records`` are the fixed filter, pure functions (tested on Linux);
- ``apply()`` (called by ``make_app`` before the app runs; only on Windows) replaces
  ``EventMonitor.run`` with the same loop as Textual's, using ``keys_from_records``.

Remove this module (and its call in ``tui/app.py`` ``make_app``) when the pinned Textual has the fix:
``tests/test_win_ime.py`` fails on the first Textual whose driver no longer has the old filter.
"""

from __future__ import annotations

import sys
from ctypes import Structure, Union
from ctypes.wintypes import BOOL, CHAR, DWORD, SHORT, UINT, WCHAR, WORD
from typing import Iterable

KEY_EVENT = 0x0001
WINDOW_BUFFER_SIZE_EVENT = 0x0004
SHIFT_PRESSED = 0x0010


def keep_key(down: bool, virtual_key: int, char: str, control_state: int) -> bool:
    """Whether a console key record is a character for the app.

    Key-ups never are. A record with VK 0 and a modifier held is modifier noise only when it
    carries no character; with one (an IME commit) it is kept. Textual 8.2.8 dropped it.
    """
    if not down:
        return False
    if control_state and virtual_key == 0 and (not char or char == "\x00"):
        return False
    return True


def keys_from_records(records: Iterable) -> tuple[list[str], tuple[int, int] | None]:
    """The characters and the last new window size in a batch of console INPUT_RECORDs."""
    keys: list[str] = []
    new_size = None
    for record in records:
        if record.EventType == KEY_EVENT:
            event = record.Event.KeyEvent
            char = event.uChar.UnicodeChar
            if keep_key(event.bKeyDown, event.wVirtualKeyCode, char, event.dwControlKeyState):
                keys.append(char)
        elif record.EventType == WINDOW_BUFFER_SIZE_EVENT:
            size = record.Event.WindowBufferSizeEvent.dwSize
            new_size = (size.X, size.Y)
    return keys, new_size


# The console input records, laid out as in Textual's win32.py (which cannot be imported off
# Windows: it loads kernel32 and msvcrt), so tests can build the records an IME sends.
class COORD(Structure):
    """Console coordinates."""

    _fields_ = [("X", SHORT), ("Y", SHORT)]


class uChar(Union):  # noqa: N801 - the Windows name
    """The character of a key event."""

    _fields_ = [("AsciiChar", CHAR), ("UnicodeChar", WCHAR)]


class KEY_EVENT_RECORD(Structure):  # noqa: N801
    """A key press or release."""

    _fields_ = [("bKeyDown", BOOL), ("wRepeatCount", WORD), ("wVirtualKeyCode", WORD),
                ("wVirtualScanCode", WORD), ("uChar", uChar), ("dwControlKeyState", DWORD)]


class MOUSE_EVENT_RECORD(Structure):  # noqa: N801
    """A mouse event."""

    _fields_ = [("dwMousePosition", COORD), ("dwButtonState", DWORD), ("dwControlKeyState", DWORD),
                ("dwEventFlags", DWORD)]


class WINDOW_BUFFER_SIZE_RECORD(Structure):  # noqa: N801
    """A new console size."""

    _fields_ = [("dwSize", COORD)]


class MENU_EVENT_RECORD(Structure):  # noqa: N801
    """A menu event."""

    _fields_ = [("dwCommandId", UINT)]


class FOCUS_EVENT_RECORD(Structure):  # noqa: N801
    """A focus change."""

    _fields_ = [("bSetFocus", BOOL)]


class InputEvent(Union):
    """One of the record kinds."""

    _fields_ = [("KeyEvent", KEY_EVENT_RECORD), ("MouseEvent", MOUSE_EVENT_RECORD),
                ("WindowBufferSizeEvent", WINDOW_BUFFER_SIZE_RECORD), ("MenuEvent", MENU_EVENT_RECORD),
                ("FocusEvent", FOCUS_EVENT_RECORD)]


class INPUT_RECORD(Structure):  # noqa: N801
    """One console input record."""

    _fields_ = [("EventType", WORD), ("Event", InputEvent)]


def _fixed_run(self) -> None:
    """Textual 8.2.8's EventMonitor.run, with the key filter of ``keys_from_records``."""
    from ctypes import byref, wintypes

    from textual import constants
    from textual.drivers import win32

    from .compat import xterm_parser

    exit_requested = self.exit_event.is_set
    parser = xterm_parser()(debug=constants.DEBUG)
    try:
        read_count = wintypes.DWORD(0)
        h_in = win32.GetStdHandle(win32.STD_INPUT_HANDLE)
        max_events = 1024
        input_records = (win32.INPUT_RECORD * max_events)()
        read_console_input = win32.KERNEL32.ReadConsoleInputW
        while not exit_requested():
            for event in parser.tick():
                self.process_event(event)
            if win32.wait_for_handles([h_in], 100) is None:
                continue
            read_console_input(h_in, byref(input_records), max_events, byref(read_count))
            keys, new_size = keys_from_records(input_records[: read_count.value])
            if keys:  # textual issue 3178: the encode/decode joins surrogate pairs
                for event in parser.feed("".join(keys).encode("utf-16", "surrogatepass").decode("utf-16")):
                    self.process_event(event)
            if new_size is not None:
                self.on_size_change(*new_size)
    except Exception as error:  # noqa: BLE001 - as Textual's own loop does
        self.app.log.error("EVENT MONITOR ERROR", error)


def apply(platform: str | None = None) -> bool:
    """On Windows, make Textual's console driver keep IME characters; True when patched."""
    if not (platform or sys.platform).startswith("win"):
        return False
    from textual.drivers import win32

    win32.EventMonitor.run = _fixed_run  # type: ignore[method-assign]  # the deliberate patch (module docstring)
    return True
