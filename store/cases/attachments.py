"""Attachments (照片、佐证材料) of contacts, cases and rectifications, and the files behind them.

A file is copied into a managed folder beside the database (``<库名>-附件``, owner-only), named by
its content hash (``ab/ab12...ef.jpg``); the original name is kept in the row. Rows are audited and
soft-deleted like contacts. Backups carry the files in ``附件`` beside the database copies (shared by
every generation, each file written once and verified by hash); restore brings back the ones the
restored database names; check reports missing or damaged ones.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from store import audit
from store.errors import NotFound, StoreError, ValidationError
from store.fsio import os_error_text
from store.schema import Attachment, Case, Contact, Problem, Rectification, db

MAX_BYTES = 20 * 1024 * 1024  # 20 MB a file: a phone photo is 2-8 MB, a scanned PDF a few MB
KINDS = {".jpg": "照片", ".jpeg": "照片", ".png": "照片", ".heic": "照片",
         ".pdf": "扫描件", ".docx": "文档", ".xlsx": "表格"}
BACKUP_SUBDIR = "附件"


def folder(db_path: str | os.PathLike | None = None) -> Path:
    """The managed folder of a database: ``<库名>-附件`` beside the file."""
    path = Path(db_path or db.database)
    return path.with_name(f"{path.stem}-附件")


def relative(sha: str, name: str) -> Path:
    """Where a file lives inside a managed (or backup) folder: by hash, with its suffix."""
    return Path(sha[:2]) / f"{sha}{Path(name).suffix.lower()}"


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of a file's content."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _private_dir(path: Path) -> None:
    """Create a folder (and parents) owner-only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)


