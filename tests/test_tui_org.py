"""Pilot tests of the organisation screens: zones, spot checks, problems (driven by keys only)."""

from __future__ import annotations

import datetime as dt

from store.schema import Case, Person, Problem, Rectification, SpotCheck, SpotCheckRound, Village, Zone
from tests.conftest import DEMO_TODAY
from tests.tui_helpers import settle, type_text
from tui.app import make_app
from tui.screens.spotcheck_record import RecordScreen
from tui.screens.zone_preview import ZonePreviewScreen
from tui.screens.zones import ZonesScreen

SIZE = (100, 30)


def village_cases(village_id: int):
    """Live cases of a village with their person's zone."""
    return [(c.id, Person.get_by_id(c.person_id).zone_id) for c in
            Case.select().join(Person).where(Person.village == village_id, Case.deleted_at.is_null())]


async def add_zone(app, pilot, name: str, keywords: str, with_member: bool = False) -> None:
    """n, the name, (a member), the keywords, Ctrl+S."""
    await pilot.press("n")
    await settle(app, pilot)
    await type_text(pilot, name)
    await pilot.press("enter")  # to the member list
    if with_member:
        await pilot.press("enter", "down", "enter")
    await pilot.press("tab")
    await type_text(pilot, keywords)
    await pilot.press("ctrl+s")
    await settle(app, pilot)


def first_village() -> tuple[Village, int]:
    """The first village and how many zones it has."""
    village = Village.select().order_by(Village.seq).first()
    return village, Zone.select().where(Zone.village == village.id).count()


async def split_first_village(app, pilot, old: int | None = None) -> Village | None:
    """From the dashboard: open the first village, its zones, delete the old ones, add three."""
    village = None
    if old is None:
        village, old = first_village()
    await pilot.press("enter", "p")  # the village, then its 包片
    await settle(app, pilot)
    assert isinstance(app.screen, ZonesScreen)
    for _ in range(old):
        await pilot.press("d", "y")
        await settle(app, pilot)
    await add_zone(app, pilot, "北片", "北片")
    await add_zone(app, pilot, "新村", "新村", with_member=True)
    await add_zone(app, pilot, "南片", "南片、3组")
    return village


