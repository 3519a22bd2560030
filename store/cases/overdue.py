"""What is overdue on a given day: petitions past their notice or close date, follow-ups past
their date, rectifications past their deadline. Shared by the dashboard and `yingbao overdue`.

A thing is overdue when its due date is strictly before the day (due today is not yet late).
The unary ``+`` on ``campaign_id`` keeps SQLite from driving these queries from the campaign's
(many) cases: petitions and dated follow-ups are the few rows to start from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from store.common import stored_date
from store.schema import db

KIND_LABELS = {
    "petition_notice": "信访告知逾期", "petition_close": "信访办结逾期",
    "followup": "跟进逾期", "rectification": "整改逾期",
}

_SQL = {
    "petition_notice": (
        'SELECT c.id, p.name, v.id, v.name, t.notice_due FROM "petition" t '
        'JOIN "case" c ON c.id = t.case_id JOIN "person" p ON p.id = c.person_id '
        'LEFT JOIN "village" v ON v.id = p.village_id '
        "WHERE t.deleted_at IS NULL AND c.deleted_at IS NULL AND +c.campaign_id = ? "
        "AND t.notice_sent IS NULL AND t.closed IS NULL AND t.notice_due < ?"
    ),
    "petition_close": (
        'SELECT c.id, p.name, v.id, v.name, date(t.close_due, \'+\' || t.extension_days || \' days\') AS due '
        'FROM "petition" t JOIN "case" c ON c.id = t.case_id JOIN "person" p ON p.id = c.person_id '
        'LEFT JOIN "village" v ON v.id = p.village_id '
        "WHERE t.deleted_at IS NULL AND c.deleted_at IS NULL AND +c.campaign_id = ? "
        "AND t.closed IS NULL AND due < ?"
    ),
    "followup": (
        'SELECT c.id, p.name, v.id, v.name, c.next_followup FROM "case" c '
        'JOIN "person" p ON p.id = c.person_id LEFT JOIN "village" v ON v.id = p.village_id '
        "WHERE c.deleted_at IS NULL AND +c.campaign_id = ? AND c.next_followup < ? "
        "AND c.status NOT IN ('已纳入', '已办结')"
    ),
    "rectification": (
        'SELECT r.problem_id, coalesce(p.name, \'\'), v.id, v.name, r.deadline, c.id FROM "rectification" r '
        'JOIN "problem" pr ON pr.id = r.problem_id JOIN "village" v ON v.id = pr.village_id '
        'LEFT JOIN "case" c ON c.id = pr.case_id LEFT JOIN "person" p ON p.id = c.person_id '
        "WHERE pr.deleted_at IS NULL AND pr.campaign_id = ? AND r.done_on IS NULL AND r.deadline < ?"
    ),
}


@dataclass(frozen=True)
class OverdueItem:
    """One overdue thing, with the case to open (None for a problem without a case)."""

    kind: str
    case_id: int | None
    problem_id: int | None
    person: str
    village_id: int | None
    village: str
    due: dt.date
    days_over: int

    @property
    def label(self) -> str:
        """The kind in Chinese."""
        return KIND_LABELS[self.kind]


def overdue_items(campaign_id: int, today: dt.date | None = None) -> list[OverdueItem]:
    """Everything overdue on `today`, by village then most overdue first."""
    today = today or dt.date.today()
    items: list[OverdueItem] = []
    for kind, sql in _SQL.items():
        for row in db.execute_sql(sql, (campaign_id, today.isoformat())).fetchall():
            due = stored_date(row[4])
            if due is None:
                continue  # no date at all (another tool wrote it): `check` lists it
            case_id, problem_id = (row[5], row[0]) if kind == "rectification" else (row[0], None)
            items.append(OverdueItem(kind, case_id, problem_id, row[1], row[2], row[3] or "（未分村）",
                                     due, (today - due).days))
    items.sort(key=lambda i: (i.village, -i.days_over, i.kind, i.case_id or 0, i.problem_id or 0))
    return items
