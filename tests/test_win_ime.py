"""Chinese punctuation typed through a Windows IME reaches the app (tui/win_ime.py).

Textual's real Windows driver module is loaded here with a fake kernel32 (it cannot load on
Linux otherwise), and its console loop is fed the records Microsoft Pinyin sends for
：？（）“”《》 typed with Shift held: Textual 8.2.8's own loop drops them all, the fixed loop
delivers them, and they land in the F2 note, the person form and the search box.
"""

from __future__ import annotations

import ctypes
import importlib.util
import sys
import threading
import types
from pathlib import Path

import pytest
from textual import events

from store.schema import Case
from tests.conftest import DEMO_TODAY
from tests.tui_helpers import open_case, settle
from tui import win_ime
from tui.app import make_app
from tui.screens.followup import FollowupScreen
from tui.screens.person_form import PersonForm
from tui.screens.search import SearchScreen

PUNCTUATION = "：？（）“”《》"
VK_SHIFT = 0x10


def record(down: bool, vk: int, char: str, state: int) -> win_ime.INPUT_RECORD:
    """One console key record."""
    rec = win_ime.INPUT_RECORD()
    rec.EventType = win_ime.KEY_EVENT
    key = rec.Event.KeyEvent
    key.bKeyDown, key.wRepeatCount, key.wVirtualKeyCode = down, 1, vk
    key.uChar.UnicodeChar, key.dwControlKeyState = char, state
    return rec


def ime_records(text: str) -> list[win_ime.INPUT_RECORD]:
    """What Microsoft Pinyin sends for each symbol typed with Shift: Shift down, the committed
    character as VK 0 down and up (Shift still held), Shift up."""
    shift = win_ime.SHIFT_PRESSED
    out = []
    for char in text:
        out += [record(True, VK_SHIFT, "\x00", shift), record(True, 0, char, shift),
                record(False, 0, char, shift), record(False, VK_SHIFT, "\x00", 0)]
    return out


class FakeKernel32:
    """Enough of kernel32 for textual.drivers.win32 to import and read the given records once."""

    def __init__(self):
        self.pending: list = []
        self.GetStdHandle = lambda n: 7
        self.ReadConsoleInputW = self._read

    def _read(self, handle, records_ref, size, count_ref):
        """Copy the pending records into the driver's buffer."""
        records = records_ref._obj  # the driver's own INPUT_RECORD array: copy the bytes in
        size = ctypes.sizeof(win_ime.INPUT_RECORD)
        assert ctypes.sizeof(records) // len(records) == size  # the same layout as Textual's
        for i, rec in enumerate(self.pending):
            ctypes.memmove(ctypes.addressof(records) + i * size, ctypes.addressof(rec), size)
        count_ref._obj.value = len(self.pending)
        self.pending = []
        return 1


@pytest.fixture
def win32(monkeypatch):
    """Textual's real Windows driver module, over a fake kernel32 and msvcrt."""
    kernel = FakeKernel32()
    monkeypatch.setattr(ctypes, "WinDLL", lambda *a, **k: kernel, raising=False)
    monkeypatch.setitem(sys.modules, "msvcrt", types.ModuleType("msvcrt"))
    spec = importlib.util.find_spec("textual.drivers.win32")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(sys.modules, "textual.drivers.win32", module)  # removed again after the test
    module.kernel = kernel
    return module


def run_monitor(win32, run, records) -> list[events.Event]:
    """Run one EventMonitor.run loop over the records; the events it hands to the app."""
    win32.kernel.pending = list(records)
    exit_event = threading.Event()
    seen: list[events.Event] = []
    calls = iter([7, None])

    def wait(handles, timeout=-1):
        handle = next(calls, None)
        if handle is None:
            exit_event.set()
        return handle

    win32.wait_for_handles = wait
    monitor = types.SimpleNamespace(exit_event=exit_event, process_event=seen.append,
                                    app=types.SimpleNamespace(log=types.SimpleNamespace(error=print)),
                                    on_size_change=lambda w, h: None)
    run(monitor)
    return seen


def typed(seen: list[events.Event]) -> str:
    """The printable characters of the key events (Shift's own record reads as NUL, as always)."""
    return "".join(e.character for e in seen if isinstance(e, events.Key) and e.is_printable)


def test_textual_still_drops_ime_punctuation(win32):
    """The bug the module works around (when this fails, Textual has the fix: delete win_ime.py)."""
    assert typed(run_monitor(win32, win32.EventMonitor.run, ime_records(PUNCTUATION))) == ""


def test_fixed_loop_delivers_every_shifted_symbol(win32):
    assert win_ime.apply("win32")
    assert win32.EventMonitor.run is win_ime._fixed_run
    assert typed(run_monitor(win32, win32.EventMonitor.run, ime_records(PUNCTUATION))) == PUNCTUATION


def test_modifier_noise_and_key_ups_stay_out():
    shift = win_ime.SHIFT_PRESSED
    noise = [record(True, 0, "\x00", shift), record(True, VK_SHIFT, "\x00", shift), record(False, 0x41, "a", 0),
             record(True, 0x41, "A", shift)]
    keys, _ = win_ime.keys_from_records(noise)
    assert keys == ["\x00", "A"]  # Shift itself (a real VK) goes on as Textual always did; VK 0 noise not


def test_apply_does_nothing_off_windows():
    assert win_ime.apply("linux") is False


async def feed(app, pilot, win32, text: str) -> None:
    """Type text as the IME would, through the fixed Windows loop, into the focused widget."""
    for event in run_monitor(win32, win_ime._fixed_run, ime_records(text)):
        if isinstance(event, events.Key) and event.is_printable:
            app.post_message(event)
    await settle(app, pilot)


SIZE = (100, 30)


async def test_ime_punctuation_in_the_note_the_person_form_and_search(demo_db, win32):
    case = Case.select().where(Case.status == "待排查").order_by(Case.id).first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, case.id, "f2")
        assert isinstance(app.screen, FollowupScreen)
        await feed(app, pilot, win32, PUNCTUATION)
        assert app.screen.query_one("#fu-findings").text == PUNCTUATION
        await pilot.press("escape", "y")
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, PersonForm)
        app.screen.query_one("#pf-household_note").focus()
        await feed(app, pilot, win32, PUNCTUATION)
        assert app.screen.query_one("#pf-household_note").text.endswith(PUNCTUATION)
        await pilot.press("escape", "y")
        await settle(app, pilot)
        await pilot.press("slash")
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)
        await feed(app, pilot, win32, "《》")
        assert app.screen.query_one("#search-input").value == "《》"


def test_the_module_imports_no_windows_api():
    """The pure part loads on any system (the driver only inside apply/_fixed_run)."""
    source = Path(win_ime.__file__).read_text(encoding="utf-8").split("def _fixed_run")[0]
    assert "msvcrt" not in source.replace("and msvcrt", "") and "WinDLL" not in source
