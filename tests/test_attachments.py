"""Attachments (照片、佐证材料): the managed folder, soft delete, the folder preview, and backups that
carry the files (backup, restore latest, check)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from typer.testing import CliRunner

from main import app
from store.cases import attach_folder
from store.cases import attachments
from store.db import close_db, open_db
from store.errors import StoreError, ValidationError
from store.schema import Attachment, AuditLog, Case, Contact, Person

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photo(folder, name: str, tag: bytes):
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(PNG + tag)
    return path


def cli(*args):
    result = runner.invoke(app, [str(a) for a in args])
    close_db()
    return result


def test_three_photos_of_a_visit_survive_backup_delete_and_restore(tmp_path):
    db_file, backups = tmp_path / "town.db", tmp_path / "备份"
    assert cli("--db", db_file, "demo").exit_code == 0
    open_db(db_file)
    case = Case.select().where(Case.status == "待排查").first()
    from store.cases.cases import record_contact

    visit = record_contact(case.id, kind="入户走访", date=dt.date.today(), findings="入户拍照").id
    close_db()
    shots = [photo(tmp_path / "微信", f"入户{i}.jpg", bytes([i])) for i in range(3)]
    added = cli("--db", db_file, "attach", "add", *shots, "--contact", visit)
    assert added.exit_code == 0 and added.output.count("已添加附件") == 3
    managed = tmp_path / "town-附件"
    if os.name == "posix":
        assert managed.stat().st_mode & 0o777 == 0o700
        assert all(p.stat().st_mode & 0o777 == 0o600 for p in managed.rglob("*.jpg"))
    assert cli("--db", db_file, "backup", "--dir", backups).exit_code == 0
    assert len(list((backups / "附件").rglob("*.jpg"))) == 3
    hashed = []  # a second backup does not hash the photos the first one copied and verified
    real = attachments.sha256_of
    attachments.sha256_of = lambda path: hashed.append(path) or real(path)
    try:
        assert cli("--db", db_file, "backup", "--dir", backups).exit_code == 0
    finally:
        attachments.sha256_of = real
    assert [p for p in hashed if p.suffix == ".jpg"] == []
    for p in tmp_path.glob("town.db*"):
        p.unlink()
    shutil.rmtree(managed)
    restored = cli("--db", db_file, "restore", "latest", "--dir", backups, "--yes")
    assert restored.exit_code == 0, restored.output
    assert cli("--db", db_file, "check").exit_code == 0
    open_db(db_file)
    try:
        rows = list(Attachment.select().where(Attachment.contact == visit))
        assert sorted(r.name for r in rows) == ["入户0.jpg", "入户1.jpg", "入户2.jpg"]
        assert all(attachments.file_of(r.id).read_bytes().startswith(PNG) for r in rows)
        damaged = attachments.file_of(rows[0].id)
    finally:
        close_db()
    damaged.write_bytes(b"not the photo")
    report = cli("--db", db_file, "check")
    assert report.exit_code == 1 and "附件文件已损坏" in report.output and "入户0.jpg" in report.output


def test_kinds_sizes_soft_delete_and_the_viewer(demo_db, tmp_path, monkeypatch):
    case = Case.select().first()
    with pytest.raises(ValidationError, match="不能添加这种文件"):
        attachments.attach(photo(tmp_path, "名单.exe", b"x"), case_id=case.id)
    big = tmp_path / "大.pdf"
    with big.open("wb") as fh:
        fh.truncate(attachments.MAX_BYTES + 1)
    with pytest.raises(ValidationError, match="不超过 20 MB"):
        attachments.attach(big, case_id=case.id)
    row = attachments.attach(photo(tmp_path, "低保申请.jpg", b"a"), case_id=case.id)
    again = attachments.attach(photo(tmp_path / "副本", "低保申请.jpg", b"a"), case_id=case.id)
    assert row.sha256 == again.sha256 and len(list((tmp_path / "demo-附件").rglob("*.jpg"))) == 1
    attachments.delete_attachment(row.id)
    assert [r.id for r in attachments.case_attachments(case.id)] == [again.id]
    attachments.restore_attachment(row.id)
    assert len(attachments.case_attachments(case.id)) == 2
    actions = [a.action for a in AuditLog.select().where(AuditLog.table == "attachment", AuditLog.row_id == row.id)]
    assert actions == ["create", "delete", "restore"]
    monkeypatch.setattr(attachments.sys, "platform", "linux")
    monkeypatch.setattr(attachments.shutil, "which", lambda _name: None)
    with pytest.raises(StoreError, match="没有可以打开文件的程序"):
        attachments.open_with_system(attachments.file_of(row.id))


def test_folder_preview_writes_nothing_and_apply_attaches_the_matches(demo_db, tmp_path):
    people = list(Person.select().join(Case).where(Person.id_number.is_null(False)).limit(40))
    by_name = next(p for p in people if sum(q.name == p.name for q in Person.select()) == 1)
    by_tail = next(p for p in people if p.id != by_name.id)
    folder = tmp_path / "后龙村照片"
    photo(folder, f"{by_name.name}入户1.jpg", b"1")
    photo(folder, f"{by_tail.id_number[-6:]}.png", b"2")
    photo(folder, "风景.jpg", b"3")
    photo(folder, "说明.txt", b"4")
    preview = attach_folder.preview_folder(folder)
    assert Attachment.select().count() == 0
    matched = {m.path.name: (m.case_id, m.how) for m in preview.matched}
    assert matched[f"{by_name.name}入户1.jpg"][1] == "姓名"
    assert matched[f"{by_tail.id_number[-6:]}.png"] == (by_tail.cases[0].id, "身份证号后6位")
    assert {m.path.name: m.how for m in preview.left} == {"风景.jpg": "未匹配", "说明.txt": "不能添加"}
    assert attach_folder.apply(preview.matched) == 2
    assert Attachment.select().where(Attachment.case == by_tail.cases[0].id).count() == 1
    assert Contact.select().count() > 0  # the visits are untouched


def test_a_persons_history_shows_their_attachments_and_visit_people(demo_db, tmp_path):
    from store.safety import history
    from store.cases.cases import record_contact
    from store.schema import Member
    from tui.history_text import label

    case = Case.select().where(Case.status == "待排查").first()
    member = Member.select().first()
    record_contact(case.id, kind="入户走访", date=dt.date.today(), member_ids=[member.id])
    attachments.attach(photo(tmp_path, "入户.jpg", b"h"), case_id=case.id)
    changes = history.person_history(case.person_id)
    labels = {c.table_label for c in changes}
    assert {"附件", "走访参加人员", "走访/回访"} <= labels
    assert label("found_how", "case_origin") == "发现方式" and label("name", "attachment") == "文件名"
