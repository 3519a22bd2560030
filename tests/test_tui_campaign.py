"""Pilot tests of the 整治工作 screen and of the welcome screen setting up this year's campaign
on an empty database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from store import settings
from store.campaign import campaigns
from store.schema import Campaign, Category, Phase
from store.campaign.active import active_campaign_id
from store.campaign.standards import dibao_standard
from tests.tui_helpers import settle, type_text
from tui.app import make_app
from tui.screens.campaign import CampaignScreen
from tui.screens.welcome import WelcomeScreen

TODAY = dt.date(2026, 11, 29)
SIZE = (100, 30)


def header(app) -> str:
    from tui.widgets.chrome import AppHeader

    return str(app.screen.query_one(AppHeader).render())


async def test_welcome_sets_up_this_years_campaign_first(db_path):
    app = make_app(db_path, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert "2022" not in header(app) and "已过" not in header(app)  # never the 2022 plan
        # The plan's dates moved to 2026 (21 July - 30 September) have passed by 29 November: the
        # proposal starts today, so a new install never opens on a campaign that has ended.
        assert app.screen.query_one("#welcome-camp-start").value == "2026-11-29"
        await type_text(pilot, "后龙镇")
        await pilot.press("enter")
        await type_text(pilot, "泉港区")
        await pilot.press("enter")
        await type_text(pilot, "王五")
        app.screen.query_one("#welcome-camp-start").focus()
        await pilot.press("end", "ctrl+u")  # the field was prefilled
        await type_text(pilot, "2026.13.1")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "没有这一日期" in str(app.screen.query_one("#welcome-camp-start-error").render())
        assert app.screen.query_one("#welcome-camp-start").value == "2026.13.1"  # typed text kept
        assert settings.get(settings.TOWN) is None  # nothing half-saved
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "2026年12月1日")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        camp = Campaign.get_by_id(active_campaign_id())
        assert camp.year == 2026 and settings.get(settings.TOWN) == "后龙镇"
        phases = list(Phase.select().where(Phase.campaign == camp.id).order_by(Phase.seq))
        assert phases[0].start == dt.date(2026, 12, 1) and camp.report_due == phases[-1].end  # moved along
        assert "2026年" in header(app) and "尚未开始" in header(app)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, CampaignScreen)
        assert app.screen.query_one("#cp-phases").row_count == 3


async def test_welcome_saved_before_opens_the_import_at_once(db_path):
    """Town and this year's campaign saved yesterday (or by `init`): today F8 works without Ctrl+S."""
    from store.town.villages import init_town
    from tui.screens.import_wizard import ImportWizard

    init_town("后龙镇", "泉港区", "王五")
    campaigns.start_this_year(TODAY)
    app = make_app(db_path, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)  # nothing imported yet
        await pilot.press("f8")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportWizard)


async def test_campaign_screen_edits_phases_and_header_follows(db_path):
    view = campaigns.start_this_year(TODAY)
    app = make_app(db_path, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(CampaignScreen())
        await settle(app, pilot)
        screen = app.screen
        name = screen.query_one("#cp-name")
        name.focus()
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "2026年漏保漏救整治")
        screen.query_one("#cp-phases").focus()
        await pilot.press("j")  # 谋划部署 below 推动落实: out of order
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "之后开始" in str(screen.query_one("#cp-phases-error").render())
        assert name.value == "2026年漏保漏救整治" and Campaign.get_by_id(view.id).name != "2026年漏保漏救整治"
        await pilot.press("k", "e")  # back up, then edit 谋划部署
        await settle(app, pilot)
        await pilot.press("tab", "tab", "end", "ctrl+u")
        await type_text(pilot, "2026-12-20")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        for row, (start, end) in enumerate((("2026-11-20", "2026-12-20"), ("2026-12-21", "2027-01-31"),
                                            ("2027-02-01", "2027-02-10"))):
            await edit_phase(app, pilot, row, start, end)
        app.screen.query_one("#cp-report_due").value = "2027-02-10"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        camp = Campaign.get_by_id(view.id)
        assert camp.name == "2026年漏保漏救整治" and camp.report_due == dt.date(2027, 2, 10)
        got = [(p.name, p.start) for p in Phase.select().where(Phase.campaign == view.id).order_by(Phase.seq)]
        assert got == [("谋划部署", dt.date(2026, 11, 20)), ("推动落实", dt.date(2026, 12, 21)),
                       ("总结评价", dt.date(2027, 2, 1))]
        assert "2026年漏保漏救整治" in header(app) and "谋划部署" in header(app)


async def edit_phase(app, pilot, row: int, start: str, end: str) -> None:
    """e on a phase row, new dates, Ctrl+S in the form."""
    table = app.screen.query_one("#cp-phases")
    table.focus()
    table.move_cursor(row=row)
    await pilot.press("e")
    await settle(app, pilot)
    form = app.screen
    form.query_one("#pf-start").value = start
    form.query_one("#pf-end").value = end
    await pilot.press("ctrl+s")
    await settle(app, pilot)


async def test_categories_standards_and_switching(db_path):
    view = campaigns.start_this_year(TODAY)
    older = campaigns.new_campaign(2025, "source", activate=False)
    app = make_app(db_path, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(CampaignScreen())
        await settle(app, pilot)
        app.screen.query_one("#cp-cats").focus()
        await pilot.press("a")
        await settle(app, pilot)
        await type_text(pilot, "2")  # a code in use
        await pilot.press("enter")
        await type_text(pilot, "新类别")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "代码不能重复" in str(app.screen.query_one("#kf-code-error").render())
        app.screen.query_one("#kf-code").value = "8"
        app.screen.query_one("#kf-threshold").value = "-1"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "不能是负数" in str(app.screen.query_one("#kf-threshold-error").render())
        app.screen.query_one("#kf-threshold").value = "4.2万"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        cat = Category.get((Category.campaign == view.id) & (Category.code == 8))
        assert cat.threshold == Decimal("42000.00") and isinstance(app.screen, CampaignScreen)
        cats = app.screen.query_one("#cp-cats")
        cats.focus()
        cats.move_cursor(row=cats.row_count - 1)
        await pilot.press("d", "y")  # no case yet: deleted
        await settle(app, pilot)
        assert Category.get_or_none(Category.id == cat.id) is None
        app.screen.query_one("#cp-std").focus()
        await pilot.press("a")
        await settle(app, pilot)
        await type_text(pilot, "900")
        await pilot.press("enter")
        await type_text(pilot, "2026-01-01")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert dibao_standard("城市", TODAY) == Decimal("900.00")
        assert app.screen.query_one("#cp-std").row_count == 1
        camps = app.screen.query_one("#cp-camps")
        camps.focus()
        camps.move_cursor(row=[c.id for c in campaigns.list_campaigns()].index(older.id))
        await pilot.press("c", "y")
        await settle(app, pilot)
        assert active_campaign_id() == older.id and "2025年" in header(app)
