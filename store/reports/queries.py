"""Read-only queries shared by the CLI, the TUI and the exports."""

from __future__ import annotations

from dataclasses import dataclass

from store import settings
from store.campaign.phases import StoredPhase, stored_phases
from store.schema import Campaign, db

# info --json keys -> (table, counts only live rows)
COUNTED = {
    "villages": ("village", False), "members": ("member", False), "zones": ("zone", False),
    "persons": ("person", True), "cases": ("case", True), "roster_entries": ("roster_entry", False),
    "contacts": ("contact", True), "benefits": ("benefit", True), "petitions": ("petition", True),
    "spot_checks": ("spot_check", False), "problems": ("problem", True),
    "import_batches": ("import_batch", False), "audit_log": ("audit_log", False),
}


def counts() -> dict[str, int]:
    """Row counts of the main tables (soft-deleted rows left out)."""
    out = {}
    for key, (table, live) in COUNTED.items():
        where = " WHERE deleted_at IS NULL" if live else ""
        out[key] = db.execute_sql(f'SELECT count(*) FROM "{table}"{where}').fetchone()[0]
    return out


def holds_data() -> bool:
    """True when the database has any village, person or case (the demo refuses those)."""
    sql = 'SELECT EXISTS(SELECT 1 FROM "village") OR EXISTS(SELECT 1 FROM "person")'
    return bool(db.execute_sql(sql).fetchone()[0])


def schema_version() -> int:
    """The database's PRAGMA user_version."""
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


@dataclass(frozen=True)
class CampaignInfo:
    """The active campaign with its phases."""

    id: int
    name: str
    year: int
    doc_number: str | None
    report_due: object
    phases: list[StoredPhase]  # a date that cannot be read is None (store.campaign.phases)


def active_campaign() -> CampaignInfo | None:
    """The campaign the app works on, with its phases in order (one rule: store.campaign.active)."""
    from store.campaign.active import active_campaign_id

    cid = active_campaign_id()
    camp = Campaign.get_or_none(Campaign.id == cid) if cid is not None else None
    if camp is None:
        return None
    return CampaignInfo(camp.id, camp.name, camp.year, camp.doc_number, camp.report_due, stored_phases(camp.id))


def town_info() -> dict[str, str | None]:
    """Town, district and operator settings."""
    return {
        "town": settings.get(settings.TOWN),
        "district": settings.get(settings.DISTRICT),
        "operator": settings.get(settings.OPERATOR),
    }
