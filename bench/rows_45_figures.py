"""Figure rows: the dashboard's numbers (store.reports.dashboard.board: every village's figures from the read
model, the pace rule, the 通报 suggestions, overdue items, the nearest 整改 deadline), target
<= 0.5 s at town size; and the same read model alone (what the village screen, the progress table
and the report read)."""

from __future__ import annotations

import datetime as dt

from bench.run import Context, Row, median_of

FLOOR_SQL = (
    'SELECT p.village_id, count(*), sum(c.status != \'待排查\') FROM "case" c '
    'JOIN "person" p ON p.id = c.person_id WHERE c.campaign_id = ? AND c.deleted_at IS NULL '
    "AND p.deleted_at IS NULL GROUP BY p.village_id"
)


def row_dashboard_numbers(ctx: Context) -> None:
    """dashboard.board for today; floor: one bare count of cases per village."""
    from store.reports import dashboard
    from store.db import close_db, open_db
    from store.schema import db
    from store.campaign.active import active_campaign_id
    from store.reports.stats import village_progress

    open_db(ctx.db_path)
    cid, today = active_campaign_id(), dt.date.today()
    board = dashboard.board(cid, today)  # warm the page cache once, as the running app has it
    took = median_of(lambda: dashboard.board(cid, today), ctx.repeat)
    model = median_of(lambda: village_progress(cid, today), ctx.repeat)
    floor = median_of(lambda: db.execute_sql(FLOOR_SQL, (cid,)).fetchall(), ctx.repeat)
    close_db()
    extra = {"villages": len(board.rows), "cases": board.total.listed, "overdue": len(board.late)}
    ctx.rows.append(Row("dashboard numbers (board)", took, "s", floor, "<= 0.5 s", extra))
    ctx.rows.append(Row("read model (village_progress)", model, "s", floor, "", extra))


ROWS = [row_dashboard_numbers]
