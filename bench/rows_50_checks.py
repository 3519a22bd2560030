"""Spot-check and zone rows: a 30% stratified draw over the whole town, and the auto-assign
preview of the biggest village. No target from the issue beyond "well under a second"."""

from __future__ import annotations

from bench.run import Context, Row, median_of


def _biggest_village() -> tuple[int, str, int]:
    """(id, name, live cases) of the village with the most live cases."""
    from store.schema import db

    return db.execute_sql(
        'SELECT v.id, v.name, count(*) FROM "case" c JOIN "person" p ON p.id = c.person_id '
        'JOIN "village" v ON v.id = p.village_id WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL '
        "GROUP BY v.id ORDER BY count(*) DESC, v.id LIMIT 1").fetchone()


def _population_floor() -> None:
    """Floor: read the same population and categories with bare SQL, no sampling."""
    from store.schema import db

    db.execute_sql('SELECT c.id, p.village_id, p.name, p.id_number, c.status FROM "case" c '
                   'JOIN "person" p ON p.id = c.person_id WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL').fetchall()
    db.execute_sql('SELECT cc.case_id, c.code, c.short_name FROM "case_category" cc '
                   'JOIN "category" c ON c.id = cc.category_id').fetchall()


def row_spotcheck_draw(ctx: Context) -> None:
    """spotcheck draw: 30%, every village, stratified by village x category (reads only)."""
    from store.db import close_db, open_db
    from store.campaign.active import active_campaign_id
    from store.checks.spotcheck import DrawParams, draw

    open_db(ctx.db_path)
    cid = active_campaign_id()
    result = draw(DrawParams(seed=7), cid)
    took = median_of(lambda: draw(DrawParams(seed=7), cid), ctx.repeat)
    floor = median_of(_population_floor, ctx.repeat)
    close_db()
    ctx.rows.append(Row("spotcheck draw 30% (all villages)", took, "s", floor, "well under 1 s",
                        {"population": result.population, "sample": len(result.sample), "strata": len(result.strata)}))


def row_auto_assign_preview(ctx: Context) -> None:
    """preview_auto_assign of the biggest village (reads only)."""
    from store.db import close_db, open_db
    from store.schema import db
    from store.town.zone_match import preview_auto_assign

    open_db(ctx.db_path)
    vid, name, cases = _biggest_village()
    took = median_of(lambda: preview_auto_assign(vid), ctx.repeat)
    floor = median_of(lambda: db.execute_sql(
        'SELECT c.id, p.address FROM "case" c JOIN "person" p ON p.id = c.person_id WHERE p.village_id = ?',
        (vid,)).fetchall(), ctx.repeat)
    close_db()
    ctx.rows.append(Row("auto-assign preview (biggest village)", took, "s", floor, "well under 1 s",
                        {"village": name, "cases": cases}))


def row_workload(ctx: Context) -> None:
    """Workload of every member (cases, visited, overdue, not contacted for 30 days); no target."""
    from store.db import close_db, open_db
    from store.town.members import workload
    from store.cases.overdue import overdue_items
    from store.campaign.active import active_campaign_id

    open_db(ctx.db_path)
    cid = active_campaign_id()
    took = median_of(lambda: workload(cid), ctx.repeat)
    floor = median_of(lambda: overdue_items(cid), ctx.repeat)
    close_db()
    ctx.rows.append(Row("member workload (all members)", took, "s", floor, "floor: overdue_items alone"))


ROWS = [row_spotcheck_draw, row_auto_assign_preview, row_workload]
