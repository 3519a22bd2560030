"""The first setup of a town (the welcome screen's Ctrl+S): one transaction for everything it writes."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from store.campaign.campaigns import setup_this_year
from store.errors import ValidationError
from store.safety.backup_folder import set_backup_dir
from store.schema import db
from store.town.villages import init_town

CAMPAIGN_KEYS = ("name", "doc_number", "report_due")  # a campaign refusal names one of these, else the start


def first_setup(town: str, district: str, operator: str, backup_dir: str | None, db_path: str | os.PathLike,
                today: dt.date, campaign: dict[str, Any]) -> list[str]:
    """Town, district, operator, the backup folder and this year's campaign (store.campaign.campaigns.
    setup_this_year's values) in one transaction; returns the backup folder's warnings. A refused
    campaign value is a ValidationError whose field reads 「campaign.<name|doc_number|report_due|start>」."""
    with db.atomic():
        init_town(town, district, operator)
        warnings = set_backup_dir(backup_dir, db_path)
        try:
            setup_this_year(today, **campaign)
        except ValidationError as exc:
            key = exc.field if exc.field in CAMPAIGN_KEYS else "start"
            raise ValidationError(exc.message, field=f"campaign.{key}") from None
    return warnings
