"""Find the header row, map its columns to logical fields, pick the data sheet, infer the category.

The synonym table lives in synonyms.json beside this file (fields, labels, units, category rules).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

SYNONYMS_PATH = Path(__file__).with_name("synonyms.json")
UNIT_SUFFIX = re.compile(r"^(.+?)(?:\((?:单位:)?([^()]+)\)|/([^()/]+))$")
TRAILING_PARENS = re.compile(r"^(.+?)\([^()]*\)$")
INSTRUCTION_WORDS = ("说明", "须知", "instruction", "readme")
IGNORE_WORDS = {"", "-", "忽略", "不导入", "ignore", "none"}
COLUMN_LETTERS = re.compile(r"^[A-Z]{1,3}$")
CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


@dataclass
class HeaderMatch:
    """A detected header: its row, the column -> field mapping and what did not match."""

    row_index: int  # 0-based row of the (first) header row
    columns: dict[int, str]  # 0-based column -> field name
    units: dict[int, str] = field(default_factory=dict)  # column -> 元 / 万元 / 千元 from the header
    unknown: list[str] = field(default_factory=list)  # unmapped header texts naming no known field
    missing_required: list[str] = field(default_factory=list)  # Chinese labels, e.g. ["身份证号"]
    headers: list[str] = field(default_factory=list)  # header text of every column ('' if blank)
    duplicates: list[str] = field(default_factory=list)  # unmapped texts naming a field mapped elsewhere
    header_rows: int = 1  # 2 with a sub-header row, +1 for a 1, 2, 3... numbering row

    @property
    def first_data_row(self) -> int:
        """Index of the first row under the header."""
        return self.row_index + self.header_rows

    @property
    def fields(self) -> set[str]:
        """The set of mapped fields."""
        return set(self.columns.values())


@lru_cache(maxsize=1)
def synonyms() -> dict[str, Any]:
    """The synonym table, with a lookup from normalised header text to field."""
    data = json.loads(SYNONYMS_PATH.read_text(encoding="utf-8"))
    lookup: dict[str, str] = {}
    for name, spec in data["fields"].items():
        for text in spec["synonyms"] + [spec["label"]]:
            key = normalize_header(text, units=())[0]
            if lookup.setdefault(key, name) != name:
                raise ValueError(f"synonym {text!r} belongs to both {lookup[key]} and {name}")
    data["lookup"] = lookup
    return data


def field_label(name: str) -> str:
    """The Chinese label of a field (the name itself if unknown)."""
    spec = synonyms()["fields"].get(name)
    return spec["label"] if spec else name


def normalize_header(text: Any, units: Iterable[str] | None = None) -> tuple[str, str | None]:
    """Normalise header text (NFKC, no whitespace, ASCII parens, lower case); split off a unit."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    key = key.replace("【", "(").replace("】", ")").strip("*※:").casefold()
    units = synonyms()["units"] if units is None else units
    match = UNIT_SUFFIX.match(key)
    unit = match and (match.group(2) or match.group(3))
    if match and unit and unit in units:
        return match.group(1), unit
    return key, None


def lookup_field(text: Any) -> tuple[str | None, str | None]:
    """The field and unit a header cell names, or (None, None)."""
    key, unit = normalize_header(text)
    table = synonyms()["lookup"]
    if key not in table and (bare := TRAILING_PARENS.match(key)):
        key = bare.group(1)
    return table.get(key), unit


def match_row(row: list[Any], index: int) -> HeaderMatch:
    """Map one row's cells to fields as if it were the header."""
    match = HeaderMatch(index, {}, headers=[_cell_text(v) for v in row])
    for col, text in enumerate(match.headers):
        name = lookup_field(text)[0] if text else None
        if name and name not in match.columns.values():
            match.columns[col] = name
    return _finish(match)


def _finish(match: HeaderMatch, promote: bool = True) -> HeaderMatch:
    """Apply promotions; list units, unknown and unused headers and missing required fields."""
    for source, target in synonyms()["promote"].items() if promote else ():
        present = match.fields
        if source in present and target not in present:
            col = next(c for c, f in match.columns.items() if f == source)
            match.columns[col] = target
    match.columns = dict(sorted(match.columns.items()))
    looked = {c: lookup_field(t) for c, t in enumerate(match.headers) if t}
    match.units = {c: unit for c, (_, unit) in looked.items() if unit}
    match.unknown = [match.headers[c] for c, (name, _) in looked.items()
                     if name is None and c not in match.columns]
    match.duplicates = [match.headers[c] for c, (name, _) in looked.items()
                        if name is not None and c not in match.columns]
    match.missing_required = [field_label(f) for f in synonyms()["required"] if f not in match.fields]
    return match


