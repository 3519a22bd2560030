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
