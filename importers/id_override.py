"""ID numbers that fail only their checksum or birth date (BAD_INPUTS row 6): rejected, unless the row
gives a reason in a 「核实说明」 column (field ``id_override``); then imported with a warning and audited.

The import report adds an empty 「核实说明」 column when such rows were rejected and the list had none,
so the clerk can fill in the reason and import the report again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from importers.values import clean_text
from store.ids import IdError, birth_date, parse_id

FIELD = "id_override"
HEADER = "核实说明"
WARNING = "身份证号未通过校验，已按核实说明导入："
ACCEPTED_BEFORE = "身份证号未通过校验，此前已核实（见修改记录）"
HINT = "如已核实号码无误，请在「核实说明」列填写说明后重新导入"


@dataclass(frozen=True, slots=True)
class Override:
    """A number accepted by the row's reason: stored form, original if upgraded, reason, birth date."""

    number: str
    original: str | None
    reason: str
    birth_date: str | None  # ISO; None when the number's date is no valid birth date

    @property
    def warning(self) -> str:
        """The row's warning in the report."""
        return WARNING + self.reason if self.reason else ACCEPTED_BEFORE


def overridden(value: Any, reason: Any, today: date, accepted: frozenset[str] | set[str] = frozenset()) -> Override | None:
    """The accepted number when the row gives a reason for a number that fails only its checksum or
    birth date, or when that very number was accepted before (a person in ``accepted``: the reason
    is on record, later lists need not repeat it); None otherwise, and always for a number of the
    wrong shape (never overridable)."""
    text = clean_text(reason) if reason is not None else ""
    try:
        parsed = parse_id(value, today=today, override=True)
    except IdError:
        return None
    if not parsed.problem or not (text or parsed.number in accepted):
        return None
    born = birth_date(parsed.number)
    day = born.isoformat() if born is not None and born <= today else None
    return Override(parsed.number, parsed.original if parsed.converted else None, text, day)


def id_column(match: Any, field: str = "id_number") -> int | None:
    """The column mapped to a field, or None."""
    return next((c for c, name in match.columns.items() if name == field), None)


def needs_reason(outcome: Any, column: int | None, today: date | None = None) -> bool:
    """True for a row rejected for an ID number that only fails its checksum or birth date."""
    if column is None or outcome.status != "rejected" or not outcome.reasons:
        return False
    if not outcome.reasons[0].startswith("身份证号："):
        return False
    value = outcome.cells[column] if column < len(outcome.cells) else None
    try:
        return bool(parse_id(value, today=today or date.today(), override=True).problem)
    except IdError:
        return False


def report_marks(match: Any, outcomes: list[Any]) -> tuple[list[bool], bool]:
    """Per outcome, whether it was rejected for an ID that a reason could accept; and whether the
    report must add a 「核实说明」 column (such rows exist and the list has no such column)."""
    column = id_column(match)
    marks = [needs_reason(o, column) for o in outcomes]
    return marks, any(marks) and id_column(match, FIELD) is None
