"""Values another tool wrote (impossible dates, text in date columns): exports and screens go on,
`check` lists them (issue 20, item 16)."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from main import app
from store.cases import detail as case_detail
from store.db import close_db, open_db
from store.cases.overdue import overdue_items
from store.schema import Case, Contact, Petition, db

runner = CliRunner()


def spoil(path) -> dict[str, int]:
    """Write impossible values straight into the file, as another tool would."""
    contact = Contact.select().order_by(Contact.id).first()
    petition = Petition.select().order_by(Petition.id).first()
    case = Case.select().where(Case.deleted_at.is_null()).order_by(Case.id).first()
    db.execute_sql("UPDATE contact SET date = '2026-02-30' WHERE id = ?", (contact.id,))
    db.execute_sql("UPDATE petition SET received = '昨天', notice_due = '2026-02-31' WHERE id = ?", (petition.id,))
    db.execute_sql("UPDATE \"case\" SET next_followup = '2026-13-01' WHERE id = ?", (case.id,))
    db.execute_sql("UPDATE rectification SET deadline = 45000 WHERE id = (SELECT min(id) FROM rectification)")
    return {"contact": contact.case_id, "petition": petition.case_id, "case": case.id}


def test_exports_screens_and_overdue_go_on_and_check_lists_the_values(demo_db, tmp_path):
    cases = spoil(demo_db)
    for case_id in cases.values():
        assert case_detail.load(case_id).case_id == case_id  # the detail screen's worker
    assert overdue_items(Case.get_by_id(cases["case"]).campaign_id, dt.date(2026, 11, 29)) is not None
    close_db()
    for kind, ext in (("ledger", "xlsx"), ("petitions", "xlsx"), ("report", "docx"), ("lists", "xlsx")):
        result = runner.invoke(app, ["--db", str(demo_db), "export", kind, "--out", str(tmp_path / f"{kind}.{ext}")])
        close_db()
        assert result.exit_code == 0, (kind, result.output)
    check = runner.invoke(app, ["--db", str(demo_db), "check"])
    assert check.exit_code == 1
    for where in ("contact 表的 date 列", "petition 表的 received 列", "petition 表的 notice_due 列",
                  "case 表的 next_followup 列", "rectification 表的 deadline 列"):
        assert f"无法识别的日期：{where}" in check.output, where
    assert "「2026-02-30」" in check.output and "已损坏" not in check.output
    open_db(demo_db)


def test_an_unrelated_edit_keeps_a_value_that_cannot_be_read(demo_db):
    """Nothing lost: the unreadable birth date stays as it was when the address is edited."""
    from store.people.people import update_person
    from store.schema import Person

    person = Person.select().where(Person.deleted_at.is_null()).order_by(Person.id).first()
    db.execute_sql("UPDATE person SET birth_date = '1990-02-30' WHERE id = ?", (person.id,))
    update_person(person.id, address="新地址 2 号")
    raw = db.execute_sql("SELECT birth_date, address FROM person WHERE id = ?", (person.id,)).fetchone()
    assert raw == ("1990-02-30", "新地址 2 号")


def test_the_case_detail_names_its_unreadable_dates(demo_db):
    cases = spoil(demo_db)
    hints = case_detail.load(cases["case"]).hints
    assert "下次跟进日期「2026-13-01」无法识别（其他软件写入），界面中按空白处理，请重新填写" in hints
    petition_hints = case_detail.load(cases["petition"]).hints
    assert any(h.startswith("信访受理日期「昨天」无法识别") for h in petition_hints)
    assert any(h.startswith("信访告知期限「2026-02-31」无法识别") for h in petition_hints)


def test_printouts_mark_an_unreadable_date_instead_of_a_blank(demo_db, tmp_path):
    import openpyxl

    cases = spoil(demo_db)
    name = Case.get_by_id(cases["case"]).person.name
    close_db()
    cells = {}
    for kind in ("ledger", "petitions"):
        out = tmp_path / f"{kind}.xlsx"
        result = runner.invoke(app, ["--db", str(demo_db), "export", kind, "--out", str(out)])
        close_db()
        assert result.exit_code == 0, result.output
        wb = openpyxl.load_workbook(out, read_only=True)
        cells[kind] = [[c for c in row] for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]
        wb.close()
    ledger_row = next(row for row in cells["ledger"] if name in row)
    assert "无法识别：2026-13-01" in ledger_row  # its 下次跟进
    petition_cells = [c for row in cells["petitions"] for c in row]
    assert "无法识别：昨天" in petition_cells
    open_db(demo_db)


def _report_text(path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_a_spot_check_round_dated_with_no_date_stays_in_the_export_and_the_report(demo_db, tmp_path):
    """Text sorts after every ISO date: the round was dropped by `date <= as-of` (0 rows exported)."""
    from store.reports.export_records import spotcheck_rows
    from store.reports.export_rows import export_scope

    first = db.execute_sql("SELECT min(id) FROM spot_check_round").fetchone()[0]
    db.execute_sql("INSERT INTO spot_check_round (campaign_id, date, checker, population, seed, created_at) "
                   "SELECT campaign_id, '2026-11-20', '第二轮', population, seed, created_at "
                   "FROM spot_check_round WHERE id = ?", (first,))
    second = db.execute_sql("SELECT max(id) FROM spot_check_round").fetchone()[0]
    db.execute_sql("INSERT INTO spot_check (round_id, case_id) SELECT ?, case_id FROM spot_check "
                   "WHERE round_id = ? ORDER BY id LIMIT 3", (second, first))
    before = len(spotcheck_rows(export_scope(None, None, dt.date(2026, 11, 29))))
    db.execute_sql("UPDATE spot_check_round SET date = 'x' WHERE id = ?", (first,))
    rows = spotcheck_rows(export_scope(None, None, dt.date(2026, 11, 29)))
    assert len(rows) == before
    assert [r.round_no for r in rows[:3]] == [1, 1, 1] and rows[0].checker == "第二轮"
    assert rows[-1].round_date == "无法识别：x" and rows[-1].round_no == 2  # ordered last
    close_db()
    out = tmp_path / "report.docx"
    result = runner.invoke(app, ["--db", str(demo_db), "export", "report", "--out", str(out), "--as-of", "2026-11-29"])
    close_db()
    assert result.exit_code == 0, result.output
    assert "开展抽查2轮" in _report_text(out)
    result = runner.invoke(app, ["--db", str(demo_db), "export", "spotcheck", "--out", str(tmp_path / "s.xlsx"),
                                 "--as-of", "2026-11-29"])
    assert result.exit_code == 0 and f"已导出{before}行" in result.output, result.output
    open_db(demo_db)


def test_a_home_visit_dated_with_no_date_counts_in_the_ledger(demo_db):
    """A case whose only 入户 is dated 「昨天」 showed 0 visits, a blank 最近入户 and lost its findings."""
    from store.cases.visits import HOME_VISIT
    from store.reports.export_records import ledger_rows
    from store.reports.export_rows import export_scope

    contact_id, case_id = db.execute_sql(
        "SELECT min(id), case_id FROM contact WHERE kind = ? AND deleted_at IS NULL GROUP BY case_id "
        "HAVING count(*) = 1 ORDER BY case_id LIMIT 1", (HOME_VISIT,)).fetchone()
    db.execute_sql("UPDATE contact SET date = '昨天', findings = '家中无人，邻居说外出务工' WHERE id = ?", (contact_id,))
    person = Case.get_by_id(case_id).person
    row = next(r for r in ledger_rows(export_scope(None, None, dt.date(2026, 11, 29)))
               if (r.person, r.id_number) == (person.name, person.id_number))
    assert (row.contacts, row.last_contact) == (1, "无法识别：昨天")
    assert row.home_findings == "家中无人，邻居说外出务工"


def test_a_phase_dated_with_no_date_is_left_out_of_the_pace_rule(demo_db, tmp_path):
    """pace.py compared None <= date: progress, report, dashboard and the village screen crashed."""
    from store.campaign.campaigns import edit_campaign, get_campaign
    from store.checks.spotcheck import DrawParams
    from store.checks.spotcheck_rounds import save_round
    from store.errors import ValidationError
    from store.reports.dashboard import board, shell_info
    from store.schema import Campaign

    day = dt.date(2026, 11, 29)
    clean_board = board(Campaign.get(Campaign.active == True).id, day)  # noqa: E712
    db.execute_sql("UPDATE phase SET start = 'x' WHERE id = (SELECT min(id) FROM phase)")
    db.execute_sql("UPDATE phase SET \"end\" = 45000 WHERE id = (SELECT max(id) FROM phase)")
    camp = Campaign.get(Campaign.active == True)  # noqa: E712
    spoilt = board(camp.id, day)
    assert spoilt.pace.phase == clean_board.pace.phase == "推动落实"
    assert shell_info(day).phase == "推动落实"
    assert shell_info(dt.date(2026, 11, 1)).phase == "无法识别"  # perhaps the phase whose start is unknown
    assert save_round(DrawParams(seed=7), date=day)[1].sample  # the round's date check reads the phases
    view = get_campaign()
    assert view.phases[0].start is None and view.phases[0].name == "谋划部署"
    try:
        edit_campaign(camp.id, start="2026-10-21")
    except ValidationError as exc:
        assert "第1个阶段「谋划部署」的开始日期无法识别" in exc.message
    else:
        raise AssertionError("moved a schedule whose start cannot be read")
    close_db()
    for kind, ext in (("progress", "xlsx"), ("report", "docx")):
        result = runner.invoke(app, ["--db", str(demo_db), "export", kind, "--out", str(tmp_path / f"{kind}.{ext}"),
                                     "--as-of", "2026-11-29"])
        close_db()
        assert result.exit_code == 0, (kind, result.output)
    for args in (["info"], ["overdue"], ["campaign", "list"]):
        result = runner.invoke(app, ["--db", str(demo_db), *args])
        close_db()
        assert result.exit_code == 0, (args, result.output)
    shown = runner.invoke(app, ["--db", str(demo_db), "campaign", "show"])
    assert shown.exit_code == 0 and "无法识别" in shown.output and "None" not in shown.output, shown.output
    open_db(demo_db)


def test_the_phase_line_marks_a_date_it_cannot_read():
    from store.campaign.phases import StoredPhase
    from tui.screens.welcome import phase_line

    line = phase_line([StoredPhase("谋划部署", None, dt.date(2026, 11, 9))], None)
    assert line == "阶段：谋划部署 无法识别至11月9日"


def test_check_says_where_an_unreadable_date_is_marked(demo_db):
    spoil(demo_db)
    close_db()
    check = runner.invoke(app, ["--db", str(demo_db), "check"])
    line = next(x for x in check.output.splitlines() if "case 表的 next_followup 列" in x)
    assert "对象详情、整治工作的阶段和导出的台账、信访表、抽查记录中标为「无法识别」，其他地方按空白处理" in line, line
    open_db(demo_db)


def test_the_case_detail_leaves_out_deleted_rows(demo_db):
    contact = Contact.select().where(Contact.deleted_at.is_null()).order_by(Contact.id).first()
    db.execute_sql("UPDATE contact SET date = '2026-02-30', deleted_at = '2026-11-01 10:00:00' WHERE id = ?",
                   (contact.id,))
    assert not any("2026-02-30" in h for h in case_detail.load(contact.case_id).hints)


async def test_the_dashboard_and_campaign_screen_go_on_with_a_phase_date_that_cannot_be_read(demo_db):
    from tests.conftest import DEMO_TODAY
    from tests.tui_helpers import settle
    from tui.app import make_app
    from tui.screens.campaign import CampaignScreen
    from tui.screens.dashboard import DashboardScreen

    db.execute_sql("UPDATE phase SET start = 'x' WHERE id = (SELECT min(id) FROM phase)")
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        app.push_screen(CampaignScreen())
        await settle(app, pilot)
        table = app.screen.query_one("#cp-phases")
        assert [str(c) for c in table.get_row_at(0)][1:3] == ["谋划部署", "无法识别"]
        await pilot.press("ctrl+s")  # the phase must be typed again before the campaign is saved
        await settle(app, pilot)
        assert "第1个阶段的开始日期" in str(app.screen.query_one("#cp-phases-error").render())
    assert db.execute_sql("SELECT start FROM phase WHERE id = (SELECT min(id) FROM phase)").fetchone() == ("x",)
