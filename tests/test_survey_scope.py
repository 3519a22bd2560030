"""`export survey --case N` with a case that does not exist, or belongs to another campaign, stops
with 「没有这个排查对象」 and writes no file (it used to write an empty form)."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from main import app
from store.db import close_db, open_db
from store.schema import Case

runner = CliRunner()


@pytest.fixture
def demo_file(tmp_path, demo_template):
    """A closed copy of the demo town for the CLI to open."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return path


def run(db, *args):
    result = runner.invoke(app, ["--db", str(db), "export", "survey", *args])
    close_db()
    return result


def test_an_unknown_case_writes_no_survey(demo_file, tmp_path):
    out = tmp_path / "入户调查表.docx"
    result = run(demo_file, "--out", str(out), "--case", "999999")
    assert result.exit_code == 1 and "没有这个排查对象：999999" in result.output
    assert not out.exists() and "Traceback" not in result.output


def test_a_case_of_another_campaign_writes_no_survey(demo_file, tmp_path):
    from store.campaign.campaigns import new_campaign

    open_db(demo_file)
    case = Case.select().where(Case.deleted_at.is_null()).first()
    case_id, own = case.id, case.campaign_id
    other = new_campaign(2027).id
    close_db()
    out = tmp_path / "入户调查表.docx"
    result = run(demo_file, "--out", str(out), "--case", str(case_id), "--campaign", str(other))
    assert result.exit_code == 1 and f"没有这个排查对象：{case_id}" in result.output
    assert not out.exists()
    result = run(demo_file, "--out", str(out), "--case", str(case_id), "--campaign", str(own))  # written
    assert result.exit_code == 0 and out.exists(), result.output
