"""Walk every screen the clerk can reach (the app's keys and the command palette) and collect
what each shows: the rendered text of the whole terminal, for the 80x24 and 100x30 checks."""

from __future__ import annotations

import inspect
import re
import unicodedata

from textual.worker import WorkerCancelled, WorkerFailed

from tests import tui_helpers

# Keys of the app that open a screen (F5 etc. belong to screens; Ctrl+Q quits).
APP_KEYS = ["f1", "f2", "f3", "f4", "slash", "f6", "f7", "f8", "f9", "f10", "ctrl+n", "ctrl+l"]
SKIP_COMMANDS = {"退出", "立即备份"}  # quitting ends the walk; a backup is a write, not a screen
# ASCII words a clerk may read: keys, file types and programs, units and formats.
ALLOWED = {
    "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12", "Ctrl", "Shift", "Alt",
    "Esc", "Enter", "Tab", "Space", "Home", "End", "PgUp", "PgDn", "Del", "Backspace", "Insert", "Up", "Down",
    "Left", "Right", "Excel", "WPS", "CSV", "csv", "xlsx", "xls", "ods", "docx", "db", "log", "yingbao",
    "Word", "JSON", "ID", "N", "YYYY", "MM", "DD", "jpg", "png", "heic", "pdf", "KB", "MB", "GB",
    "lzm",  # the pinyin-initials example
}
ALLOWED_KEYS = re.compile(r"^(?:[a-zA-Z]|F\d+)$")  # one-letter keys: n 新增, d 删除, r 恢复, g/G ...
WORD = re.compile(r"[A-Za-z][A-Za-z]+")
PATH = re.compile(r"(?:[A-Za-z]:)?[/\\~][^\s：，；）]*|[^\s：，；（]+\.(?:xlsx|xls|csv|ods|docx|db|log)\b")


async def settle(app, pilot, rounds: int = 4) -> None:
    """tui_helpers.settle; a load cancelled by a newer one of its group (F5, a timer) is no error."""
    for _ in range(3):
        try:
            await tui_helpers.settle(app, pilot, rounds)
            return
        except (WorkerCancelled, WorkerFailed) as exc:
            if isinstance(exc, WorkerFailed) and not isinstance(exc.error, WorkerCancelled):
                raise


def screen_text(app) -> list[str]:
    """Every line of the terminal as the clerk sees it (notifications and dialogs included)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def problems(lines: list[str], where: str, extra_allowed: set[str] = frozenset()) -> list[str]:
    """English words outside the allowed list and ambiguous-width characters on a screen."""
    out = []
    for n, line in enumerate(lines):
        words_part = PATH.sub(" ", line)  # a path or file name is the clerk's own, whatever its words
        amb = sorted({c for c in line if unicodedata.east_asian_width(c) == "A"})
        if amb:
            out.append(f"{where} line {n}: ambiguous-width {amb!r}: {line.strip()[:60]}")
        for word in WORD.findall(words_part):
            if word not in ALLOWED and word not in extra_allowed and not ALLOWED_KEYS.match(word):
                out.append(f"{where} line {n}: ASCII word {word!r}: {line.strip()[:60]}")
    return out


CASE_KEYS = ["e", "j", "b", "h", "f", "g", "f2", "f1"]  # the case detail's forms and lists


async def back_to_base(app, pilot, depth: int = 2) -> None:
    """Close every screen opened on top of the first one (or of the given depth)."""
    for _ in range(8):
        if len(app.screen_stack) <= depth:
            break
        app.pop_screen()
        await settle(app, pilot, rounds=1)


async def walk(app, pilot, seen: dict[str, list[str]]) -> None:
    """Open every screen by its key, then every palette command, keeping each one's text."""
    from tui.palette import palette_commands

    await settle(app, pilot)
    seen[type(app.screen).__name__] = screen_text(app)
    for key in APP_KEYS:
        await pilot.press(key)
        await settle(app, pilot)
        seen[f"{key}:{type(app.screen).__name__}"] = screen_text(app)
        await back_to_base(app, pilot)
    base = app.screen
    commands = [c for c in palette_commands(app, base) if c.title not in SKIP_COMMANDS]
    villages = {c.title.split("：")[0] for c in commands if "：" in c.title}
    firsts = {}
    for c in commands:  # one village of each kind is enough
        kind = c.title.split("：")[0] if "：" in c.title else c.title
        if kind in villages and kind in firsts:
            continue
        firsts[kind] = c
    for title, command in firsts.items():
        result = command.callback()
        if inspect.isawaitable(result):
            await result
        await settle(app, pilot)
        seen[f"palette {title}:{type(app.screen).__name__}"] = screen_text(app)
        await back_to_base(app, pilot)
    await walk_case(app, pilot, seen)


async def walk_case(app, pilot, seen: dict[str, list[str]]) -> None:
    """A case's detail screen and every form and list its keys open."""
    from store.schema import Case, Contact
    from tui.messages import OpenCase

    contact = Contact.select().order_by(Contact.id).first()
    case_id = contact.case_id if contact else Case.select().first().id
    app.post_message(OpenCase(case_id))
    await settle(app, pilot)
    depth = len(app.screen_stack)
    seen[f"case:{type(app.screen).__name__}"] = screen_text(app)
    for key in CASE_KEYS:
        await pilot.press(key)
        await settle(app, pilot)
        seen[f"case {key}:{type(app.screen).__name__}"] = screen_text(app)
        await back_to_base(app, pilot, depth)
