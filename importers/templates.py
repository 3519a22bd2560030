"""Remember the clerk's choices (sheet, column mapping, header row) per list template (BAD_INPUTS 14).

A template is the workbook's sheet names plus the header texts of the sheet found automatically:
next month's list from the same district office has the same ones. The choices live in a Setting
row (audited) and are applied when a later import of the same template gives no such options.
The category is not remembered: lists of different categories often share a layout, and the
title says which one a file is.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from peewee import InterfaceError, OperationalError

from store import settings

PREFIX = "import_template:"
KEYS = ("sheet", "overrides", "header_row")


def template_key(sheet_names: list[str], auto: Any) -> str:
    """A short fingerprint of the sheet names and the automatic header."""
    headers = auto[1].headers if auto else []
    blob = json.dumps([sheet_names, auto[0].name if auto else None, headers], ensure_ascii=False)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


def recall(key: str) -> dict[str, Any] | None:
    """The choices remembered for a template, or None (also when no database is open)."""
    try:
        text = settings.get(PREFIX + key)
    except (InterfaceError, OperationalError):
        return None
    return json.loads(text) if text else None


def remember(key: str, choices: dict[str, Any]) -> None:
    """Keep the explicit choices of a successful import for the next list of this template."""
    kept = {k: v for k, v in choices.items() if k in KEYS and v}
    if kept:
        settings.put(PREFIX + key, json.dumps(kept, ensure_ascii=False, sort_keys=True))
