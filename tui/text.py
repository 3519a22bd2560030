"""Small text helpers for the screens: cutting by display width, dates, a bar of coloured spaces."""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from rich.text import Text


def cut_start(text: str, width: int) -> str:
    """Text cut to at most `width` cells from the start ("...北片2组62号"): an address keeps its house
    number, the part that tells two addresses apart."""
    text = text or ""
    if cell_len(text) <= width:
        return text
    out, used = "", 0
    for ch in reversed(text):
        w = cell_len(ch)
        if used + w > width - 3:
            break
        out, used = ch + out, used + w
    return "..." + out


def cut(text: str, width: int) -> str:
    """Text cut to at most `width` cells, ending in ASCII "..." when cut (never an ellipsis glyph)."""
    text = text or ""
    if cell_len(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 3:
            break
        out, used = out + ch, used + w
    return out + "..."


def pad(text: str, width: int) -> str:
    """Text cut or padded with spaces to exactly `width` cells."""
    text = cut(text, width)
    return text + " " * (width - cell_len(text))


def day(value: dt.date | None) -> str:
    """A date as 2026-11-29, or empty."""
    return value.isoformat() if value else ""


def bar(share: float, width: int = 10, style: str = "on green", rest: str = "on grey30") -> Text:
    """A progress bar drawn with coloured spaces (no block glyphs of ambiguous width)."""
    filled = max(0, min(width, round(width * share)))
    return Text(" " * filled, style=style) + Text(" " * (width - filled), style=rest)


NO_RATE = "-"  # a rate with nothing to divide; the printed 「—」 is ambiguous-width on a console


def pct(value: float | None) -> str:
    """A percentage with no decimals; NO_RATE for None."""
    return NO_RATE if value is None else f"{value:.0f}%"
