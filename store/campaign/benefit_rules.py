"""Benefit rules that are campaign data: the 公示 period before 审核确认 (民发〔2021〕57号: 7 days),
kept per campaign as the setting ``publicity_days.<campaign id>`` (audited through settings.put)."""

from __future__ import annotations

from typing import Any

from store import settings
from store.errors import ValidationError

DEFAULT_PUBLICITY_DAYS = 7


def _key(campaign_id: int) -> str:
    """The setting key of a campaign's 公示 period."""
    return f"publicity_days.{int(campaign_id)}"


def publicity_days(campaign_id: int) -> int:
    """The campaign's 公示 period in days (7 unless set)."""
    value = settings.get(_key(campaign_id))
    return int(value) if value and value.isdigit() else DEFAULT_PUBLICITY_DAYS


def check_publicity_days(days: Any) -> int:
    """A 公示 period as typed: 1 to 30 days."""
    text = str(days).strip().replace("天", "")
    if not text.isdigit() or not 1 <= int(text) <= 30:
        raise ValidationError("公示天数应为 1 到 30 的整数", field="publicity_days")
    return int(text)


def set_publicity_days(campaign_id: int, days: Any) -> int:
    """Set the campaign's 公示 period: 1 to 30 days (audited when it changes)."""
    value = check_publicity_days(days)
    settings.put(_key(campaign_id), str(value))
    return value
