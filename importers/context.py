"""What normalising rows needs to know about the database and the file, with per-import caches."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from operator import itemgetter
from datetime import date
from decimal import Decimal
from typing import Any

from importers.headers import HeaderMatch
from importers.values import clean_name, clean_text
from store.town.village_names import Ambiguous, VillageIndex, plain_name, spelling

TOWN_SUFFIX = re.compile(r"(人民政府|街道办事处|街道|镇|乡)$")
AMOUNT_FIELDS = ("medical_total", "reimbursed", "self_paid")
FEN_PER_UNIT = {None: 100, "元": 100, "万元": 1_000_000}
DATE_FIELDS = ("petition_date", "birth_date", "cert_date")
DISABILITY_FIELDS = ("disability_category", "disability_grade", "disability_cert")
TEXT_FIELDS = {"petition_content": "entry", "petition_reply": "entry", "monitor_category": "entry",
               "address": "person", "relation": "person"}


def town_key(name: Any) -> str:
    """A town name without its 镇/乡/街道 suffix, for comparison."""
    return TOWN_SUFFIX.sub("", re.sub(r"\s+", "", clean_text(name)))


def raw_keys(headers: list[str], width: int) -> list[str]:
    """The names of the raw values' columns: the header text, or 第N列 for a column without one."""
    keys = [h or f"第{c + 1}列" for c, h in enumerate(headers)]
    keys += [f"第{c + 1}列" for c in range(len(keys), width)]
    seen: dict[str, int] = {}
    for c, key in enumerate(keys):  # two columns under the same header keep both values
        seen[key] = seen.get(key, 0) + 1
        keys[c] = key if seen[key] == 1 else f"{key}({seen[key]})"
    return keys


@dataclass(slots=True)
class Layout:
    """The mapped columns of one file, worked out once: which fields each row may carry."""

    names: tuple[str, ...]  # mapped fields in column order
    cells_of: Any  # cells -> tuple of the mapped columns' values
    width: int  # rows at least this wide take the fast path
    amounts: tuple[tuple[str, str | None, int], ...]  # (field, column unit, fen per unit or 0)
    dates: tuple[str, ...]
    texts: tuple[tuple[str, str], ...]  # (field, "person" / "entry")
    disability: bool

    @classmethod
    def of(cls, match: HeaderMatch) -> "Layout":
        """The layout of a header match."""
        pairs = sorted(match.columns.items())
        cols = [c for c, _n in pairs]
        getter = itemgetter(*cols) if len(cols) > 1 else (lambda cells, c=cols[0]: (cells[c],))
        fields = {n for _c, n in pairs}
        units = {n: match.units.get(c) for c, n in pairs}
        amounts = tuple((f, units[f], FEN_PER_UNIT.get(units[f], 0)) for f in AMOUNT_FIELDS if f in fields)
        return cls(tuple(n for _c, n in pairs), getter, max(cols) + 1,
                   amounts, tuple(f for f in DATE_FIELDS if f in fields),
                   tuple((f, w) for f, w in TEXT_FIELDS.items() if f in fields),
                   any(f in fields for f in DISABILITY_FIELDS))


@dataclass(frozen=True, slots=True)
class NewVillage:
    """A village the import creates (the clerk confirmed it), under its plain name."""

    name: str


@dataclass
class VillageChoices:
    """What the clerk decided about a list's unknown villages: each spelling (as compared) mapped to
    a village id, or created under its plain name; create_all: every unknown one (--create-villages);
    save_aliases: the mapped spellings become aliases of their villages."""

    mapped: dict[str, int] = field(default_factory=dict)
    create: set[str] = field(default_factory=set)
    create_all: bool = False
    save_aliases: bool = False

    @classmethod
    def of(cls, mapped: dict[str, int] | None = None, create: Any = (), create_all: bool = False,
           save_aliases: bool = False) -> "VillageChoices":
        """With the spellings compared as the matching compares them."""
        return cls({spelling(k): v for k, v in (mapped or {}).items()}, {spelling(t) for t in create},
                   create_all, save_aliases)


