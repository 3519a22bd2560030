"""Values another tool wrote into date columns that are no date (2026-02-30, 「昨天」, 45000).

The models read them as None, so sorting, arithmetic and exports go on (store.schema.DateField,
store.common.stored_date); this module finds them so the clerk can see and correct them: `yingbao
check` lists every one, the case detail names those of its case, and exports show the raw value
marked 「无法识别」 where a date would be (`shown_date`).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from store.common import stored_date

MARK = "无法识别"
# What the clerk calls the date columns a case's screen shows; others are named table.column.
LABELS = {
    ("person", "birth_date"): "出生日期", ("case", "assessed_on"): "研判日期",
    ("case", "next_followup"): "下次跟进日期", ("contact", "date"): "走访（联系）日期",
    ("contact", "next_followup"): "走访记录的下次跟进日期", ("case_origin", "found_on"): "发现日期",
    ("benefit", "applied_on"): "救助申请日期", ("benefit", "status_on"): "救助办理日期",
    ("petition", "received"): "信访受理日期", ("petition", "accepted"): "信访受理（登记）日期",
    ("petition", "notice_due"): "信访告知期限", ("petition", "notice_sent"): "信访告知日期",
    ("petition", "close_due"): "信访办结期限", ("petition", "closed"): "信访办结日期",
    ("petition", "review_on"): "复查日期", ("petition", "recheck_on"): "复核日期",
    ("spot_check", "date"): "抽查日期", ("problem", "found_on"): "问题发现日期",
}
# A case's own rows: (table, the SQL naming its rows of case :case / person :person)
CASE_ROWS = [
    ("person", "id = :person"), ("case", "id = :case"), ("contact", "case_id = :case"),
    ("case_origin", "case_id = :case"), ("benefit", "case_id = :case"), ("petition", "case_id = :case"),
    ("spot_check", "case_id = :case"), ("problem", "case_id = :case"),
]


def is_date_text(value: Any) -> bool:
    """True for ISO date text (2026-11-29, optionally with a time) of a real day."""
    if not isinstance(value, str) or len(value) < 10 or (len(value) > 10 and value[10] not in " T"):
        return False
    try:
        dt.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def date_columns(con: sqlite3.Connection, table: str) -> list[str]:
    """The DATE and DATETIME columns of ``table``."""
    return [col[1] for col in con.execute(f'PRAGMA table_info("{table}")').fetchall()
            if str(col[2]).upper() in ("DATE", "DATETIME")]


def unreadable_in(con: sqlite3.Connection, table: str, where: str = "1",
                  params: dict[str, Any] | None = None) -> list[tuple[str, int, Any]]:
    """(column, rowid, raw value) of every date in ``table`` (rows matching ``where``) that is no date."""
    out = []
    for name in date_columns(con, table):
        # SQLite's date() takes 2026-02-30: days past the 28th are checked in Python
        candidates = con.execute(
            f'SELECT rowid, "{name}" FROM "{table}" WHERE ({where}) AND "{name}" IS NOT NULL AND '
            f'(typeof("{name}") != \'text\' OR date("{name}") IS NULL '
            f'OR date("{name}") != substr("{name}", 1, 10) OR substr("{name}", 9, 2) > \'28\')', params or {})
        out += [(name, rid, value) for rid, value in candidates if not is_date_text(value)]
    return out


def case_notes(con: sqlite3.Connection, case_id: int, person_id: int) -> list[str]:
    """One Chinese line per unreadable date of a case's own rows, for its detail screen."""
    notes = []
    for table, where in CASE_ROWS:
        if any(col[1] == "deleted_at" for col in con.execute(f'PRAGMA table_info("{table}")')):
            where += " AND deleted_at IS NULL"  # a deleted visit or petition is no longer the case's
        for column, _rid, value in unreadable_in(con, table, where, {"case": case_id, "person": person_id}):
            label = LABELS.get((table, column), f"{table}.{column}")
            notes.append(f"{label}「{str(value)[:20]}」{MARK}（其他软件写入），界面中按空白处理，请重新填写")
    return notes


def shown_date(value: Any) -> dt.date | str | None:
    """A date column's raw value for a printout or a list: the date (store.common.stored_date), None
    when empty, or the raw value marked 「无法识别」 when it is no date, so the clerk sees it instead of a
    blank cell."""
    day = stored_date(value)
    if day is not None or value is None or value == "":
        return day
    return f"{MARK}：{str(value)[:20]}"
