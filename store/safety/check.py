"""`yingbao check`: is the database whole and consistent? A Chinese report, clean or not.

Never raises on a damaged file: the report says it is damaged and points to restore. Works on
its own sqlite3 connection and writes nothing, so it runs beside an open app.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from store.db import BUSY_TIMEOUT_MS, header_user_version
from store.errors import NotADatabase, StoreError, cannot_write, is_access_problem, is_damage
from store.safety.unreadable import unreadable_in

RESTORE_HINT = "请运行 `yingbao restore latest` 从最近的已校验备份恢复（损坏的文件会保留在旁边）"
# (label, SQL counting rows whose parent row is missing)
ORPHANS = [
    ("排查对象的人员不存在", 'SELECT count(*) FROM "case" c LEFT JOIN person p ON p.id = c.person_id '
                             "WHERE p.id IS NULL"),
    ("名单记录的人员不存在", "SELECT count(*) FROM roster_entry r LEFT JOIN person p ON p.id = r.person_id "
                             "WHERE p.id IS NULL"),
    ("名单记录关联的排查对象不存在", 'SELECT count(*) FROM roster_entry r LEFT JOIN "case" c ON c.id = r.case_id '
                                     "WHERE r.case_id IS NOT NULL AND c.id IS NULL"),
    ("走访记录的排查对象不存在", 'SELECT count(*) FROM contact t LEFT JOIN "case" c ON c.id = t.case_id '
                                 "WHERE c.id IS NULL"),
    ("排查类别的排查对象不存在", 'SELECT count(*) FROM case_category k LEFT JOIN "case" c ON c.id = k.case_id '
                                 "WHERE c.id IS NULL"),
]
# Live rows under a soft-deleted parent: worth a note, not damage.
SOFT_ORPHANS = [
    ("未删除的排查对象，其人员已删除", 'SELECT count(*) FROM "case" c JOIN person p ON p.id = c.person_id '
                                       "WHERE c.deleted_at IS NULL AND p.deleted_at IS NOT NULL"),
    ("未删除的走访记录，其排查对象已删除", 'SELECT count(*) FROM contact t JOIN "case" c ON c.id = t.case_id '
                                           "WHERE t.deleted_at IS NULL AND c.deleted_at IS NOT NULL"),
]


@dataclass
class CheckReport:
    """What check found: problems (not clean), notes (clean but worth knowing)."""

    path: Path
    schema_version: int | None = None
    damaged: bool = False
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    last_backup: dt.datetime | None = None
    backup_warning: str | None = None  # never backed up, or more than a day ago: red on a terminal

    @property
    def clean(self) -> bool:
        """True only when nothing is wrong."""
        return not self.damaged and not self.problems

    def text(self, color: bool = True) -> str:
        """The Chinese report, one finding a line; the backup warning in red (click.echo drops the
        colour codes when the output is not a terminal)."""
        head = f"数据库：{self.path}（结构版本 {self.schema_version if self.schema_version is not None else '未知'}）"
        lines = [head]
        lines += [f"问题：{p}" for p in self.problems]
        lines += [f"提示：{n}" for n in self.notes]
        if self.backup_warning:
            lines.append(f"\x1b[1;31m注意：{self.backup_warning}\x1b[0m" if color else f"注意：{self.backup_warning}")
        if self.damaged:
            lines.append(RESTORE_HINT)
        lines.append("检查结果：正常，未发现问题" if self.clean else f"检查结果：发现 {len(self.problems)} 项问题")
        return "\n".join(lines)

    def as_dict(self) -> dict:
        """For --json."""
        return {"path": str(self.path), "clean": self.clean, "damaged": self.damaged,
                "schema_version": self.schema_version, "problems": self.problems, "notes": self.notes,
                "last_backup": self.last_backup.isoformat(timespec="seconds") if self.last_backup else None,
                "backup_warning": self.backup_warning}


def _damaged(report: CheckReport, reason: str) -> CheckReport:
    """Mark the report as a damaged file."""
    report.damaged = True
    report.problems.append(f"数据库文件已损坏：{reason}")
    return report


def _integrity(con: sqlite3.Connection, report: CheckReport) -> None:
    """PRAGMA integrity_check (the first 20 messages)."""
    result = [r[0] for r in con.execute("PRAGMA integrity_check(20)")]
    if result != ["ok"]:
        report.damaged = True
        report.problems.append("完整性检查未通过：" + "；".join(result)[:400])


def _schema(con: sqlite3.Connection, report: CheckReport) -> bool:
    """Schema version and the tables this app needs; False when the rest cannot be checked."""
    from store.migrations import schema_version
    from store.schema import MODELS

    ours, theirs = schema_version(), report.schema_version
    assert theirs is not None  # check() reads it before it calls here
    if theirs > ours:
        report.problems.append(f"数据库由较新版本的程序创建（结构版本 {theirs}，本程序支持到 {ours}），请升级程序")
        return False
    if theirs < ours:
        report.notes.append(f"数据库为旧结构版本 {theirs}，打开时会自动升级到 {ours}")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if 0 < theirs < ours:  # an older file has its own version's tables, not today's
        from store.safety.copies import reference_schema

        expected = list(reference_schema(theirs))
    else:
        expected = [m._meta.table_name for m in MODELS]
    missing = [name for name in expected if name not in tables]
    if missing and report.schema_version:
        report.problems.append(f"缺少数据表：{', '.join(missing)}（可能是不完整的副本）")
        return False
    # the checks below read today's tables: an older file is checked after the upgrade on opening
    return report.schema_version == ours


def _foreign_keys(con: sqlite3.Connection, report: CheckReport) -> None:
    """PRAGMA foreign_key_check, grouped by table and parent."""
    groups: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fk in con.execute("PRAGMA foreign_key_check"):
        groups[(table, parent)] = groups.get((table, parent), 0) + 1
    for (table, parent), n in sorted(groups.items()):
        report.problems.append(f"外键检查：{table} 表有 {n} 行引用的 {parent} 记录不存在")


def _orphans(con: sqlite3.Connection, report: CheckReport) -> None:
    """Rows whose parent is gone (problems) or soft-deleted (notes)."""
    for label, sql in ORPHANS:
        n = con.execute(sql).fetchone()[0]
        if n:
            report.problems.append(f"{label}：{n} 条")
    for label, sql in SOFT_ORPHANS:
        n = con.execute(sql).fetchone()[0]
        if n:
            report.notes.append(f"{label}：{n} 条")


def _id_numbers(con: sqlite3.Connection, report: CheckReport) -> None:
    """Live persons whose ID number fails its checksum or date (shown masked)."""
    from store.ids import is_valid_id, mask_id

    bad = [(pid, number) for pid, number in con.execute(
        "SELECT id, id_number FROM person WHERE id_number IS NOT NULL AND deleted_at IS NULL")
        if not is_valid_id(number)]
    accepted = set(con.execute(  # accepted with a reason (people.ID_OVERRIDE rows): a note, not a problem
        "SELECT row_id, json_extract(after, '$.id_number') FROM audit_log "
        "WHERE action = 'id_override' AND \"table\" = 'person'").fetchall())
    n_accepted = sum(row in accepted for row in bad)
    if n_accepted:
        report.notes.append(f"身份证号未通过校验但已核实（有核实说明）：{n_accepted} 人")
    bad = [row for row in bad if row not in accepted]
    if bad:
        sample = "、".join(f"{mask_id(n)}（编号{pid}）" for pid, n in bad[:5])
        more = " 等" if len(bad) > 5 else ""
        report.problems.append(f"身份证号校验不通过：{len(bad)} 人，如 {sample}{more}")


def _bad_dates(con: sqlite3.Connection, report: CheckReport) -> None:
    """Date columns holding something that is no date (2026-02-30, text, a number: another tool
    wrote them); screens read them as blank, so they are listed here (store.safety.unreadable)."""
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    for table in tables:
        by_column: dict[str, list[tuple[int, object]]] = {}
        for name, rid, value in unreadable_in(con, table):
            by_column.setdefault(name, []).append((rid, value))
        for name, rows in by_column.items():
            sample = "、".join(f"编号{rid}（「{str(value)[:20]}」）" for rid, value in rows[:5])
            more = f" 等 {len(rows)} 条" if len(rows) > 5 else ""
            report.problems.append(f"无法识别的日期：{table} 表的 {name} 列，如 {sample}{more}。"
                                   "对象详情、整治工作的阶段和导出的台账、信访表、抽查记录中标为「无法识别」，其他地方按空白处理，"
                                   "请在界面中重新填写")


def _backup_age(con: sqlite3.Connection, report: CheckReport, now: dt.datetime) -> None:
    """The last recorded backup: a warning when there was none, or none in the last day."""
    from store.safety.copies import is_stale

    row = con.execute("SELECT value FROM setting WHERE key = 'last_backup'").fetchone()
    try:
        report.last_backup = dt.datetime.fromisoformat(row[0]) if row and row[0] else None
    except ValueError:
        report.last_backup = None
    if not is_stale(report.last_backup, now):
        return
    if report.last_backup is None:
        report.backup_warning = "从未备份。请运行 `yingbao backup`，并用 `yingbao backup schedule --install` 设置每晚自动备份"
    else:
        hours = int((now - report.last_backup).total_seconds() // 3600)
        report.backup_warning = (f"上次备份是 {report.last_backup:%Y-%m-%d %H:%M}（{hours} 小时前，超过一天）。"
                                 "每晚的自动备份可能没有运行：请运行 `yingbao backup`，"
                                 "并检查 `yingbao backup schedule`")


def _run(con: sqlite3.Connection, report: CheckReport) -> None:
    """Every check in turn; a damaged file stops the ones that would read garbage."""
    report.schema_version = con.execute("PRAGMA user_version").fetchone()[0]
    _integrity(con, report)
    if report.damaged or not _schema(con, report):
        return
    _foreign_keys(con, report)
    _orphans(con, report)
    _id_numbers(con, report)
    from store.cases.attachments import check_files  # missing or damaged photos and papers
    report.problems += check_files(con, report.path)
    _bad_dates(con, report)
    _backup_age(con, report, dt.datetime.now())


def check_database(db_path: str | os.PathLike) -> CheckReport:
    """Check a database file without changing it; never raises for a damaged file."""
    path = Path(db_path).expanduser()
    if not path.is_file():
        raise StoreError(f"数据库文件不存在：{path}")
    report = CheckReport(path)
    try:
        header_user_version(path)
    except NotADatabase:
        return _damaged(report, "文件头不是SQLite数据库（file is not a database）")
    try:
        con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            con.execute("PRAGMA query_only = 1")
            _run(con, report)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError("数据库正被其他程序占用，等待后仍未释放，请稍后再试") from exc
        if is_access_problem(exc) and not is_damage(exc):
            return _check_unwritable(path, CheckReport(path), exc)
        return _damaged(report, str(exc))
    return report


def _check_unwritable(path: Path, report: CheckReport, exc: sqlite3.Error) -> CheckReport:
    """A database SQLite cannot open for writing here (a read-only folder, disk or share): check it
    as it is on disk (immutable, read-only) and say it cannot be written, which is not damage."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
        try:
            _run(con, report)
        finally:
            con.close()
    except sqlite3.DatabaseError as again:
        if is_damage(again):
            return _damaged(report, str(again))
        raise cannot_write(path, exc) from again
    report.problems.append(cannot_write(path, exc).message)
    report.notes.append("已按文件现有内容只读检查；尚未写入主文件的最近修改（-wal 文件中）未包括在内")
    return report
