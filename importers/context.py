"""What normalising rows needs to know about the database and the file, with per-import caches."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from importers.headers import HeaderMatch
from importers.values import clean_name, clean_text, village_key

TOWN_SUFFIX = re.compile(r"(人民政府|街道办事处|街道|镇|乡)$")


def town_key(name: Any) -> str:
    """A town name without its 镇/乡/街道 suffix, for comparison."""
    return TOWN_SUFFIX.sub("", re.sub(r"\s+", "", clean_text(name)))


def raw_keys(headers: list[str], width: int) -> list[str]:
    """The JSON keys of the raw values: the header text, or 第N列 for a column without one."""
    keys = [h or f"第{c + 1}列" for c, h in enumerate(headers)]
    keys += [f"第{c + 1}列" for c in range(len(keys), width)]
    seen: dict[str, int] = {}
    for c, key in enumerate(keys):  # two columns under the same header keep both values
        seen[key] = seen.get(key, 0) + 1
        keys[c] = key if seen[key] == 1 else f"{key}({seen[key]})"
    return keys


@dataclass
class RowContext:
    """What normalising a row needs to know about the database and the file."""

    category: int
    town: str | None
    villages: dict[str, tuple[int, str]]  # village_key -> (id, name)
    threshold: Decimal | None = None  # yuan
    create_villages: bool = False
    units: dict[str, str] = field(default_factory=dict)  # field -> unit of its column
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    today: date = field(default_factory=date.today)
    cache: dict[str, Any] = field(default_factory=dict)

    def raw_keys(self, match: HeaderMatch) -> list[str]:
        """The raw-value keys of this file's columns, computed once."""
        if "raw_keys" not in self.cache:
            self.cache["raw_keys"] = raw_keys(match.headers, 16_384)
        return self.cache["raw_keys"]

    def name(self, value: Any) -> str:
        """clean_name, cached per spelling (names repeat)."""
        key = ("n", value)
        if key not in self.cache:
            self.cache[key] = clean_name(value)
        return self.cache[key]

    def formula_rows(self) -> dict[int, list[int]]:
        """Row index -> columns of formula cells without a value, computed once."""
        if "formula_rows" not in self.cache:
            rows: dict[int, list[int]] = {}
            for r, c in self.formula_cells:
                rows.setdefault(r, []).append(c)
            self.cache["formula_rows"] = rows
        return self.cache["formula_rows"]

    def find_village(self, text: str) -> tuple[int, str] | None:
        """The village a spelling names (后龙村委会 -> 后龙村), cached per spelling."""
        key = ("v", text)
        if key not in self.cache:
            self.cache[key] = self.villages.get(village_key(text))
        return self.cache[key]

    def other_town(self, text: str) -> bool:
        """True when a 乡镇 cell names another town than ours, cached per spelling."""
        key = ("t", text)
        if key not in self.cache:
            self.cache[key] = town_key(text) != town_key(self.town)
        return self.cache[key]

    @classmethod
    def build(cls, category: int, data: dict[str, Any], match: HeaderMatch, **extra: Any) -> "RowContext":
        """From store.imports.context_data() and the header match."""
        villages = {village_key(name): (vid, name) for vid, name in data["villages"]}
        units = {f: match.units[c] for c, f in match.columns.items() if c in match.units}
        return cls(category, data["town"], villages, data["threshold"], units=units, **extra)
