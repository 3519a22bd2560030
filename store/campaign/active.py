"""The campaign the app works on: the one rule every screen, export and command reads."""

from __future__ import annotations

from store.schema import db


def active_campaign_id() -> int | None:
    """The id of the newest active campaign (store.campaign.campaigns.use_campaign keeps exactly one
    active; store.reports.queries.active_campaign and store.cases.cases.require_campaign read it here)."""
    row = db.execute_sql('SELECT id FROM "campaign" WHERE active = 1 ORDER BY id DESC LIMIT 1').fetchone()
    return row[0] if row else None
