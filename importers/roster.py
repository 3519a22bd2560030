"""Import a 在保名单 (beneficiary roster) with the list pipeline's reading, header detection, ID
checks, dates and amounts.

Household files (户主 and members with 与户主关系, 保障人数, 月保障金) and person files both work. A
row's household is its 户主身份证号 when the file has one, else its 户编号, else the 户主 row above
it (the system's export lists a household's head, then its members), else the person alone. A
member row without its own 纳入时间 takes the household's. 临时救助 grants older than 12 months
before the roster's date are skipped. Only what matching and the case detail need is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importers.errors import ImportFileError
from importers.headers import HeaderMatch, find_report_date, sheet_and_header
from importers.headers import first_date_in_text
from importers.read import SheetData, fill_merged, read_sheets
from importers.rows import RowError, looks_total, parse_row_id, is_blank_row, text_of
from importers.sniff import Sniffed, sniff
from importers.values import clean_name, parse_amount, parse_date
from store.errors import ValidationError
from store.ids import mask_id
from store.rosters.rosters import (TEMP_MONTHS_DAYS, CoveredRow, RosterMeta, Saved, parse_kind, roster_kind, same_file,
                           save_roster)

HEAD_WORDS = {"户主", "本人", "户主本人", "申请人", "户主(本人)"}
MSG_NO_HEADER = "未找到可识别的表头（至少需要姓名、身份证号两列，或户主姓名、户主身份证号），请检查文件"


@dataclass(slots=True)
class RosterOutcome:
    """One non-blank source row and what became of it (the import report reads these)."""

    source_row: int
    cells: list[Any]
    status: str = "ok"  # ok / rejected / skipped
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    data: None = None

    @property
    def final(self) -> str:
        """The report's result: rejected / skipped, or unchanged (imported, with a note)."""
        return self.status if self.status != "ok" else "unchanged"


@dataclass
class RosterPrep:
    """A read roster file: the kind, date, sheet, header and the normalised rows."""

    path: Path
    found: Sniffed
    kind: str
    sub_kind: str | None
    as_of: dt.date
    as_of_note: str | None
    sheet: SheetData
    match: HeaderMatch
    sha256: str
    rows: list[CoveredRow] = field(default_factory=list)
    outcomes: list[RosterOutcome] = field(default_factory=list)

    @property
    def roster_kind(self) -> str:
        """The kind the roster is stored and replaced under (农村低保 when the clerk named that part)."""
        return roster_kind(self.kind, self.sub_kind)

    @property
    def header_label(self) -> str:
        """「表头在第3行」."""
        return f"表头在第{self.match.row_index + 1}行"

    def count(self, status: str) -> int:
        """Source rows with this status."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def warned(self) -> int:
        """Rows kept with a note."""
        return sum(1 for o in self.outcomes if o.status == "ok" and o.warnings)


def prepare_roster(path: str | Path, kind: str, *, as_of: dt.date | None = None, sheet: str | None = None,
                   today: dt.date | None = None) -> RosterPrep:
    """Read and normalise a roster file; ImportFileError (one Chinese line) when it cannot be used."""
    try:
        main_kind, sub_kind = parse_kind(kind)
    except ValidationError as exc:
        raise ImportFileError(exc.message) from None
    path = Path(path)
    found = sniff(path)
    sheets = read_sheets(path, found)
    data, match = sheet_and_header(sheets, sheet, MSG_NO_HEADER)
    if match.missing_required:
        raise ImportFileError(f"缺少必需的列：{'、'.join(match.missing_required)}")
    fill_merged(data, match.first_data_row)
    day, note = _as_of(as_of, data, match, path)
    note = "；".join(n for n in (found.note, note) if n) or None  # a wrong extension, stray far cells
    if day > dt.date.today():  # a future date would stay the current roster of its kind for years
        raise ImportFileError(f"名单日期 {day.isoformat()} 晚于今天，请核对（命令行用 --as-of 指定名单的实际日期）")
    prep = RosterPrep(path, found, main_kind, sub_kind, day, note, data, match, _sha256(path))
    _normalise(prep, today or dt.date.today())
    if not prep.outcomes:
        raise ImportFileError("未发现数据行")
    return prep


def _as_of(given: dt.date | None, data: SheetData, match: HeaderMatch, path: Path) -> tuple[dt.date, str | None]:
    """The roster's date: given, else a date in the title lines or the file name, else the file's modification day."""
    if given is not None:
        return given, None
    found = find_report_date(data.rows[:match.row_index])
    if found is not None:
        return found, f"名单日期取自标题：{found.isoformat()}"
    found = first_date_in_text(path.stem)
    if found is not None:
        return found, f"名单日期取自文件名：{found.isoformat()}"
    day = dt.date.fromtimestamp(path.stat().st_mtime)
    return day, (f"文件中未写名单日期，按文件修改日期 {day.isoformat()} 计（命令行可用 --as-of 指定；"
                 "也可把日期写进文件名，如 低保名单2026年6月30日.xlsx）")


def _sha256(path: Path) -> str:
    """The file's sha256 in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _Household:
    """The household the rows under a 户主 row belong to."""

    key: str | None = None
    head: str | None = None


