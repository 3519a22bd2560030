"""A household of three with one listed person, on a database built the clerk's way: the report and
the progress table count 1 户 and 3 人, the case detail hints 低保边缘 from income and standard;
the 入户调查表 of one village prints one page per household."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest

from store.cases import assess
from store.cases import detail as case_detail
from store.db import close_db, open_db
from store.schema import Case, Person
from tests.day_one import dibao_list, ok
from tests.import_helpers import ident
from tests.day_one import start_day

TODAY = dt.date.today()
HEAD = ident(100, "19600101")  # 低保00号 of the 低保 list, in 后龙村
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def household_db(tmp_path):
    """Day one with the 低保 list; 低保00号 heads a household of three and is included in 低保 today."""
    db = str(tmp_path / "t.db")
    start_day(db)
    ok("--db", db, "import", str(dibao_list(tmp_path / "低保对象自付医疗费用名单.xlsx")[0]), "--category", "2",
       "--create-villages")
    ok("--db", db, "household", "set", HEAD, "--head", "本人")
    ok("--db", db, "household", "edit", HEAD, "--size", "3", "--income", "9000", "--housing", "砖木结构旧房")
    ok("--db", db, "campaign", "standard", "set", "农村", "600", "--since", f"{TODAY.year - 1}-01-01")
    open_db(Path(db))
    try:
        case = Case.select().join(Person).where(Person.id_number == HEAD).get()
        (b,) = assess.assess(case.id, "符合", benefit_types=["低保"], on=TODAY)
        assess.advance_benefit(b.id, "公示", on=TODAY)
        assess.advance_benefit(b.id, "审核确认", on=TODAY, note="县级审批要求当日确认")
        hints = case_detail.load(case.id, TODAY).hints
    finally:
        close_db()
    return db, tmp_path, hints


def test_report_and_progress_table_count_1_household_3_persons(household_db):
    db, tmp_path, hints = household_db
    assert any("低保边缘" in h and "该户3人" in h for h in hints)  # 750 a month: 600 <= 750 < 900
    shown = ok("--db", db, "household", "show", HEAD)
    assert "家庭人口：3人" in shown and "低保边缘" in shown and HEAD not in shown  # masked
    ok("--db", db, "export", "progress", "--out", str(tmp_path / "进度表.xlsx"))
    ws = openpyxl.load_workbook(tmp_path / "进度表.xlsx").active
    header = [str(c.value).replace("\n", "") for c in ws[3]]
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    assert (rows["后龙村"]["新纳入低保"], rows["后龙村"]["低保户/人"]) == (1, "1户3人")
    assert rows["合计"]["低保户/人"] == "1户3人"
    ok("--db", db, "export", "report", "--out", str(tmp_path / "报告.docx"))
    text = "".join(p.text for p in docx.Document(tmp_path / "报告.docx").paragraphs)
    assert "新纳入低保1户3人" in text


def _households_of(db: str, village: str) -> int:
    open_db(Path(db))
    try:
        from store.reports.survey_rows import survey_households
        from store.town.villages import find_village

        return len(survey_households(Case.select().first().campaign_id, (find_village(village).id,)))
    finally:
        close_db()


def test_survey_of_one_village_one_page_per_household(household_db):
    db, tmp_path, _ = household_db
    # a second listed person of 后龙村 joins the household: two listed persons, one page
    other = next(p for p in _persons(db, "后龙村") if p != HEAD)
    ok("--db", db, "household", "set", other, "--head", HEAD, "--relation", "配偶")
    ok("--db", db, "household", "add-member", HEAD, "--name", "低保子女", "--relation", "子女")
    households = _households_of(db, "后龙村")
    assert households == len(_persons(db, "后龙村")) - 1
    out = tmp_path / "入户调查表.docx"
    ok("--db", db, "export", "survey", "--village", "后龙村", "--out", str(out))
    text = "\n".join(p.text for p in docx.Document(out).paragraphs)
    assert text.count("困难群众入户调查表") == households and "户主（签字或手印）" in text
    cells = " ".join(c.text for t in docx.Document(out).tables for r in t.rows for c in r.cells)
    assert "低保子女" in cells and "砖木结构旧房" in cells and HEAD not in cells and HEAD[:6] + "********" in cells
    blank = tmp_path / "空白.docx"
    ok("--db", db, "export", "survey", "--village", "后龙村", "--blank", "--out", str(blank))
    cells = " ".join(c.text for t in docx.Document(blank).tables for r in t.rows for c in r.cells)
    assert "低保子女" not in cells and "砖木结构旧房" not in cells


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) not installed")
def test_survey_prints_one_pdf_page_per_household(household_db):
    db, tmp_path, _ = household_db
    ok("--db", db, "household", "add-member", HEAD, "--name", "低保子女", "--relation", "子女")
    households = _households_of(db, "后龙村")
    out = tmp_path / "入户调查表.docx"
    ok("--db", db, "export", "survey", "--village", "后龙村", "--out", str(out))
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=180)
    data = (tmp_path / "入户调查表.pdf").read_bytes()
    assert households > 1 and len(re.findall(rb"/Type\s*/Page[^s]", data)) == households


def _persons(db: str, village: str) -> list[str]:
    open_db(Path(db))
    try:
        from store.schema import Village

        return [p.id_number for p in Person.select().join(Village).where(Village.name == village,
                                                                          Person.id_number.is_null(False))
                .order_by(Person.id)]
    finally:
        close_db()
