"""Normalise and validate each data row of a list into an ImportRow, or reject / skip it with a reason.

Rules (issue 3): 合计/小计 rows and rows of another town are skipped; a row without a name or a valid
ID number is rejected; an unknown or ambiguous village rejects the row (待确认, counted per spelling)
unless the clerk mapped it or confirmed it as new (store/town/village_names.py holds the matching); a row
repeating an earlier row's ID is merged into it (a warning when its values differ, a rejection when
the names differ). Sex is cross-checked with the ID, thresholds of categories 2 and 3 only warn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable

from importers.context import Layout, NewVillage, RowContext
from importers.errors import MSG_FORMULA
from importers.headers import HeaderMatch, field_label
from importers.id_override import overridden
from importers.values import (
    FULLWIDTH, HAS_FULLWIDTH, INVISIBLE, INVISIBLE_NOTE, STRIP_CHARS, clean_text, is_total_row, parse_amount, parse_date,
    parse_disability_category, parse_disability_grade, parse_sex,
)
from store.ids import IdError, is_clean, normalize_phones, parse_id, verify_clean
from store.imports.merge import ImportRow

SEX_CACHE: dict[str, tuple[str, str | None]] = {}
THRESHOLD_CODES = (2, 3)
MOBILE = re.compile(r"1[3-9][0-9]{9}")


@dataclass(slots=True)
class Outcome:
    """One non-blank source row: its original cells, what happened to it and why."""

    source_row: int  # 1-based, as Excel numbers rows
    cells: list[Any]
    status: str = "ok"  # ok / rejected / skipped / merged; ok rows get the store's outcome later
    reasons: list[str] | tuple[()] = ()  # replaced, never appended to: no list a row
    warnings: list[str] = field(default_factory=list)
    data: ImportRow | None = None

    @property
    def final(self) -> str:
        """inserted / updated / unchanged / rejected / skipped, after the load decided."""
        if self.status == "merged":
            return "unchanged"
        if self.status != "ok" or self.data is None:  # an "ok" outcome always carries its row
            return self.status
        return "rejected" if self.data.outcome == "conflict" else self.data.outcome


def ok_rows(outcomes: Iterable[Outcome]) -> list[ImportRow]:
    """The normalised rows of the outcomes still "ok" (an "ok" outcome always carries its row)."""
    return [o.data for o in outcomes if o.status == "ok" and o.data is not None]


class RowError(ValueError):
    """A value that rejects its row; the message is Chinese."""


def text_of(value: Any) -> str:
    """clean_text with a fast path for plain ASCII strings and blanks (the bulk of a list)."""
    if value.__class__ is str:
        if value.isascii():
            return value.strip()
        if HAS_FULLWIDTH(value) is None:  # no full-width char to translate (CJK text)
            return value.strip(STRIP_CHARS)
        return value.translate(FULLWIDTH).strip(STRIP_CHARS)
    return "" if value is None else clean_text(value)


def is_blank_row(cells: list[Any]) -> bool:
    """True when every cell is empty or whitespace (a plain loop: most rows stop at their first cell)."""
    for v in cells:
        if v is None:
            continue
        if not isinstance(v, str) or v.strip():
            return False
    return True


def parse_row_id(value: Any, today: date) -> tuple[str, str | None, str | None]:
    """(18-digit number, original if upgraded from 15 digits, warning)."""
    try:
        if is_clean(value):  # already clean text: only the birth date and check char to verify
            verify_clean(value, today)
            return value, None, None
        parsed = parse_id(value, today=today)
    except IdError as exc:
        raise RowError(f"身份证号：{exc.message}") from None
    if parsed.converted:
        return parsed.number, parsed.original, f"15位旧身份证号{parsed.original}已升级为18位"
    return parsed.number, None, None


def _memo(table: dict[Any, Any], value: Any, work, *args: Any) -> Any:
    """work(value, *args), remembered per text value (a column's few spellings repeat down the list)."""
    if value.__class__ is not str:
        return work(value, *args)
    got = table.get(value)
    if got is None:
        got = table[value] = work(value, *args)
    return got


def _village_of(value: Any, ctx: RowContext) -> tuple[str, Any]:
    """(text, what RowContext.find_village says) of a village cell."""
    text = text_of(value)
    return text, ctx.find_village(text) if text else None


def _village(value: Any, ctx: RowContext, row: ImportRow) -> None:
    """Match the village; unknown or ambiguous ones reject the row (待确认) unless mapped or created."""
    memo = ctx.memo["village"]
    got = memo.get(value) if value.__class__ is str else None  # _memo inlined: every row has a village
    text, found = got or _memo(memo, value, _village_of, ctx)
    if not text:
        return
    if found.__class__ is tuple:
        row.person["village_id"] = found[0]
    elif found.__class__ is NewVillage:
        row.new_village = found.name
    else:
        ctx.unknown[text] = ctx.unknown.get(text, 0) + 1
        if found is None:
            raise RowError(f"村（居）「{text}」不在本镇村（居）名单中（待确认）")
        raise RowError(f"村（居）「{text}」{found.reason}（待确认）")


def _amounts(mapped: dict[str, Any], entry: dict[str, Any], amounts: tuple[tuple[str, str | None, int], ...]) -> None:
    """Amount columns in fen, using the column unit (元 / 万元); factor 0 when the unit is not 元 / 万元."""
    for name, unit, factor in amounts:
        value = mapped.get(name)
        if value is None:
            continue
        if value.__class__ is float and factor:
            fen = value * factor
            whole = round(fen)
            if -1e-6 < fen - whole < 1e-6:  # at most two decimals: exact in fen
                entry[name] = whole
                continue
        if text_of(value) == "":
            continue
        try:
            entry[name] = int(parse_amount(value, unit) * 100)
        except ValueError as exc:
            raise RowError(f"{field_label(name)}：{exc}") from None


def _dates(mapped: dict[str, Any], out: ImportRow, warnings: list[str], names: tuple[str, ...],
           datemode: int = 0) -> None:
    """Petition date (rejects when impossible) and a birth date column cross-checked with the ID."""
    for name in names:
        value = mapped.get(name)
        if value is None or (name == "birth_date" and value == out.person["birth_date"]) or text_of(value) == "":
            continue
        try:
            day = parse_date(value, datemode=datemode)
        except ValueError as exc:
            raise RowError(f"{field_label(name)}：{exc}") from None
        if name == "petition_date":
            out.entry[name] = day.isoformat()
        elif name == "birth_date" and out.person["birth_date"] is None:  # accepted ID without a valid date
            out.person["birth_date"] = day.isoformat()
        elif name == "birth_date" and day.isoformat() != out.person["birth_date"]:
            warnings.append(f"出生日期{day.isoformat()}与身份证号不符，以身份证号为准")


def _disability(mapped: dict[str, Any], out: ImportRow, warnings: list[str]) -> None:
    """Disability category, grade and certificate, kept on the entry and the person."""
    for name, parse in (("disability_category", parse_disability_category),
                        ("disability_grade", parse_disability_grade)):
        text = text_of(mapped[name]) if name in mapped else ""
        if text:
            code = parse(text)
            if code is None:
                warnings.append(f"{field_label(name)}「{text}」无法识别")
            else:
                out.entry[name] = out.person[name] = code
    cert = text_of(mapped["disability_cert"]) if "disability_cert" in mapped else ""
    if cert:
        out.entry["disability_cert"] = out.person["disability_cert"] = cert


def _sex_of(value: Any) -> tuple[str, str | None]:
    """(text, 男 / 女 / None) of a sex cell."""
    text = text_of(value)
    return text, parse_sex(text) if text else None


def _person_details(mapped: dict[str, Any], out: ImportRow, warnings: list[str],
                    texts: tuple[tuple[str, str], ...]) -> None:
    """Sex cross-check, phones, free text fields."""
    sex = mapped.get("sex")
    given, parsed = ("", None) if sex is None else SEX_CACHE.get(sex) or _memo(SEX_CACHE, sex, _sex_of)
    if given and parsed != out.person["sex"]:
        warnings.append(f"性别「{given}」与身份证号（{out.person['sex']}）不符，以身份证号为准")
    phone = mapped.get("phone", "")
    if phone.__class__ is str and MOBILE.fullmatch(phone):
        out.person["phone"] = phone
    elif phone not in (None, "") and text_of(phone):
        result = normalize_phones(phone)
        warnings.extend(result.warnings)
        if result.phones:
            out.person["phone"] = "/".join(result.phones)
    for name, where in texts:
        value = mapped.get(name)
        if value is not None:
            text = text_of(value)
            if text:
                (out.person if where == "person" else out.entry)[name] = text


def _threshold(out: ImportRow, ctx: RowContext, warnings: list[str]) -> None:
    """Categories 2 and 3: self-paid below the campaign's threshold is imported with a warning."""
    if ctx.category not in THRESHOLD_CODES or ctx.threshold is None:
        return
    paid = out.entry.get("self_paid")
    if paid is None:
        warnings.append("缺少自付金额，无法核对本类门槛")
    elif paid < ctx.threshold_fen:  # int fen against the exact threshold in fen
        warnings.append(f"自付金额{Decimal(paid) / 100:.2f}元低于本类门槛{ctx.threshold:.0f}元")


def looks_total(cells: list[Any]) -> bool:
    """is_total_row, checked only when one of the first two non-empty cells mentions 计."""
    seen = 0
    for value in cells:
        if value is None:
            continue
        if value.__class__ is str:
            if not value:
                continue
            if "计" in value:
                return is_total_row(cells)
        elif value == "":  # a str subclass
            continue
        seen += 1
        if seen == 2:
            return False
    return False


def _check_skip(cells: list[Any], mapped: dict[str, Any], ctx: RowContext) -> str | None:
    """The reason to skip a row (合计 row, another town's row), or None."""
    if looks_total(cells):
        return "合计/小计行"
    value = mapped.get("town")
    if value is None or not ctx.town:
        return None
    memo = ctx.memo["town"]  # a 乡镇 cell's spelling -> the reason to skip its rows, or None
    if value.__class__ is str and value in memo:
        return memo[value]
    town = text_of(value)
    reason = f"属于其他乡镇（{town}）" if town and ctx.other_town(town) else None
    if value.__class__ is str:
        memo[value] = reason
    return reason


def _formulas(index: int, match: HeaderMatch, ctx: RowContext) -> None:
    """Reject a row holding formula cells without a computed value."""
    cols = ctx.formula_rows().get(index)
    if cols:
        names = "、".join(match.headers[c] if c < len(match.headers) and match.headers[c] else f"第{c + 1}列"
                         for c in sorted(cols))
        raise RowError(f"{names}：{MSG_FORMULA}")


# Fields that only normalise's full path reads (_build): a list mapping any of them takes it for
# every row. A field _build starts to read must be added here unless normalise_plain handles it too.
FULL_PATH_FIELDS = frozenset({"id_override", "petition_date", "cert_date", "petition_content", "petition_reply",
                              "monitor_category", "disability_category", "disability_grade", "disability_cert"})
_MISSING = object()


@dataclass(frozen=True, slots=True)
class PlainAt:
    """Where each field normalise_plain reads sits in Layout.names (None: the list has no such column)."""

    name: int
    id_number: int
    town: int | None
    village: int | None
    sex: int | None
    birth_date: int | None
    phone: int | None
    texts: tuple[tuple[str, int], ...]  # person text fields (address, relation)
    amounts: tuple[tuple[str, int, int], ...]  # (field, position, fen per unit)

    @classmethod
    def of(cls, lay: Layout, ctx: RowContext) -> "PlainAt | None":
        """The positions for a file's layout, or None when its rows must all take the full path."""
        at = {name: i for i, name in enumerate(lay.names)}
        if FULL_PATH_FIELDS & at.keys() or "name" not in at or "id_number" not in at or ctx.formula_cells \
                or any(where != "person" for _n, where in lay.texts) or any(not f for _n, _u, f in lay.amounts):
            return None
        return cls(at["name"], at["id_number"], at.get("town"), at.get("village"), at.get("sex"),
                   at.get("birth_date"), at.get("phone"), tuple((n, at[n]) for n, _w in lay.texts),
                   tuple((n, at[n], f) for n, _u, f in lay.amounts))


def normalise_plain(cells: list[Any], index: int, ctx: RowContext, lay: Layout, at: PlainAt) -> Outcome | None:
    """The Outcome of a row with nothing unusual, the bulk of a list, read by position (no dict of its
    cells, no helper calls); None for any other row, which then takes the full path. What this
    accepts, the full path accepts the same way (tests/test_import_plain.py compares the two)."""
    values = lay.cells_of(cells)
    number = values[at.id_number]
    if not is_clean(number) or looks_total(cells):
        return None
    try:
        verify_clean(number, ctx.today)
    except IdError:
        return None
    raw = values[at.name]
    name = ctx.names.get(raw) or ctx.name(raw)
    if not name or (name is not raw and raw.__class__ is str and INVISIBLE.search(raw)):
        return None  # the full path flags a name that lost invisible characters
    if at.town is not None and ctx.town:
        value = values[at.town]
        if value is not None and (value.__class__ is not str or value) \
                and (value.__class__ is not str or ctx.memo["town"].get(value, _MISSING) is not None):
            return None  # another town, or a spelling not seen yet
    sex, born = ("男" if number[16] in "13579" else "女"), f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    person: dict[str, Any] = {"sex": sex, "birth_date": born}
    if at.village is not None:
        value = values[at.village]
        if value is not None and (value.__class__ is not str or value):
            got = ctx.memo["village"].get(value) if value.__class__ is str else None
            if got is None or not got[0] or got[1].__class__ is not tuple:
                return None  # a spelling not seen yet, or no known village
            person["village_id"] = got[1][0]
    if at.sex is not None:
        value = values[at.sex]
        if value is not None and (value.__class__ is not str or value):
            got = SEX_CACHE.get(value) if value.__class__ is str else None
            if got is None or (got[0] and got[1] != sex):
                return None  # not seen yet, or a warning to give
    if at.birth_date is not None:
        value = values[at.birth_date]
        if value.__class__ is datetime:  # an Excel date: its day, as the full path reads it
            value = value.date()
        if value.__class__ is date:
            value = value.isoformat()
        if value is not None and value != born and (value.__class__ is not str or value):
            return None  # another date: a warning to give, or no date at all
    if at.phone is not None:
        value = values[at.phone]
        if value.__class__ is str and MOBILE.fullmatch(value):
            person["phone"] = value
        elif value is not None and (value.__class__ is not str or value):
            return None
    for field_name, i in at.texts:
        value = values[i]
        if value is not None:
            text = text_of(value)
            if text:
                person[field_name] = text
    entry: dict[str, Any] = {}
    for field_name, i, factor in at.amounts:
        value = values[i]
        if value.__class__ is float:
            fen = value * factor
            whole = round(fen)
            if not -1e-6 < fen - whole < 1e-6:
                return None
            entry[field_name] = whole
        elif value is not None and (value.__class__ is not str or value):
            return None
    if ctx.category in THRESHOLD_CODES and ctx.threshold is not None:
        paid = entry.get("self_paid")
        if paid is None or paid < ctx.threshold_fen:
            return None  # a warning to give
    out = Outcome(index + 1, cells)
    out.data = ImportRow(index + 1, number, None, name, person, entry, cells)
    return out


def normalise(cells: list[Any], index: int, match: HeaderMatch, ctx: RowContext) -> Outcome:
    """Turn one non-blank source row into an Outcome (ok with data, rejected or skipped)."""
    lay = ctx.layout(match)
    at = ctx.cache.get("plain", _MISSING)
    if at is _MISSING:
        at = ctx.cache["plain"] = PlainAt.of(lay, ctx)
    if at is not None and len(cells) >= lay.width:
        out = normalise_plain(cells, index, ctx, lay, at)
        if out is not None:
            return out
    return normalise_fully(cells, index, match, ctx)


def normalise_fully(cells: list[Any], index: int, match: HeaderMatch, ctx: RowContext) -> Outcome:
    """normalise() for any row: every rule, every message."""
    out = Outcome(index + 1, cells)
    lay = ctx.layout(match)
    if len(cells) >= lay.width:
        # every value but None and "" (a falsy value that is no text: 0, 0.0, False)
        mapped = {n: v for n, v in zip(lay.names, lay.cells_of(cells)) if v or (v is not None and v.__class__ is not str)}
    else:
        mapped = {name: cells[col] for col, name in match.columns.items()
                  if col < len(cells) and cells[col] != "" and cells[col] is not None}
    skip = _check_skip(cells, mapped, ctx)
    if skip:
        out.status, out.reasons = "skipped", [skip]
        return out
    try:
        out.data = _build(cells, index, mapped, match, ctx, out.warnings, lay)
    except RowError as exc:
        out.status, out.reasons = "rejected", [str(exc)]
    return out


def _build(cells: list[Any], index: int, mapped: dict[str, Any], match: HeaderMatch, ctx: RowContext,
           warnings: list[str], lay: Layout) -> ImportRow:
    """The ImportRow of a row that is not skipped; RowError rejects it."""
    if ctx.formula_cells:
        _formulas(index, match, ctx)
    value = mapped.get("name", "")
    name = ctx.names.get(value) or ctx.name(value)  # cached per spelling
    if not name:
        raise RowError("姓名为空")
    if name is not value and isinstance(value, str) and INVISIBLE.search(value):
        warnings.append(INVISIBLE_NOTE)
    override = None
    try:
        number, original, note = parse_row_id(mapped.get("id_number", ""), ctx.today)
    except RowError:  # BAD_INPUTS row 6: a 核实说明 accepts a failed checksum or birth date
        override = overridden(mapped.get("id_number"), mapped.get("id_override"), ctx.today, ctx.accepted_ids)
        if override is None:
            raise
        number, original, note = override.number, override.original, override.warning
    if note:
        warnings.append(note)
    sex, born = ("男" if number[16] in "13579" else "女"), f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    row = ImportRow(index + 1, number, original, name, {"sex": sex, "birth_date": born}, {}, cells)
    if override:
        row.id_override, row.person["birth_date"] = override.reason or None, override.birth_date
    _village(mapped.get("village"), ctx, row)
    _person_details(mapped, row, warnings, lay.texts)
    if lay.amounts:
        _amounts(mapped, row.entry, lay.amounts)
    if lay.dates:
        _dates(mapped, row, warnings, lay.dates, ctx.datemode)
    if lay.disability:
        _disability(mapped, row, warnings)
    _threshold(row, ctx, warnings)
    row.warning = "；".join(warnings) if warnings else None
    if row.id_override:  # a later row of this file repeating the number is merged into this one
        ctx.accepted_ids.add(number)
    return row
