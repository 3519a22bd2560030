"""Printed papers the district accepts: 内部资料 marks, the 村级公示表 as the 低保 rules allow, complete
tables with sign-off lines, the paper settings."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from exports.common import write_export
from store.reports import paper
from store.errors import ValidationError
from store.schema import Benefit, Case, Contact, Person
from tests.conftest import DEMO_TODAY

PRINTED = dt.date(2026, 11, 30)
ID_LIKE = re.compile(r"\d{6}(\*{8}|\d{8})\d{3}[\dX]")
PHONE_LIKE = re.compile(r"1[3-9]\d(\*{4}|\d{4})\d{4}")


def _export(tmp_path, kind, **kw):
    path = tmp_path / f"{kind}.xlsx"
    write_export(kind, path, as_of=DEMO_TODAY, print_date=PRINTED, **kw)
    return openpyxl.load_workbook(path)


def _texts(wb) -> list[str]:
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_three_lists_are_internal_papers(tmp_path, demo_db):
    wb = _export(tmp_path, "lists")
    for ws in wb.worksheets:
        assert ws["A2"].value.startswith("内部资料（注意保管，不得张贴或外传）"), ws.title
        assert ws.oddHeader.left.text == "内部资料"
    assert not any("公示" in t for t in _texts(wb))
    assert "“漏保”“漏救”" in wb.worksheets[0]["A2"].value  # 公文 quotes on paper


def _included(case, btype, name):
    Person.update(name=name).where(Person.id == case.person_id).execute()
    Benefit.create(case=case, type=btype, status="纳入", status_on=DEMO_TODAY, amount=500)


def test_village_notice_posts_only_what_the_rules_allow(tmp_path, demo_db):
    cases = list(Case.select().join(Person).where(Person.village == 1).order_by(Case.id).limit(4))
    _included(cases[0], "低保", "成年甲")
    _included(cases[1], "事实无人抚养儿童", "儿童乙")
    _included(cases[2], "低保", "未成年丙")
    Person.update(birth_date=DEMO_TODAY - dt.timedelta(days=365 * 10)).where(Person.id == cases[2].person_id).execute()
    _included(cases[3], "低保单人户", "单人丁")
    Person.update(disability_category=6, disability_grade=2, phone="13812345678").where(
        Person.id == cases[3].person_id).execute()
    paper.set_paper(paper.SUPERVISION_PHONE, "0595-87000000")
    wb = _export(tmp_path, "notice", villages=["后龙村"], mask=False)
    texts = _texts(wb)
    ws = wb["后龙村"]
    assert [c.value for c in ws[3]] == ["序号", "申请人姓名", "家庭人口", "救助类别", "救助金额（元）"]
    assert "成年甲" in texts and "单人丁" in texts
    assert "儿童乙" not in texts and "未成年丙" not in texts  # never a minor or a child's benefit
    joined = "\n".join(texts)
    assert not ID_LIKE.search(joined) and not PHONE_LIKE.search(joined.replace("0595-87000000", ""))
    for word in ("残疾", "单人户", "病", "孤儿", "事实无人抚养", "身份证", "电话号码", "内部资料"):
        assert word not in joined, word
    assert "公示期：2026年11月30日至2026年12月6日（7天）" in texts and "监督电话：0595-87000000" in joined


def test_ledger_has_address_visits_and_sign_off(tmp_path, demo_db):
    case = Case.select().join(Person).where(Person.village == 2).order_by(Case.id).first()
    Contact.create(case=case, kind="入户走访", date=DEMO_TODAY, findings="家中两位老人，收入低")
    Contact.create(case=case, kind="电话回访", date=DEMO_TODAY, findings="电话里说的")
    Person.update(household_code="H1").where(Person.id == case.person_id).execute()
    paper.set_paper(paper.PREPARER, "王制表")
    paper.set_paper(paper.REVIEWER, "李审核")
    wb = _export(tmp_path, "ledger", villages=["上西村"])
    ws = wb["上西村"]
    header = [str(c.value).replace("\n", "") for c in ws[3]]
    for column in ("住址", "家庭人口", "入户走访情况", "走访人"):
        assert column in header
    name = case.person.name
    row = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[1] == name)
    assert row[header.index("入户走访情况")] == "家中两位老人，收入低"  # the home visit, not the call
    assert row[header.index("家庭人口")] == 1
    texts = _texts(wb)
    assert "制表人：王制表        审核人：李审核        日期：2026年11月30日" in texts and "（盖章）" in texts
    assert ws["A2"].value.startswith("内部资料")


@pytest.mark.parametrize("kind", ["progress", "lists", "ledger", "spotcheck", "petitions", "notice"])
def test_every_table_ends_with_sign_off(tmp_path, demo_db, kind):
    wb = _export(tmp_path, kind)
    for ws in wb.worksheets:
        values = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
        assert values[-1] == "（盖章）" and str(values[-2]).startswith("制表人："), (kind, ws.title)
        assert ws.row_dimensions[ws.max_row].height >= 50  # room for the seal


def test_paper_settings_checked_and_defaulted(db_path):
    from store import settings

    settings.put(settings.DISTRICT, "泉港区")
    assert paper.paper_settings()[paper.REPORT_TO] == "泉港区民政局"
    with pytest.raises(ValidationError, match="监督电话"):
        paper.set_paper(paper.SUPERVISION_PHONE, "打电话")
    paper.set_paper(paper.REPORT_TO, "泉港区民政局社会救助科")
    assert paper.paper_settings()[paper.REPORT_TO] == "泉港区民政局社会救助科"
    with pytest.raises(ValidationError):  # checked before anything is written
        paper.save_paper({paper.REPORT_TO: "别的单位", paper.SUPERVISION_PHONE: "abc"})
    assert paper.paper_settings()[paper.REPORT_TO] == "泉港区民政局社会救助科"


async def test_paper_form_from_the_export_screen(demo_db, tmp_path, monkeypatch):
    from textual.widgets import Input

    from tests.tui_helpers import settle, type_text
    from tui.app import make_app
    from tui.screens import export as export_screen
    from tui.screens.export import ExportScreen
    from tui.screens.paper_form import PaperForm

    monkeypatch.setattr(export_screen, "documents_dir", lambda: tmp_path)
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert isinstance(app.screen, PaperForm)
        await type_text(pilot, "泉港区民政局社会救助科")
        app.screen.query_one("#pf-supervision_phone", Input).value = "打电话"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, PaperForm)  # the bad phone stays on screen with its reason
        assert "监督电话格式不对" in str(app.screen.query_one("#pf-supervision_phone-error").render())
        assert app.screen.query_one("#pf-report_to", Input).value == "泉港区民政局社会救助科"
        app.screen.query_one("#pf-supervision_phone", Input).value = "0595-87000000"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportScreen)
    values = paper.paper_settings()
    assert values[paper.REPORT_TO] == "泉港区民政局社会救助科" and values[paper.SUPERVISION_PHONE] == "0595-87000000"


def test_paper_command_sets_and_shows(tmp_path):
    from typer.testing import CliRunner

    from main import app
    from store.db import close_db

    db = str(tmp_path / "t.db")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "init", "--town", "后龙镇", "--district", "泉港区"]).exit_code == 0
    close_db()
    result = runner.invoke(app, ["--db", db, "paper", "--phone", "0595-87000000", "--reviewer", "陈明"])
    close_db()
    assert result.exit_code == 0 and "监督电话：0595-87000000" in result.output and "审核人：陈明" in result.output
    assert "主送单位：泉港区民政局" in result.output
    bad = runner.invoke(app, ["--db", db, "paper", "--phone", "打电话"])
    close_db()
    assert bad.exit_code == 1 and "监督电话格式不对" in bad.output and "Traceback" not in bad.output
