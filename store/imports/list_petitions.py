"""Petitions from the category-5 list (2021年以来社会救助类信访对象): each list row with a received
date (来访日期) becomes the petition of its case, with the matter (反映问题) as summary and the reply
(答复情况) as reply. One petition per case and received date: a re-import updates it, never adds a
second. The list gives no acceptance date, so a petition from it counts as accepted on receipt; a
filled 答复情况 counts as closed on the day it was imported (the outcome is left for the clerk)."""

from __future__ import annotations

import datetime as dt

from store import audit
from store.common import stored_date
from store.checks.petitions import dues
from store.schema import Case, Petition, db

_ROWS = ('SELECT e.id, e.case_id, e.petition_date, e.petition_content, e.petition_reply, e.created_at '
         'FROM "roster_entry" e JOIN "category" k ON k.id = e.category_id '
         'JOIN "case" c ON c.id = e.case_id '
         "WHERE k.code = 5 AND c.campaign_id = ? AND c.deleted_at IS NULL AND e.petition_date IS NOT NULL "
         "ORDER BY e.id")


def _text(value: str | None) -> str | None:
    """A cell's text, None when blank."""
    value = (value or "").strip()
    return value or None


def sync_list_petitions(campaign_id: int) -> tuple[int, int]:
    """Create or update the petitions of every category-5 list row of the campaign (caller holds the
    transaction); (created, updated). The newest row of a case and date wins."""
    latest: dict[tuple[int, dt.date], tuple] = {}
    for row in db.execute_sql(_ROWS, (campaign_id,)).fetchall():
        received = stored_date(row[2])
        if received is not None:
            latest[(row[1], received)] = row
    if not latest:
        return 0, 0
    # a petition the clerk deleted is matched too: a re-import never brings it back
    existing = {(p.case_id, p.received): p for p in Petition.select().join(Case).where(
        Case.campaign == campaign_id).order_by(Petition.deleted_at.is_null(), Petition.id)}  # live ones last: they win
    # a case whose petition the clerk recorded by hand (often under another date) gets no second one
    by_hand = {p.case_id for p in existing.values() if p.entry_id is None and p.deleted_at is None}
    created = updated = 0
    for key, (entry_id, case_id, _, content, reply, stamp) in latest.items():
        pet = existing.get(key)
        if pet is None and case_id in by_hand:
            continue
        if pet is None:
            _create(entry_id, case_id, key[1], _text(content), _text(reply), stored_date(stamp))
            created += 1
        elif pet.deleted_at is None and _update(pet, _text(content), _text(reply), stored_date(stamp)):
            updated += 1
    return created, updated


def _create(entry_id: int, case_id: int, received: dt.date, summary: str | None, reply: str | None,
            imported: dt.date | None) -> None:
    """A new petition from a list row, audited."""
    closed = max(imported or received, received) if reply else None
    pet = Petition.create(case=case_id, kind="申诉求决", received=received, accepted=received, extension_days=0,
                          summary=summary, reply=reply, closed=closed, entry=entry_id, **dues(received, received))
    audit.log_row("create", pet)


def _update(pet: Petition, summary: str | None, reply: str | None, imported: dt.date | None) -> bool:
    """Take the list's newer matter and reply (a blank cell never erases what was recorded); True if changed."""
    before = audit.snapshot(pet)
    changed = False
    if summary and summary != pet.summary:
        pet.summary, changed = summary, True
    if reply and reply != pet.reply:
        pet.reply, changed = reply, True
        if pet.closed is None:
            assert pet.received is not None  # sync_list_petitions matched it by its received day
            pet.closed = max(imported or pet.received, pet.received)
    if changed:
        pet.save()
        audit.log_row("update", pet, before)
    return changed
