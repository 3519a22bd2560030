"""Ordered schema migrations keyed on ``PRAGMA user_version``.

Each migration is frozen once released: its SQL file and seed data never change; a change to
the schema is a new migration. Before upgrading a database that already holds a schema, a
consistent copy of it is kept beside it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

from .schema import db

SQL_DIR = Path(__file__).with_name("sql")


def sql_statements(sql: str) -> list[str]:
    """Split a frozen SQL file into statements (no semicolons inside our literals)."""
    lines = [ln for ln in sql.splitlines() if not ln.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _run_sql_file(name: str) -> None:
    """Execute every statement of a frozen SQL file in the current transaction."""
    for stmt in sql_statements((SQL_DIR / name).read_text(encoding="utf-8")):
        db.execute_sql(stmt)


# The campaign of the source document (龙政〔2022〕63号), as editable data.
SOURCE_CAMPAIGN = ("困难群众「漏保」「漏救」问题整治", 2022, "龙政〔2022〕63号", "2022-09-30")
SOURCE_PHASES = [
    (1, "谋划部署", "2022-07-21", "2022-08-10"),
    (2, "推动落实", "2022-08-11", "2022-09-20"),
    (3, "总结评价", "2022-09-21", "2022-09-30"),
]
SOURCE_CATEGORIES = [
    (1, "2021年产生医疗费用特困人员", "特困医疗", "2021年产生医疗费用的特困人员", None, "2021-01-01"),
    (2, "2021年自付医疗费用1万元以上低保对象", "低保自付", "2021年自付医疗费用达到门槛的低保对象",
     1_000_000, "2021-01-01"),
    (3, "2021年自付医疗费用4.2万元以上普通居民", "居民自付", "2021年自付医疗费用达到门槛的普通居民",
     4_200_000, "2021-01-01"),
    (4, "2021年以来新增残疾人，特别是重度残疾人（含智力、精神三级残疾）", "新增残疾",
     "2021年以来新增持证残疾人，重点是一、二级及智力、精神三级", None, "2021-01-01"),
    (5, "2021年以来社会救助类信访对象", "救助信访", "2021年以来反映社会救助问题的信访人", None,
     "2021-01-01"),
    (6, "2022年防返贫监测预警对象", "防返贫", "脱贫不稳定户、边缘易致贫户、突发严重困难户", None,
     "2022-01-01"),
    (7, "其他未纳入兜底保障的困难群众", "其他困难", "村（居）排查发现的其他困难群众", None, None),
]


def seed_source_campaign() -> int:
    """Insert the source document's campaign with its phases and seven categories."""
    name, year, doc, due = SOURCE_CAMPAIGN
    cur = db.execute_sql(
        'INSERT INTO "campaign" (name, year, doc_number, report_due, active, created_at) '
        "VALUES (?, ?, ?, ?, 1, datetime('now', 'localtime'))",
        (name, year, doc, due),
    )
    cid = cur.lastrowid
    for seq, pname, start, end in SOURCE_PHASES:
        db.execute_sql(
            'INSERT INTO "phase" (campaign_id, seq, name, start, "end") VALUES (?, ?, ?, ?, ?)',
            (cid, seq, pname, start, end),
        )
    for code, cname, short, rule, threshold_fen, since in SOURCE_CATEGORIES:
        db.execute_sql(
            'INSERT INTO "category" (campaign_id, code, name, short_name, rule, threshold, since) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (cid, code, cname, short, rule, threshold_fen, since),
        )
    return cid


def _m0001() -> None:
    """The whole data model, and the source campaign as data."""
    _run_sql_file("0001_initial.sql")
    seed_source_campaign()


def _m0002() -> None:
    """Headers once per import batch (roster entries keep values only); two redundant indexes dropped."""
    _run_sql_file("0002_compact_raw.sql")


def _m0003() -> None:
    """The member and follow-up indexes of cases leave out cases without them."""
    _run_sql_file("0003_partial_case_indexes.sql")


def _m0004() -> None:
    """Village aliases: other spellings of a village the clerk confirmed, and merged villages' names."""
    _run_sql_file("0004_village_alias.sql")


def _m0005() -> None:
    """在保名单: beneficiary rosters by kind and their covered people, matched to cases by ID number."""
    _run_sql_file("0005_rosters.sql")


def _m0006() -> None:
    """Field work: who took part in a contact, attachments, how a hand-made case was found; cases
    moved to 已走访 by calls alone go back to 已联系 (audited)."""
    _run_sql_file("0006_field_work.sql")


def _m0007() -> None:
    """Households (户), 重病 and 先行救助 flags, petitions from the category-5 list; the notice due
    date of every petition recomputed from its receipt (信访工作条例 2022)."""
    _run_sql_file("0007_households.sql")


MIGRATIONS: dict[int, Callable[[], None]] = {1: _m0001, 2: _m0002, 3: _m0003, 4: _m0004, 5: _m0005, 6: _m0006,
                                             7: _m0007}
SCHEMA_VERSION = max(MIGRATIONS)


def schema_version() -> int:
    """The schema version this code writes (the newest migration)."""
    return max(MIGRATIONS)


def keep_copy(path: Path, version: int) -> Path:
    """Write a consistent copy of the database beside it before upgrading it."""
    from .db import secure_path, timestamp
    from .fsio import create_owner_only

    target = path.with_name(f"{path.stem}.v{version}-升级前-{timestamp()}{path.suffix or '.db'}")
    if not target.exists():
        create_owner_only(target)  # owner-only from the start, not only after secure_path
    dst = sqlite3.connect(target)
    try:
        db.connection().backup(dst)
    finally:
        dst.close()
    secure_path(target)
    return target


def upgrade(path: Path, version: int) -> Path | None:
    """Apply every migration above ``version``; return the kept copy (None for a new file)."""
    target = max(MIGRATIONS)
    if version >= target:
        return None
    copy = keep_copy(path, version) if version > 0 else None
    for v in range(version + 1, target + 1):
        with db.atomic("IMMEDIATE"):
            MIGRATIONS[v]()
            db.execute_sql(f"PRAGMA user_version = {int(v)}")
    return copy
