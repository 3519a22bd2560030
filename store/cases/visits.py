"""What counts as a home visit (入户走访) and what as a contact (已联系): defined once, here.

The plan asks for 逐一入户走访: only a 入户走访 makes a case 已走访 and counts in the 走访率. A call,
a 微信 or a visit to the office (来访) makes a 待排查 case 已联系 and is counted on its own, as
电话回访. The figures (dashboard, progress table, ledger, report, workloads, pace) use the SQL
fragments below on a case aliased ``c``; a leaf module, so any store module can import it.
"""

from __future__ import annotations

HOME_VISIT = "入户走访"
REMOTE_KINDS = ("电话回访", "来访", "微信")
CONTACT_KINDS = [HOME_VISIT, *REMOTE_KINDS]
PENDING, CONTACTED, VISITED = "待排查", "已联系", "已走访"
STATUSES = [PENDING, CONTACTED, VISITED, "已研判", "办理中", "已纳入", "动态监测", "已办结"]



def home_visited_sql(on_or_before: str | None = None) -> str:
    """SQL: the case `c` has a live 入户走访 (dated on or before the parameter `on_or_before`, e.g. "?")."""
    day = f" AND hv.date <= {on_or_before}" if on_or_before else ""
    return ('EXISTS (SELECT 1 FROM "contact" hv WHERE hv.case_id = c.id AND hv.deleted_at IS NULL '
            f"AND hv.kind = '{HOME_VISIT}'{day})")


def called_sql(on_or_before: str | None = None) -> str:
    """SQL: the case `c` has a live call, 微信 or 来访 (dated on or before the parameter, if given)."""
    day = f" AND hc.date <= {on_or_before}" if on_or_before else ""
    kinds = ", ".join(f"'{k}'" for k in REMOTE_KINDS)
    return f'EXISTS (SELECT 1 FROM "contact" hc WHERE hc.case_id = c.id AND hc.deleted_at IS NULL AND hc.kind IN ({kinds}){day})'


HOME_VISITED_SQL, CALLED_SQL = home_visited_sql(), called_sql()


def status_from(status: str, kinds: set[str]) -> str:
    """A case's early status from the kinds of its live contacts (after one is deleted or restored):
    已走访 with a 入户走访, 已联系 with any other contact, else 待排查; later statuses stay."""
    if status not in (PENDING, CONTACTED, VISITED):
        return status
    return VISITED if HOME_VISIT in kinds else CONTACTED if kinds else PENDING


def status_after(status: str, kind: str) -> str:
    """A case's status after a contact: 入户 makes it 已走访, any other contact 已联系 (from 待排查)."""
    if kind == HOME_VISIT and status in (PENDING, CONTACTED):
        return VISITED
    if status == PENDING:
        return CONTACTED
    return status