class _Cells:
    """Reads one field of a row by its column; parsed values are remembered per cell value (a
    roster repeats its dates, amounts, relations and each head's ID down a household)."""

    def __init__(self, prep: RosterPrep, today: dt.date) -> None:
        self.col = {name: c for c, name in prep.match.columns.items()}
        amount = self.col.get("amount")
        self.unit = prep.match.units.get(amount) if amount is not None else None
        self.datemode, self.today = prep.found.datemode, today
        self.memo: dict[str, dict[Any, tuple[Any, str | None]]] = {name: {} for name in PARSERS}

    def raw(self, cells: list[Any], name: str) -> Any:
        """The cell of a field ('' when the file has no such column or the row is short)."""
        col = self.col.get(name)
        return cells[col] if col is not None and col < len(cells) else ""

    def parsed(self, cells: list[Any], name: str, out: RosterOutcome) -> Any:
        """A field through its parser, remembered per value; a parser's note goes to the row."""
        col = self.col.get(name)
        if col is None or col >= len(cells):
            return None
        value = cells[col]
        if value is None or value == "":
            return None
        memo = self.memo[name]
        got = memo.get(value)
        if got is None:
            got = memo[value] = PARSERS[name](self, value)
        if got[1]:
            out.warnings.append(got[1])
        return got[0]


def _text(_cells: _Cells, value: Any) -> tuple[str | None, None]:
    """Trimmed text (None when blank)."""
    return text_of(value) or None, None


def _date(cells: _Cells, value: Any) -> tuple[str | None, str | None]:
    """A date as ISO text; a bad value is a note, never a guess."""
    try:
        return parse_date(value, datemode=cells.datemode).isoformat(), None
    except ValueError as exc:
        return None, f"纳入时间：{exc}"


def _amount(cells: _Cells, value: Any) -> tuple[int | None, str | None]:
    """月保障金 / 救助金额 in fen, with the column's unit."""
    try:
        return int(parse_amount(value, cells.unit) * 100), None
    except ValueError as exc:
        return None, f"金额：{exc}"


def _persons(_cells: _Cells, value: Any) -> tuple[int | None, str | None]:
    """保障人数 as a whole number 1-99."""
    text = text_of(value).removesuffix("人")
    if text.isdigit() and 0 < int(text) < 100:
        return int(text), None
    return None, f"保障人数无法识别：{text}" if text else None


def _head_id(cells: _Cells, value: Any) -> tuple[str | None, str | None]:
    """The 户主身份证号 (None with a note when invalid: the row then follows the 户主 row above)."""
    try:
        return parse_row_id(value, cells.today)[0], None
    except RowError as exc:
        return None, f"户主{exc}，按上一户计"


PARSERS = {"relation": _text, "household_code": _text, "benefit_kind": _text, "since": _date, "amount": _amount,
           "persons": _persons, "head_id_number": _head_id}