def _cell_text(value: Any) -> str:
    """A header cell as stripped text ('' for blank)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def detect_header(rows: list[list[Any]], *, scan: int = 10) -> HeaderMatch | None:
    """The row among the first `scan` that names the most fields (at least two), or None."""
    best = None
    for index, row in enumerate(rows[:scan]):
        match = match_row(row, index)
        if len(match.columns) >= 2 and (best is None or _rank(match) > _rank(best)):
            best = match
    if best is not None:
        _merge_subheader(best, rows)
    return best


def _rank(match: HeaderMatch) -> tuple[int, int]:
    """Order header candidates by fields found, then required fields found."""
    return len(match.columns), -len(match.missing_required)


def _merge_subheader(match: HeaderMatch, rows: list[list[Any]]) -> None:
    """Take a second header row under merged group titles, and skip a 1, 2, 3... numbering row."""
    below = match.row_index + 1
    texts = {c: _cell_text(v) for c, v in enumerate(rows[below])} if below < len(rows) else {}
    texts = {c: t for c, t in texts.items() if t}
    looked = {c: lookup_field(t)[0] for c, t in texts.items()}
    found = {c: f for c, f in looked.items() if f is not None}
    if len(texts) >= 2 and len(found) == len(texts):
        claimed = set(found.values())
        match.columns = {c: f for c, f in match.columns.items() if c not in texts and f not in claimed}
        match.headers += [""] * (max(texts) + 1 - len(match.headers))
        for col, text in texts.items():
            match.headers[col] = text
            if found[col] not in match.columns.values():
                match.columns[col] = found[col]
        match.header_rows = 2
        _finish(match)
    if match.first_data_row < len(rows) and _is_numbering_row(rows[match.first_data_row]):
        match.header_rows += 1


def _is_numbering_row(row: list[Any]) -> bool:
    """A row of column numbers 1, 2, 3... printed under some headers."""
    values = [_cell_text(v) for v in row if _cell_text(v)]
    return len(values) >= 3 and values == [str(i) for i in range(1, len(values) + 1)]


def pick_sheet(sheets: list[Any]) -> tuple[Any, HeaderMatch] | None:
    """The sheet with the best header: visible before hidden, instructions sheets skipped."""
    candidates = []
    for order, sheet in enumerate(sheets):
        if any(w in sheet.name.casefold() for w in INSTRUCTION_WORDS):
            continue
        match = detect_header(sheet.rows)
        if match is not None:
            candidates.append(((not sheet.hidden, _rank(match), -order), sheet, match))
    if not candidates:
        return None
    _, sheet, match = max(candidates, key=lambda c: c[0])
    return sheet, match


def apply_overrides(match: HeaderMatch, overrides: dict[str, str]) -> HeaderMatch:
    """Apply --map 表头=field choices (header text or column letter; empty field unmaps)."""
    result = replace(match, columns=dict(match.columns), headers=list(match.headers))
    for header, target in overrides.items():
        col = _override_column(result, header)
        name = _override_field(target)
        result.columns = {c: f for c, f in result.columns.items() if c != col and f != name}
        if name:
            result.columns[col] = name
    return _finish(result, promote=False)


def _override_column(match: HeaderMatch, header: str) -> int:
    """The column an override names, by header text or by column letter."""
    key = normalize_header(header)[0]
    for col, text in enumerate(match.headers):
        if text and normalize_header(text)[0] == key:
            return col
    if COLUMN_LETTERS.match(header.strip().upper()):
        col = 0
        for ch in header.strip().upper():
            col = col * 26 + ord(ch) - 64
        return col - 1
    raise ValueError(f"表头中没有「{header}」")


def _override_field(target: str) -> str | None:
    """The field an override names, by field name or Chinese label; None to unmap."""
    target = target.strip()
    if target.casefold() in IGNORE_WORDS:
        return None
    fields = synonyms()["fields"]
    if target in fields:
        return target
    for name, spec in fields.items():
        if normalize_header(spec["label"])[0] == normalize_header(target)[0]:
            return name
    raise ValueError(f"未知字段「{target}」，可用字段：{'、'.join(fields)}")


def map_row(row: list[Any], match: HeaderMatch) -> dict[str, Any]:
    """A data row as {field: raw value} through the header mapping."""
    return {name: (row[col] if col < len(row) else "") for col, name in match.columns.items()}


def title_texts(rows: list[list[Any]], header_row: int) -> list[str]:
    """The non-blank text cells above the header (titles, 填报单位 lines)."""
    return [str(v).strip() for row in rows[:header_row] for v in row if isinstance(v, str) and v.strip()]


def infer_category(texts: list[str], fields: set[str]) -> int | None:
    """The screening category (1-7) named by titles/file name and fields, or None if unclear."""
    table = synonyms()
    blob = re.sub(r"\s+", "", unicodedata.normalize("NFKC", " ".join(texts)))
    found = {r["code"] for r in table["category_rules"]
             if all(w in blob for w in r["all"]) and (not r["any"] or any(w in blob for w in r["any"]))}
    found |= {table["category_fields"][f] for f in fields if f in table["category_fields"]}
    return found.pop() if len(found) == 1 else None


def find_report_date(rows_above_header: list[list[Any]]) -> date | None:
    """The report date of a line like 「填报单位:... 2022年8月5日」 above the header, if any."""
    for row in rows_above_header:
        labelled = any(isinstance(v, str) and ("填报" in v or "日期" in v or "制表" in v) for v in row)
        for value in row:
            if labelled and isinstance(value, (date, datetime)):
                return value.date() if isinstance(value, datetime) else value
            found = first_date_in_text(value) if isinstance(value, str) else None
            if found and (labelled or CN_DATE.search(value)):
                return found
    return None


def first_date_in_text(text: str) -> date | None:
    """The first valid date written in a text (2022年8月5日 or 2022-8-5), or None."""
    text = unicodedata.normalize("NFKC", text)
    for pattern in (CN_DATE, ISO_DATE):
        for m in pattern.finditer(text):
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def sheet_and_header(sheets: list, name: str | None, no_header: str) -> tuple:
    """(the sheet, its HeaderMatch): the named sheet, or the best one by its header words; an
    ImportFileError in Chinese (`no_header` when no header is found) for the import and the roster."""
    from importers.errors import ImportFileError

    if name is None:
        found = pick_sheet(sheets)
        if found is None:
            raise ImportFileError(no_header)
        return found
    sheet = next((s for s in sheets if s.name == name), None)
    if sheet is None:
        raise ImportFileError(f"没有名为「{name}」的工作表，可选：{'、'.join(s.name for s in sheets)}")
    match = detect_header(sheet.rows)
    if match is None:
        raise ImportFileError(f"工作表「{name}」中{no_header}")
    return sheet, match