async def test_split_a_village_and_auto_assign_with_preview(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        village = await split_first_village(app, pilot)
        zones = {z.name: z for z in Zone.select().where(Zone.village == village.id)}
        assert sorted(zones) == ["北片", "南片", "新村"] and zones["新村"].member_id is not None
        assert all(zone is None for _c, zone in village_cases(village.id))  # deleting made them 未分片
        await pilot.press("p")
        await settle(app, pilot)
        preview = app.screen
        assert isinstance(preview, ZonePreviewScreen)
        assert len(preview.preview.changes) == len(village_cases(village.id))
        assert all(zone is None for _c, zone in village_cases(village.id))  # the preview wrote nothing
        await pilot.press("y", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, ZonesScreen)
    placed = village_cases(village.id)
    assert placed and all(zone in {zones["北片"].id, zones["新村"].id} for _c, zone in placed)
    new_village = [cid for cid, zone in placed if zone == zones["新村"].id]
    assert {Case.get_by_id(c).member_id for c in new_village} == {zones["新村"].member_id}


async def test_mark_rows_and_assign_them_to_a_zone(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter", "p")
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("tab")  # to the case table
        await pilot.press("space", "down", "space")
        await settle(app, pilot)
        browser = screen.query_one("#zn-cases")
        marked = sorted(browser.marked)
        assert len(marked) == 2
        target = browser.choices["zone"][-1]
        await pilot.press("a", *list(target.label), "enter", "y")
        await settle(app, pilot)
    zone = Zone.get_by_id(target.id)
    assert [Person.get_by_id(Case.get_by_id(c).person_id).zone_id for c in marked] == [zone.id, zone.id]


async def test_done_when_zones_spot_check_failure_becomes_a_problem(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = problems_by_village(app)
        village = await split_first_village(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        await pilot.press("y", "y")
        await settle(app, pilot)
        await pilot.press("f6", "n")  # spot checks, a new round
        await settle(app, pilot)
        await type_text(pilot, "王某")
        await pilot.press("tab", "space", "down", "space", "ctrl+s")  # the first two villages
        await settle(app, pilot)
        await pilot.press("ctrl+s")  # save the sample shown
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        await pilot.press("1", "1", "3", "1", "2")
        await settle(app, pilot)
        await type_text(pilot, "未入户走访台账缺照片")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        rnd = SpotCheckRound.select().order_by(SpotCheckRound.id.desc()).first()
        total = SpotCheck.select().where(SpotCheck.round == rnd.id).count()
        two = [v.id for v in Village.select().order_by(Village.seq).limit(2)]
        size = Case.select().join(Person).where(Person.village.in_(two)).count()
        assert abs(total - 0.3 * size) <= 1 and rnd.checker == "王某", rnd.params
        results = [s.result for s in SpotCheck.select().where(SpotCheck.round == rnd.id).order_by(SpotCheck.id)]
        assert sorted(r for r in results if r) == ["不合格", "合格", "合格", "合格", "无法核实"]
        problem = Problem.get(Problem.spot_check.in_(SpotCheck.select(SpotCheck.id).where(SpotCheck.round == rnd.id)))
        fix = Rectification.get(Rectification.problem == problem.id)
        assert problem.description == "未入户走访台账缺照片"
        assert fix.deadline == DEMO_TODAY + dt.timedelta(days=15)
        assert "2026-12-14" in str(app.screen.query_one("#rc-checks").get_row_at(4))
        await pilot.press("f7")  # 问题与整改
        await settle(app, pilot)
        rows = [app.screen.query_one("#pr-table").get_row_at(i) for i in range(app.screen.query_one("#pr-table").row_count)]
        mine = [r for r in rows if r[7] == "未入户走访台账缺照片"]
        assert len(mine) == 1 and str(mine[0][3]) == "剩15天"
        await pilot.press("f3")
        await settle(app, pilot)
        after = problems_by_village(app)
        assert after[problem.village_id] == before[problem.village_id] + 1 and village.id in after


def problems_by_village(app) -> dict[int, int]:
    """The dashboard's 问题 column by village id."""
    table = app.screen.query_one("#dash-villages")
    rows = app.screen.rows
    return {rows[key.value].id: int(table.get_row(key)[8]) for key in table.rows if key.value in rows}


async def test_an_overdue_rectification_shows_on_the_dashboard_and_opens_its_case(demo_db):
    from store.checks.spotcheck import DrawParams
    from store.checks.spotcheck_rounds import record_result, round_checks, save_round
    from tui.screens.case_detail import CaseDetailScreen

    rnd, _d = save_round(DrawParams(seed=3, count=2), date=DEMO_TODAY, checker="王某")
    check = round_checks(rnd.id)[0]
    record_result(check.check_id, "不合格", "台账不全", DEMO_TODAY)
    app = make_app(demo_db, today=DEMO_TODAY + dt.timedelta(days=16))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        late = app.screen.late
        mine = [k for k, item in late.items() if item.kind == "rectification" and item.case_id == check.case_id]
        assert len(mine) == 1 and late[mine[0]].days_over == 1
        await pilot.press("tab", *["down"] * int(mine[0]), "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.case_id == check.case_id
        assert "逾期1天" in str(app.screen.query_one("#cd-parts").render())


async def test_every_new_screen_opens_at_80x24(demo_db):
    from tui.screens.members import MembersScreen
    from tui.screens.problem_forms import RectificationForm
    from tui.screens.problems import ProblemsScreen
    from tui.screens.reviews import AcceptanceForm, ReviewsScreen
    from tui.screens.spotcheck import SpotCheckScreen
    from tui.screens.spotcheck_draw import DrawForm

    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for keys, screen in ((["ctrl+n"], MembersScreen), (["f6"], SpotCheckScreen), (["n"], DrawForm),
                             (["escape", "enter"], RecordScreen), (["f7"], ProblemsScreen), (["r"], RectificationForm),
                             (["escape", "f3", "enter", "p"], ZonesScreen), (["p"], ZonePreviewScreen),
                             (["escape", "escape", "r"], ReviewsScreen), (["a"], AcceptanceForm)):
            await pilot.press(*keys)
            await settle(app, pilot)
            assert isinstance(app.screen, screen), (keys, app.screen)


async def test_deleting_a_member_with_records_is_refused_in_chinese(demo_db):
    from store.schema import Member

    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        screen = app.screen
        while screen.current().name not in {m.name for m in Member.select().join(Case, on=(Case.member == Member.id))}:
            await pilot.press("down")
        busy = screen.current()
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert any("不能删除" in str(n.message) for n in app._notifications)
        assert Member.get_by_id(busy.id).active
        await pilot.press("t", "y")
        await settle(app, pilot)
    assert not Member.get_by_id(busy.id).active


async def test_a_cadre_is_set_for_a_village_from_the_member_list(demo_db):
    from store.schema import Member

    first = Village.select().order_by(Village.seq).first()
    other = Member.select().where(Member.role == "驻村干部", Member.id != first.cadre_id).order_by(Member.id).first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        while app.screen.current().id != other.id:
            await pilot.press("down")
        await pilot.press("c", *list(first.name), "enter")
        await settle(app, pilot)
    assert Village.get_by_id(first.id).cadre_id == other.id