def copy_verified(src: Path, dst: Path, sha: str) -> None:
    """Copy src to dst (``<folder>/ab/<hash>.jpg``) through a temp file, owner-only; refuse a copy whose
    hash differs."""
    _private_dir(dst.parent.parent)
    _private_dir(dst.parent)
    tmp = dst.with_name(dst.name + ".tmp")
    try:
        shutil.copyfile(src, tmp)
        if os.name == "posix":
            os.chmod(tmp, 0o600)
        if sha256_of(tmp) != sha:
            raise StoreError(f"附件复制后校验不一致：{src.name}")
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def check_file(src: str | os.PathLike) -> Path:
    """A file that may be attached: exists, a known kind, not too large; Chinese errors otherwise."""
    path = Path(str(src).strip().strip('"')).expanduser()
    if not path.is_file():
        raise ValidationError(f"找不到文件：{path}", field="file")
    if path.suffix.lower() not in KINDS:
        raise ValidationError(f"不能添加这种文件（{path.suffix or '无扩展名'}）：只收照片 jpg、png、heic，"
                              "扫描件 pdf，文档 docx、xlsx", field="file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ValidationError(f"文件太大（{size / 1048576:.1f} MB）：每个附件不超过 {MAX_BYTES // 1048576} MB", field="file")
    if size == 0:
        raise ValidationError(f"文件是空的：{path.name}", field="file")
    return path


def _owner(case_id: int | None, contact_id: int | None, rectification_id: int | None) -> int | None:
    """The case an attachment belongs to (a contact's, a rectification's problem's); checks the target."""
    if sum(x is not None for x in (case_id, contact_id, rectification_id)) != 1:
        raise ValidationError("附件要添加到一条走访记录、一个排查对象或一条整改中的一个")
    if contact_id is not None:
        contact = Contact.get_or_none(Contact.id == contact_id)
        if contact is None or contact.deleted_at:
            raise NotFound("找不到该走访记录（可能已被删除）")
        return contact.case_id
    if rectification_id is not None:
        fix = Rectification.get_or_none(Rectification.id == rectification_id)
        if fix is None:
            raise NotFound("找不到该整改记录")
        return Problem.get_by_id(fix.problem_id).case_id
    case = Case.get_or_none(Case.id == case_id)
    if case is None or case.deleted_at:
        raise NotFound("找不到该排查对象（可能已被删除）")
    return case.id


def attach(src: str | os.PathLike, *, case_id: int | None = None, contact_id: int | None = None,
           rectification_id: int | None = None, note: str | None = None) -> Attachment:
    """Copy a file into the managed folder and record it (audited); the original is left alone."""
    path = check_file(src)
    owner = _owner(case_id, contact_id, rectification_id)
    try:
        sha = sha256_of(path)
        target = folder() / relative(sha, path.name)
        if not (target.is_file() and sha256_of(target) == sha):
            copy_verified(path, target, sha)
    except OSError as exc:
        raise StoreError(f"无法复制附件（{os_error_text(exc, path=False)}）：{path.name}") from exc
    with db.atomic():
        row = Attachment.create(case=owner, contact=contact_id, rectification=rectification_id, sha256=sha,
                                name=path.name, size=path.stat().st_size, note=(note or "").strip() or None,
                                operator=audit.current_operator())
        audit.log_row("create", row)
    return row


@dataclass(frozen=True)
class AttachmentRow:
    """One attachment as the lists show it."""

    id: int
    name: str
    size: int
    added: str
    to: str  # 对象 / 走访 2026-12-01 / 整改
    deleted: bool

    @property
    def size_text(self) -> str:
        """1.2 MB / 35 KB."""
        return f"{self.size / 1048576:.1f} MB" if self.size >= 1048576 else f"{max(1, self.size // 1024)} KB"


def case_attachments(case_id: int, *, deleted: bool = False) -> list[AttachmentRow]:
    """A case's attachments (its own, its contacts', its rectifications'), newest first."""
    q = Attachment.select().where(Attachment.case == case_id)
    if not deleted:
        q = q.where(Attachment.deleted_at.is_null())
    days = {c.id: c for c in Contact.select(Contact.id, Contact.date, Contact.kind)
            .where(Contact.case == case_id)}
    out = []
    for a in q.order_by(Attachment.created_at.desc(), Attachment.id.desc()):
        c = days.get(a.contact_id)
        to = f"{c.kind} {c.date}" if c else ("整改" if a.rectification_id else "对象")
        out.append(AttachmentRow(a.id, a.name, a.size, f"{a.created_at:%Y-%m-%d}", to, bool(a.deleted_at)))
    return out


def attachment_targets(case_id: int) -> list[tuple[str, tuple[str, int]]]:
    """What a file of the case can go to besides the case, for the 添加附件 picker: its live visits
    (newest first), then the rectifications of its live problems, as (label, (kind, id)); two
    queries whatever their number (the problem's text comes in the join)."""
    contacts = [(f"{c.kind} {c.date}", ("contact", c.id)) for c in
                Contact.select(Contact.id, Contact.kind, Contact.date)
                .where(Contact.case == case_id, Contact.deleted_at.is_null())
                .order_by(Contact.date.desc(), Contact.id.desc())]
    fixes = [(f"整改：{r.problem.description[:12]}", ("rectification", r.id)) for r in
             Rectification.select(Rectification.id, Problem.id, Problem.description).join(Problem)
             .where(Problem.case == case_id, Problem.deleted_at.is_null()).order_by(Rectification.id)]
    return contacts + fixes


def file_of(attachment_id: int) -> Path:
    """The managed file of an attachment; a Chinese error when it is missing or damaged."""
    a = Attachment.get_or_none(Attachment.id == attachment_id)
    if a is None:
        raise NotFound("找不到该附件")
    path = folder() / relative(a.sha256, a.name)
    if not path.is_file():
        raise StoreError(f"附件文件不见了：{a.name}（应在 {path}）。可以运行 `restore latest` 从备份找回")
    if sha256_of(path) != a.sha256:
        raise StoreError(f"附件文件已损坏：{a.name}。可以运行 `restore latest` 从备份找回")
    return path


def open_with_system(path: Path) -> None:
    """Open a file with the system viewer; a Chinese error when there is none."""
    try:
        if sys.platform.startswith("win"):
            os.startfile(str(path))  # type: ignore[attr-defined]  # noqa: S606
            return
        viewer = "open" if sys.platform == "darwin" else "xdg-open"
        if shutil.which(viewer) is None:
            raise StoreError(f"本机没有可以打开文件的程序（{viewer}），文件在：{path}")
        subprocess.Popen([viewer, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,  # noqa: S603
                         start_new_session=True)
    except OSError as exc:
        raise StoreError(f"无法打开文件（{os_error_text(exc, path=False)}）：{path}") from exc


def delete_attachment(attachment_id: int) -> Attachment:
    """Soft-delete an attachment (the file stays, so it can be restored)."""
    from store.cases.cases import set_deleted

    return set_deleted(Attachment, attachment_id, restore=False)


def restore_attachment(attachment_id: int) -> Attachment:
    """Restore a soft-deleted attachment."""
    from store.cases.cases import set_deleted

    return set_deleted(Attachment, attachment_id, restore=True)


# Backups, restore and check work on database files through sqlite3 (not the open peewee database).

def _rows(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """(sha256, name) of every attachment row, deleted ones too (they may be restored)."""
    try:
        return con.execute('SELECT DISTINCT sha256, name FROM "attachment"').fetchall()
    except sqlite3.OperationalError:
        return []  # a database from before the attachment table


def _rows_of(db_file: Path) -> list[tuple[str, str]]:
    """The attachment rows of a database file, read-only."""
    con = sqlite3.connect(f"file:{quote(db_file.as_posix(), safe='/:')}?mode=ro&immutable=1", uri=True)  # no -wal/-shm beside it
    try:
        return _rows(con)
    finally:
        con.close()


def back_up_files(db_path: Path, backup_file: Path) -> int:
    """Copy the files the backup's rows name into ``附件`` beside it, each verified; the count copied.

    A file already there is kept (every generation shares the folder): it was verified by its hash
    when an earlier backup copied it and its name is that hash, so only its size is compared here -
    hashing every photo again at each backup would outlast the backup made on closing. A file missing
    or damaged at the source stops the backup's success with a Chinese message."""
    src_dir, dst_dir = folder(db_path), backup_file.parent / BACKUP_SUBDIR
    copied, bad = 0, []
    for sha, name in _rows_of(backup_file):
        rel = relative(sha, name)
        dst, src = dst_dir / rel, src_dir / rel
        if dst.is_file() and (not src.is_file() or dst.stat().st_size == src.stat().st_size):
            continue
        if not src.is_file() or sha256_of(src) != sha:
            bad.append(name)
            continue
        copy_verified(src, dst, sha)
        copied += 1
    if bad:
        raise StoreError(f"数据库已备份，但有 {len(bad)} 个附件缺失或已损坏，未能备份：{'、'.join(bad[:5])}。"
                         "请运行 `check` 查看")
    return copied


def restore_files(backup_file: Path, db_path: Path) -> tuple[int, list[str]]:
    """Bring back the restored database's files from ``附件`` beside the backup: (restored, missing)."""
    src_dir, dst_dir = backup_file.parent / BACKUP_SUBDIR, folder(db_path)
    restored, missing = 0, []
    for sha, name in _rows_of(db_path):
        rel = relative(sha, name)
        dst = dst_dir / rel
        if dst.is_file() and sha256_of(dst) == sha:
            continue
        src = src_dir / rel
        if src.is_file() and sha256_of(src) == sha:
            copy_verified(src, dst, sha)
            restored += 1
        else:
            missing.append(name)
    return restored, missing


def check_files(con: sqlite3.Connection, db_path: Path) -> list[str]:
    """check's findings: attachments whose file is missing or no longer matches its hash."""
    base, out = folder(db_path), []
    for sha, name in _rows(con):
        path = base / relative(sha, name)
        if not path.is_file():
            out.append(f"附件文件缺失：{name}（{path}）")
        elif sha256_of(path) != sha:
            out.append(f"附件文件已损坏（内容与登记时不一致）：{name}（{path}）")
    return out
