"""Rows of one file that repeat an earlier row's ID number: merged into it, or rejected when names differ."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from importers.headers import field_label
from store.ids import IdError, is_clean, parse_id
from store.imports.merge import MSG_NAME_CONFLICT

if TYPE_CHECKING:
    from importers.rows import Outcome


def id_key(value: Any) -> str | None:
    """The ID number a row's ID cell normalises to, whether it passes its check or not (None when
    it has not the shape of one): rows sharing it are the repeats merge_duplicates merges."""
    if is_clean(value):
        return value
    try:
        return parse_id(value, override=True).number
    except IdError:
        return None


def merge_duplicates(outcomes: list) -> None:
    """Merge rows repeating an earlier row's ID into it; differing names reject the later row."""
    first: dict[str, Outcome] = {}
    for out in outcomes:
        if out.status != "ok":
            continue
        earlier = first.setdefault(out.data.id_number, out)
        if earlier is out:
            continue
        assert earlier.data is not None  # only "ok" outcomes get here, and they carry their row
        if earlier.data.name != out.data.name:
            out.status = "rejected"
            out.reasons = [f"{MSG_NAME_CONFLICT}：与第{earlier.source_row}行「{earlier.data.name}」身份证号相同"]
            continue
        _merge_into(earlier, out)


def _merge_into(earlier, out) -> None:
    """Fill the earlier row's blanks from the repeat; warn about the values that differ."""
    differ = []
    for part in ("person", "entry"):
        mine, theirs = getattr(earlier.data, part), getattr(out.data, part)
        for key, value in theirs.items():
            if mine.get(key) in (None, ""):
                mine[key] = value
            elif mine[key] != value and field_label(key.removesuffix("_id")) not in differ:
                differ.append(field_label(key.removesuffix("_id")))
    if out.data.new_village and not earlier.data.new_village and "village_id" not in earlier.data.person:
        earlier.data.new_village = out.data.new_village
    out.status, out.data = "merged", None
    out.reasons = [f"与第{earlier.source_row}行身份证号重复，已合并"]
    if differ:
        out.warnings = [f"与第{earlier.source_row}行重复但内容不同（{'、'.join(differ)}），以第{earlier.source_row}行为准"]