def _normalise(prep: RosterPrep, today: dt.date) -> None:
    """Every non-blank row under the header into a CoveredRow, or rejected / skipped with a reason."""
    rows, match = prep.sheet.rows, prep.match
    seen: dict[str, CoveredRow] = {}
    last, cells_of = _Household(), _Cells(prep, today)
    oldest = prep.as_of - dt.timedelta(days=TEMP_MONTHS_DAYS) if prep.kind == "临时救助" else None
    for index in range(match.first_data_row, len(rows)):
        cells = rows[index]
        if is_blank_row(cells):
            continue
        out = RosterOutcome(index + 1, cells)
        prep.outcomes.append(out)
        if looks_total(cells):
            out.status, out.reasons = "skipped", ["合计/小计行"]
            continue
        try:
            row = _row(cells, cells_of, prep, out, last)
        except RowError as exc:
            out.status, out.reasons = "rejected", [str(exc)]
            continue
        if oldest is not None and row.since is not None and row.since < oldest.isoformat():
            out.status, out.reasons = "skipped", [f"救助日期 {row.since} 早于名单日期前12个月"]
            continue
        if _merged(seen, row, prep.kind, out):
            continue
        seen[row.id_number] = row
        prep.rows.append(row)
    _fill_households(prep.rows)


def _row(cells: list[Any], at: _Cells, prep: RosterPrep, out: RosterOutcome, last: _Household) -> CoveredRow:
    """One data row as a CoveredRow; RowError rejects it."""
    value = at.raw(cells, "name")
    name = clean_name(value) if value is not None and value != "" else ""
    if not name:
        raise RowError("姓名为空")
    number, _original, note = parse_row_id(at.raw(cells, "id_number"), at.today)
    if note:
        out.warnings.append(note)
    relation = at.parsed(cells, "relation", out)
    head = at.parsed(cells, "head_id_number", out)
    code = at.parsed(cells, "household_code", out)
    is_head = relation in HEAD_WORDS if relation else head in (None, number)
    if head:
        key = head
    elif code:
        key = f"#{code}"
    elif is_head or not last.key:
        key = number
    else:
        key, head = last.key, last.head
    if is_head:
        last.key, last.head = key, number
    return CoveredRow(number, name, at.parsed(cells, "benefit_kind", out) or prep.sub_kind,
                      at.parsed(cells, "since", out), key, head or (number if is_head else None), relation,
                      at.parsed(cells, "persons", out), at.parsed(cells, "amount", out), out.source_row)


def _merged(seen: dict[str, CoveredRow], row: CoveredRow, kind: str, out: RosterOutcome) -> bool:
    """A repeated ID: 临时救助 grants add up (latest date kept); any other kind keeps the first row."""
    first = seen.get(row.id_number)
    if first is None:
        return False
    if kind == "临时救助":
        first.amount = (first.amount or 0) + (row.amount or 0) if first.amount or row.amount else None
        first.since = max(filter(None, (first.since, row.since)), default=None)
        out.warnings.append(f"同一人第二次救助，已合并到第{first.source_row}行")
    else:
        out.status, out.reasons = "skipped", [f"身份证号 {mask_id(row.id_number)} 与第{first.source_row}行重复"]
    return True


def _fill_households(rows: list[CoveredRow]) -> None:
    """Members without their own 纳入时间 or 保障人数 take their household's (the head's first)."""
    by_key: dict[str, CoveredRow] = {}
    for r in rows:
        if r.household and (r.household not in by_key or r.id_number == r.household):
            by_key[r.household] = r
    for r in rows:
        head = by_key.get(r.household) if r.household else None
        if head is None or head is r:
            continue
        r.since = r.since or head.since
        r.persons = r.persons or head.persons


def run_roster(prep: RosterPrep, *, dry_run: bool = False) -> Saved | None:
    """Store the roster (None for a dry run)."""
    if dry_run:
        return None
    meta = RosterMeta(prep.roster_kind, prep.as_of, prep.path.name, prep.sha256, prep.sheet.name, len(prep.outcomes),
                      prep.count("rejected"), prep.warned)
    return save_roster(meta, prep.rows)


def write_report(prep: RosterPrep, target: Path | None = None) -> str | None:
    """The import report of the rejected, skipped and noted rows (as the list import writes it: beside
    the file, else in the database's folder; a --report path that fails is an error); None when clean."""
    from importers.load import report_rejections, default_report_path

    return report_rejections(prep, prep.outcomes, Path(target) if target else default_report_path(prep.path), target is None)


def earlier_imports(prep: RosterPrep) -> list[int]:
    """Rosters of the same kind already imported from this very file."""
    return same_file(prep.sha256, prep.roster_kind)
