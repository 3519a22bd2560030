"""The written report (.docx) read back with python-docx, and the progress table printed to PDF
through LibreOffice headless (skipped where LibreOffice is not installed)."""

from __future__ import annotations

import shutil
import subprocess

import docx
import pytest

from exports.common import write_export
from exports.report_docx import SECTIONS
from store.export_rows import export_scope, problem_rows
from store.queries import active_campaign
from store.schema import Benefit, Case, Person
from store.stats import town_totals, village_progress
from tests.conftest import DEMO_TODAY

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _report(tmp_path, **kw):
    path = tmp_path / "报告.docx"
    result = write_export("report", path, as_of=DEMO_TODAY, **kw)
    return result, docx.Document(path)


def _east_asia_font(paragraph):
    rfonts = paragraph.runs[0]._element.rPr.find(f"{W}rFonts")
    return rfonts.get(f"{W}eastAsia")


def test_town_report_structure_and_figures(tmp_path, demo_db):
    result, doc = _report(tmp_path)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == f"后龙镇关于{active_campaign().name}工作情况的报告"
    assert _east_asia_font(doc.paragraphs[0]) == "方正小标宋简体"
    headings = [f"{n}、{s}" for n, s in zip("一二三四五六", SECTIONS)]
    positions = [texts.index(h) for h in headings]
    assert positions == sorted(positions)
    assert {_east_asia_font(doc.paragraphs[i]) for i in positions} == {"黑体"}
    body = doc.paragraphs[positions[0] + 1]
    assert _east_asia_font(body) == "仿宋_GB2312"
    total = town_totals(village_progress(active_campaign().id, DEMO_TODAY))
    full = "\n".join(texts)
    assert f"纳入排查范围的对象共{total.listed}人" in full
    assert f"已入户走访或电话回访{total.visited}人，走访率{total.visit_rate * 100:.1f}%" in full
    assert f"新纳入低保{total.new_dibao}人" in full and f"{total.temp_amount:,.2f}元" in full
    problems = problem_rows(export_scope(None, None, DEMO_TODAY))
    assert f"共发现问题{len(problems)}个" in full and "截至2026年11月29日" in full
    table = doc.tables[0]
    assert table.rows[0].cells[0].text == "村（居）" and table.rows[-1].cells[0].text == "合计"
    assert table.rows[-1].cells[1].text == str(total.listed) and len(table.rows) == 2 + 12
    assert result.rows > 6


def test_village_report_and_no_child_names(tmp_path, demo_db):
    case = Case.select().join(Person).where(Case.status == "已纳入", Person.village == 2).first()
    Person.update(name="童保密").where(Person.id == case.person_id).execute()
    Benefit.create(case=case, type="事实无人抚养儿童", status="纳入", status_on=DEMO_TODAY)
    _, doc = _report(tmp_path, villages=["上西村"])
    full = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text.startswith("后龙镇上西村关于") and not doc.tables
    row = next(r for r in village_progress(active_campaign().id, DEMO_TODAY) if r.name == "上西村")
    assert f"纳入排查范围的对象共{row.listed}人" in full and "共涉及1个村（居）" in full
    assert f"孤儿和事实无人抚养儿童{row.new_children}人" in full and "童保密" not in full


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice (soffice) or pdftotext not installed")
def test_progress_prints_on_one_page_wide(tmp_path, demo_db):
    xlsx = tmp_path / "进度表.xlsx"
    write_export("progress", xlsx, as_of=DEMO_TODAY)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(xlsx)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "进度表.pdf"
    page1 = subprocess.run([PDFTOTEXT, "-layout", "-f", "1", "-l", "1", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    assert "后龙镇村（居）排查进度表" in page1 and "截至2026年11月29日" in page1
    assert "村（居）" in page1 and "满意度" in page1 and "备注" in page1  # first and last columns: one page wide
    for name in ("后龙村", "上西村", "峰前村"):
        assert name in page1
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout if shutil.which("pdfinfo") else ""
    assert "Pages:" not in info or int(info.split("Pages:")[1].split()[0]) == 1
