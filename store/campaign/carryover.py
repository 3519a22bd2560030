"""What earlier campaigns leave open when a new one starts (the carry-over rule).

Records never move: a case belongs to its campaign. The open items of every earlier campaign
(an earlier year, or the same year and made before) are listed for the new one: cases in
动态监测 with a next check date, 整改 without a done date, 信访 not closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from store.schema import db

KIND_LABELS = {"monitoring": "动态监测", "rectification": "未完成整改", "petition": "未办结信访"}

_EARLIER = ('SELECT e.id FROM "campaign" e, "campaign" n WHERE n.id = ? AND e.id != n.id '
            "AND (e.year < n.year OR (e.year = n.year AND e.id < n.id))")

_SQL = {
    "monitoring": (
        'SELECT c.campaign_id, c.id, NULL, p.name, v.name, c.next_followup, coalesce(c.conclusion_reason, \'\') '
        'FROM "case" c JOIN "person" p ON p.id = c.person_id LEFT JOIN "village" v ON v.id = p.village_id '
        f"WHERE c.deleted_at IS NULL AND c.status = '动态监测' AND c.next_followup IS NOT NULL "
        f"AND c.campaign_id IN ({_EARLIER})"
    ),
    "rectification": (
        'SELECT pr.campaign_id, c.id, pr.id, coalesce(p.name, \'\'), v.name, r.deadline, pr.description '
        'FROM "rectification" r JOIN "problem" pr ON pr.id = r.problem_id '
        'JOIN "village" v ON v.id = pr.village_id LEFT JOIN "case" c ON c.id = pr.case_id '
        'LEFT JOIN "person" p ON p.id = c.person_id '
        f"WHERE pr.deleted_at IS NULL AND r.done_on IS NULL AND pr.campaign_id IN ({_EARLIER})"
    ),
    "petition": (
        "SELECT c.campaign_id, c.id, NULL, p.name, v.name, "
        "date(t.close_due, '+' || t.extension_days || ' days'), coalesce(t.summary, '') "
        'FROM "petition" t JOIN "case" c ON c.id = t.case_id JOIN "person" p ON p.id = c.person_id '
        'LEFT JOIN "village" v ON v.id = p.village_id '
        f"WHERE t.deleted_at IS NULL AND c.deleted_at IS NULL AND t.closed IS NULL "
        f"AND c.campaign_id IN ({_EARLIER})"
    ),
}


@dataclass(frozen=True)
class CarryItem:
    """One open item of an earlier campaign."""

    kind: str
    campaign_id: int
    campaign: str
    case_id: int | None
    problem_id: int | None
    person: str
    village: str
    due: dt.date | None
    text: str

    @property
    def label(self) -> str:
        """The kind in Chinese."""
        return KIND_LABELS[self.kind]

    def as_json(self) -> dict:
        """A plain dict for `campaign carryover --json`."""
        return {"kind": self.kind, "label": self.label, "campaign_id": self.campaign_id, "campaign": self.campaign,
                "case_id": self.case_id, "problem_id": self.problem_id, "person": self.person,
                "village": self.village, "due": self.due.isoformat() if self.due else None, "text": self.text}


def carried_over(campaign_id: int | None = None) -> list[CarryItem]:
    """The open items of campaigns before this one (default: the active one), earliest due first."""
    from store.campaign.active import active_campaign_id

    cid = campaign_id if campaign_id is not None else active_campaign_id()
    if cid is None:
        return []
    names = dict(db.execute_sql('SELECT id, name FROM "campaign"').fetchall())
    items = []
    for kind, sql in _SQL.items():
        for camp, case_id, problem_id, person, village, due, text in db.execute_sql(sql, (cid,)).fetchall():
            day = dt.date.fromisoformat(str(due)[:10]) if due else None
            items.append(CarryItem(kind, camp, names.get(camp, ""), case_id, problem_id, person or "",
                                   village or "（未分村）", day, (text or "").replace("\n", " ")))
    items.sort(key=lambda i: (i.due or dt.date.max, i.village, i.kind, i.case_id or 0, i.problem_id or 0))
    return items


def carry_counts(campaign_id: int | None = None) -> dict[str, int]:
    """How many open items of each kind earlier campaigns leave."""
    counts = {kind: 0 for kind in KIND_LABELS}
    for item in carried_over(campaign_id):
        counts[item.kind] += 1
    return counts
