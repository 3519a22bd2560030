"""The written report (.docx) read back with python-docx, and the progress table printed to PDF
through LibreOffice headless (skipped where LibreOffice is not installed)."""

from __future__ import annotations

import re
import shutil
import subprocess

import docx
import pytest

from exports.common import write_export
from exports.report_docx import SECTIONS
from store.reports.export_rows import export_scope, problem_rows
from store.reports.queries import active_campaign
from store.schema import Benefit, Case, Person
from store.reports.stats import town_totals, village_progress
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
    name = active_campaign().name.replace("「", "“").replace("」", "”")
    assert texts[0] == f"后龙镇关于{name}工作情况的报告" and "“漏保”" in texts[0]
    assert _east_asia_font(doc.paragraphs[0]) == "方正小标宋简体"
    assert texts[1] == "泉港区民政局："  # 主送, from the district until the setting says otherwise
    headings = [f"{n}、{s}" for n, s in zip("一二三四五六七", SECTIONS)]
    positions = [texts.index(h) for h in headings]
    assert positions == sorted(positions)
    assert {_east_asia_font(doc.paragraphs[i]) for i in positions} == {"黑体"}
    body = doc.paragraphs[positions[0] + 1]
    assert _east_asia_font(body) == "仿宋_GB2312"
    total = town_totals(village_progress(active_campaign().id, DEMO_TODAY))
    full = "\n".join(texts)
    assert f"纳入排查范围的对象共{total.listed}人" in full
    assert f"已入户走访{total.visited}人，走访率{total.visit_rate * 100:.1f}%（只计入户走访）" in full
    assert f"另电话、微信或来访联系{total.called}人" in full
    assert f"新纳入低保{total.new_dibao}人" in full and f"{total.temp_amount:,.2f}元" in full
    problems = problem_rows(export_scope(None, None, DEMO_TODAY))
    assert f"共发现问题{len(problems)}个" in full and "截至2026年11月29日" in full
    assert "「" not in full and "」" not in full
    assert "自付" not in full.split("按排查重点分")[0] and "特困集中" not in full


def test_report_of_the_demo_reads_as_the_office_would_send_it(tmp_path, demo_db):
    import re

    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from store.checks import reviews

    _, doc = _report(tmp_path)
    texts = [p.text for p in doc.paragraphs]
    full = "\n".join(texts)
    # no sentence with a zero count: 「正在整改0个」, 「抽查0轮」, 「0人」
    assert not re.search(r"(?<![0-9.,])0(个|人|件|轮|户|人次)", full), re.findall(r".{12}(?<![0-9.,])0[个人件轮户].{4}", full)
    total = town_totals(village_progress(active_campaign().id, DEMO_TODAY))
    assert total.pending < total.eligible  # 符合 but already 纳入 or 办结 are not pending
    assert f"尚未纳入保障的{total.pending}人加快审核审批" in full
    assert "验收" in texts[texts.index("五、验收、测评和督导情况") + 1] and "满意度" in full
    noticed = [s for s in reviews.suggest_notices(active_campaign().id, DEMO_TODAY) if s.noticed_on]
    assert "通报" in full and all(f"对{s.village}加强督导" not in full for s in noticed)
    # 落款 and date: separate right-aligned paragraphs, after the body and before the 附表
    signer, day = doc.paragraphs[texts.index("后龙镇社会事务办")], doc.paragraphs[texts.index("2026年11月29日")]
    assert signer.alignment == day.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert "\n" not in signer.text and texts.index("2026年11月29日") < texts.index("附表")
    body = doc.element.body
    table = doc.tables[0]
    assert list(body).index(table._tbl) > list(body).index(day._p)
    assert table.rows[0].cells[0].text == "村（居）" and table.rows[-1].cells[0].text == "合计"
    assert table.rows[-1].cells[1].text == str(total.listed) and len(table.rows) == 2 + 12


def test_docx_prints_the_same_in_wps(tmp_path, demo_db):
    import zipfile

    _report(tmp_path)
    with zipfile.ZipFile(tmp_path / "报告.docx") as z:
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
        fonts = z.read("word/fontTable.xml").decode()
        settings = z.read("word/settings.xml").decode()
    assert len(footers) == 2 and "evenAndOddHeaders" in settings
    for xml in footers:  # PAGE field with a cached value between separate and end
        assert "PAGE" in xml and re.search(r'fldCharType="separate"/>.*?<w:t>[12]</w:t>.*?fldCharType="end"', xml)
        assert "— " in xml and " —" in xml
    assert 'jc w:val="right"' in footers[0] + footers[1] and 'jc w:val="left"' in footers[0] + footers[1]
    for font, alt in (("仿宋_GB2312", "仿宋"), ("方正小标宋简体", "宋体"), ("楷体_GB2312", "楷体")):
        assert re.search(f'w:name="{font}"><w:altName w:val="{alt}"/>', fonts)


def test_village_report_and_no_child_names(tmp_path, demo_db):
    case = Case.select().join(Person).where(Case.status == "已纳入", Person.village == 2).first()
    Person.update(name="童保密").where(Person.id == case.person_id).execute()
    Benefit.create(case=case, type="事实无人抚养儿童", status="纳入", status_on=DEMO_TODAY)
    _, doc = _report(tmp_path, villages=["上西村"])
    texts = [p.text for p in doc.paragraphs]
    full = "\n".join(texts)
    assert texts[0].startswith("后龙镇上西村关于") and not doc.tables
    row = next(r for r in village_progress(active_campaign().id, DEMO_TODAY) if r.name == "上西村")
    assert f"本村纳入排查范围的对象共{row.listed}人" in full
    assert "个村（居）" not in full and "受理" not in full  # no town-level sentences
    assert texts[1] == "后龙镇社会事务办：" and "上西村民委员会" in texts and "后龙镇社会事务办" not in texts
    assert f"孤儿和事实无人抚养儿童保障{row.new_children}人" in full and "童保密" not in full


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


def _pdf_pages(tmp_path, source) -> list[str]:
    """Convert with LibreOffice and return each page's text (spaces removed: pdftotext pads CJK)."""
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    text = subprocess.run([PDFTOTEXT, "-layout", str(source.with_suffix(".pdf")), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]


@pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice (soffice) or pdftotext not installed")
def test_report_prints_with_page_numbers_and_the_落款_beside_the_text(tmp_path, demo_db):
    _report(tmp_path)
    pages = _pdf_pages(tmp_path, tmp_path / "报告.docx")
    assert pages[0].startswith("后龙镇关于") and "泉港区民政局：" in pages[0]
    for i, page in enumerate(pages, 1):
        assert page.endswith(f"—{i}—"), page[-20:]  # cached PAGE values are replaced by the real ones
    signed = next(p for p in pages if "后龙镇社会事务办2026年11月29日" in p)
    assert "书面总结报告。" in signed  # the last body line is on the 落款's page
    assert "附表" in pages[-1] and "合计" in pages[-1]