@dataclass
class RowContext:
    """What normalising a row needs to know about the database and the file."""

    category: int
    town: str | None
    villages: VillageIndex
    threshold: Decimal | None = None  # yuan
    create_villages: bool = False
    choices: VillageChoices = field(default_factory=VillageChoices)
    unknown: dict[str, int] = field(default_factory=dict)  # 待确认: spelling -> rows naming it
    units: dict[str, str] = field(default_factory=dict)  # field -> unit of its column
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    today: date = field(default_factory=date.today)
    cache: dict[Any, Any] = field(default_factory=dict)  # by name, or by (kind, spelling)
    names: dict[Any, str] = field(default_factory=dict)
    memo: dict[str, dict] = field(default_factory=lambda: {"village": {}, "town": {}})
    threshold_fen: int | Decimal | None = None  # the threshold in fen (exact), compared with amounts in fen
    accepted_ids: set[str] = field(default_factory=set)  # numbers failing their check, accepted before
    datemode: int = 0  # the workbook's date system (1: 1904), for dates given as bare serial numbers

    def __post_init__(self) -> None:
        """Work out the threshold in fen once."""
        if self.threshold is not None:
            fen = Decimal(self.threshold) * 100
            self.threshold_fen = int(fen) if fen == int(fen) else fen  # int against int fen: 20x faster

    def layout(self, match: HeaderMatch) -> Layout:
        """The layout of this file's columns, computed once."""
        lay = self.cache.get("layout")
        if lay is None:
            lay = self.cache["layout"] = Layout.of(match)
        return lay

    def name(self, value: Any) -> str:
        """clean_name, cached per spelling (names repeat)."""
        got = self.names.get(value)
        if got is None:
            got = self.names[value] = clean_name(value)
        return got

    def formula_rows(self) -> dict[int, list[int]]:
        """Row index -> columns of formula cells without a value, computed once."""
        if "formula_rows" not in self.cache:
            rows: dict[int, list[int]] = {}
            for r, c in self.formula_cells:
                rows.setdefault(r, []).append(c)
            self.cache["formula_rows"] = rows
        return self.cache["formula_rows"]

    def find_village(self, text: str) -> Any:
        """The village a spelling names (后龙村委会 -> 后龙村, store/town/village_names.py) as (id, name), the
        clerk's choice for it, a NewVillage to create, or Ambiguous / Elsewhere / None (待确认); cached
        per spelling."""
        key = ("v", text)
        if key not in self.cache:
            self.cache[key] = self._village_for(text)
        return self.cache[key]

    def _village_for(self, text: str) -> Any:
        """find_village() uncached; a spelling naming another town is never created."""
        said, choices = spelling(text), self.choices
        if said in choices.mapped:
            vid = choices.mapped[said]
            return vid, self.village_names().get(vid, text)
        found = self.villages.match(text)
        if found is None and (self.create_villages or choices.create_all or said in choices.create):
            return NewVillage(plain_name(text))
        if found.__class__ is Ambiguous and said in choices.create:
            return NewVillage(plain_name(text))
        return found

    def village_names(self) -> dict[int, str]:
        """Village id -> name, from the index (computed once)."""
        names = self.cache.get("village_names")
        if names is None:
            names = self.cache["village_names"] = {vid: name for vid, name in self.villages.exact.values()}
        return names

    def other_town(self, text: str) -> bool:
        """True when a 乡镇 cell names another town than ours, cached per spelling."""
        key = ("t", text)
        if key not in self.cache:
            self.cache[key] = town_key(text) != town_key(self.town)
        return self.cache[key]

    @classmethod
    def build(cls, category: int, data: dict[str, Any], match: HeaderMatch, **extra: Any) -> "RowContext":
        """From store.imports.merge.context_data() and the header match."""
        villages = VillageIndex.of(data["villages"], data.get("aliases", ()), data["town"], data.get("district"))
        units = {f: match.units[c] for c, f in match.columns.items() if c in match.units}
        return cls(category, data["town"], villages, data["threshold"], units=units,
                   accepted_ids=set(data.get("accepted_ids", ())), **extra)
