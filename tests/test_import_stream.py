"""The streamed import: chunks written by a second thread while the next is read (store/imports/bulk.py).

What a clerk would notice if it went wrong: a repeat far down a list not merged into its first row,
a failed write leaving half an import behind, a different result on an older SQLite.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import threading
import time

import peewee
import pytest

import store.imports.bulk as bulk
import store.imports.write as writes
from importers.stream import CHUNK
from importers.dedupe import id_key
from store.imports.bulk import bulk_writer
from store.db import wait_checkpoints
from store.imports.undo import undo_import
from store.imports.write import ImportWriter
from store.schema import AuditLog, Person, RosterEntry, db
from tests import import_fixtures as fx
from tests.import_helpers import counts, do_import, ident, person, rows_of

HEAD = ["姓名", "身份证号", "村(居)", "联系电话", "自付金额"]


def big_list(tmp_path, n: int, *, name: str = "低保.csv", phone=lambda i: "", extra=()):
    """n valid rows (distinct persons of 后龙村) and then the extra rows."""
    rows = [HEAD] + [[f"人{i}", ident(i % 900 + 1, f"198001{i // 900 + 1:02d}"), "后龙村", phone(i), 20000]
                     for i in range(n)]
    return fx.write_csv(tmp_path / name, rows + list(extra), "utf-8")


def test_repeat_in_a_later_chunk_is_merged_into_its_first_row(town, tmp_path):
    first = ident(1, "19800101")
    later = ["人0", first, "后龙村委会", "13700001111", 20000]  # fills the first row's blank phone
    summary = do_import(big_list(tmp_path, CHUNK + 10, extra=[later]), category=2)
    assert rows_of(summary) == (CHUNK + 11, CHUNK + 10, 0, 1, 0, 0, 0)
    assert person(first)["phone"] == "13700001111"
    assert RosterEntry.select().count() == CHUNK + 10
    merged = next(o for o in summary.outcomes if o.status == "merged")
    assert merged.source_row == CHUNK + 12 and "第2行" in merged.reasons[0]


def test_repeat_with_another_name_in_a_later_chunk_is_rejected(town, tmp_path):
    other = ["别人", ident(1, "19800101"), "后龙村", "", 20000]
    summary = do_import(big_list(tmp_path, CHUNK + 10, extra=[other]), category=2)
    assert rows_of(summary)[1:5] == (CHUNK + 10, 0, 0, 1)
    assert Person.get(Person.id_number == ident(1, "19800101")).name == "人0"


def test_a_failed_write_rolls_back_every_chunk(town, tmp_path):
    do_import(big_list(tmp_path, 5, name="先.csv"), category=2)
    before = counts()
    # the second chunk's roster entries fail, once the first chunk is written
    db.execute_sql(f"""CREATE TEMP TRIGGER fail BEFORE INSERT ON "roster_entry"
                       WHEN (SELECT count(*) FROM "person") > {CHUNK + 5}
                       BEGIN SELECT RAISE(ABORT, 'disk trouble'); END""")
    with pytest.raises(sqlite3.IntegrityError, match="disk trouble"):
        do_import(big_list(tmp_path, CHUNK + 500), category=2)
    assert counts() == before
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_ctrl_c_while_waiting_for_the_writer_rolls_back_everything(town, tmp_path, monkeypatch):
    before = counts()
    write, join = ImportWriter.write, threading.Thread.join
    pressed = []

    def slow_write(self, chunk):  # the writer stays behind the reader
        self.bulk.run(lambda: time.sleep(0.2))
        write(self, chunk)

    def ctrl_c_in_join(self, timeout=None):  # Ctrl+C once, while stop() waits for the writer
        if self.name == "import-writer" and not pressed:
            pressed.append(True)
            join(self, 0.05)
            raise KeyboardInterrupt
        return join(self, timeout)

    monkeypatch.setattr(ImportWriter, "write", slow_write)
    monkeypatch.setattr(threading.Thread, "join", ctrl_c_in_join)
    with pytest.raises(KeyboardInterrupt):
        do_import(big_list(tmp_path, CHUNK + 100), category=2)
    assert pressed and not any(t.name == "import-writer" for t in threading.enumerate())
    assert counts() == before


def test_known_person_moves_to_a_village_the_list_creates(town, tmp_path):
    first = ident(1, "19800101")
    do_import(big_list(tmp_path, 1, name="先.csv"), category=2)
    rows = [HEAD, ["人0", first, "新建村", "", 20000], ["人乙", ident(2, "19800102"), "新建村", "", 20000]]
    later = fx.write_csv(tmp_path / "后.csv", rows, "utf-8")
    dry = do_import(later, category=2, create_villages=True, dry_run=True)
    summary = do_import(later, category=2, create_villages=True)
    new = db.execute_sql('SELECT id FROM "village" WHERE name = ?', ("新建村",)).fetchone()[0]
    assert rows_of(summary)[1:4] == rows_of(dry)[1:4] == (1, 1, 0)
    assert person(first)["village_id"] == new and person(ident(2, "19800102"))["village_id"] == new


def test_same_result_without_update_from_and_with_few_sql_variables(town, tmp_path, monkeypatch):
    do_import(big_list(tmp_path, 300, name="先.csv"), category=2)
    monkeypatch.setattr(bulk, "UPDATE_FROM", False)  # SQLite before 3.33
    db.connection().setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)  # builds before 3.32
    summary = do_import(big_list(tmp_path, 300, phone=lambda i: f"1390000{i:04d}"), category=2)
    assert rows_of(summary)[1:4] == (0, 300, 0)
    assert person(ident(5, "19800101"))["phone"] == "13900000004"
    assert AuditLog.select().where(AuditLog.action == "update").count() == 300


def test_writer_error_reaches_the_caller_and_stops_the_thread(town):
    con = db.connection()
    with pytest.raises(sqlite3.OperationalError):
        with db.atomic(), bulk_writer(con) as writer:
            writer.insert('INSERT INTO "no_such_table" (a) VALUES (?)', [(1,)])
            writer.wait_idle()
    assert not any(t.name == "import-writer" for t in threading.enumerate())


def test_a_call_skipped_after_an_error_raises_instead_of_waiting(town):
    with pytest.raises(sqlite3.OperationalError):
        with db.atomic(), bulk_writer(db.connection()) as writer:
            writer.run(lambda: writer.con.execute('INSERT INTO "no_such_table" (a) VALUES (1)'))
            writer.result(writer.call(lambda con: con.execute("SELECT 1").fetchone()))


def test_rows_short_of_a_statement_wait_and_are_all_written_in_order(town):
    db.execute_sql("CREATE TEMP TABLE t (n INTEGER, label TEXT)")
    con = db.connection()
    con.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 6)  # three rows of two values a statement
    sent = []
    with db.atomic(), bulk_writer(con) as writer:
        send = writer._send
        writer._send = lambda sql, rows: (sent.append(len(rows)), send(sql, rows))
        for start in (0, 2, 7):  # 2 rows (held), 5 more (two full statements, one row held), 1 more
            writer.insert("INSERT INTO t (n, label) VALUES (?, ?)", [(n, f"第{n}行") for n in range(start, start + {0: 2, 2: 5, 7: 1}[start])])
        assert sent == [3, 3]
        writer.wait_idle()  # the two rows left over, one by one
        assert sent == [3, 3]
        assert [r[0] for r in db.execute_sql("SELECT n FROM t ORDER BY rowid")] == list(range(8))


def test_a_missing_reference_refuses_the_whole_import_at_the_commit(town, tmp_path, monkeypatch):
    before = counts()
    links = ImportWriter._cases_and_links

    def broken(self, rows):  # one category link to a case that does not exist
        links(self, rows)
        if self.links == CHUNK:
            self.bulk.insert('INSERT INTO "case_category" (case_id, category_id, source) VALUES (?,?,?)',
                             [(999_999, self.plan.category_id, "名单")])

    monkeypatch.setattr(ImportWriter, "_cases_and_links", broken)
    with pytest.raises((sqlite3.IntegrityError, peewee.IntegrityError), match="FOREIGN KEY"):
        do_import(big_list(tmp_path, CHUNK + 10), category=2)
    assert counts() == before
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA defer_foreign_keys").fetchone()[0] == 0


def test_undo_restores_persons_when_the_import_also_created_a_village(town, tmp_path):
    do_import(big_list(tmp_path, 30, name="先.csv"), category=2)
    rows = [HEAD, ["人乙", ident(901, "19800102"), "新建村", "", 20000]]
    rows += [[f"人{i}", ident(i % 900 + 1, "19800101"), "后龙村", f"1390000{i:04d}", 20000] for i in range(30)]
    summary = do_import(fx.write_csv(tmp_path / "后.csv", rows, "utf-8"), category=2, create_villages=True)
    assert rows_of(summary)[1:3] == (1, 30)
    undo_import(summary.batch_id)
    assert person(ident(5, "19800101"))["phone"] is None
    assert person(ident(901, "19800102")) is None
    assert db.execute_sql('SELECT count(*) FROM "village" WHERE name = ?', ("新建村",)).fetchone()[0] == 0


@pytest.mark.parametrize("cell, number", [
    ("35050519800101001X", "35050519800101001X"),
    (" 350505 19800101 001x ", "35050519800101001X"),
    ("３５０５０５１９８００１０１００１Ｘ", "35050519800101001X"),
    ("'35050519800101001X", "35050519800101001X"),
    ("350505800101001", ident(1, "19800101")),  # 15 digits, upgraded
    ("350505198001010010", "350505198001010010"),  # wrong check char: still the same number
    ("3505051980010", None), (350505198001010000, None), (None, None),
])
def test_id_key_is_the_number_the_row_normalises_to(cell, number):
    assert id_key(cell) == number


@pytest.mark.parametrize("value", [
    [1.0, 218121.88, 0.1 + 0.2, float("nan"), -0.0, 10**20, "后龙村\"委\"会\n", None, True, ""],
    {"phone": "13800000000", "village_id": 3, "zone_id": None},
    [dt.date(2021, 3, 5), dt.datetime(2021, 3, 5, 8, 30)],
])
def test_the_import_json_is_what_json_dumps_writes(value):
    assert writes.JSON(value) == json.dumps(value, ensure_ascii=False, default=str)
    assert writes.RAW_JSON(value) == json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))


@pytest.mark.parametrize("cells", [
    [1.0, "后龙村", True, False, None, ""],
    ["true", "false", "TRUE", 3],  # texts that look like booleans stay texts
    [dt.date(2021, 3, 5), dt.time(8, 30), dt.timedelta(hours=2), False],
    [0, 1, 2.5, "是"],  # 0 and 1 are numbers, not booleans
])
def test_raw_cells_keep_booleans_as_excel_shows_them(cells):
    expected = [("TRUE" if v else "FALSE") if type(v) is bool else v if type(v) in (str, int, float, type(None))
                else str(v) for v in cells]
    assert json.loads(writes.raw_json(cells)) == expected


def test_constants_written_into_a_statement_read_back_as_they_were(town):
    sql = writes.insert_sql("audit_log", ("row_id",), {"time": "2026-01-01 08:00:00", "action": "it's ?",
                                                        '"table"': "person", "operator": 7})
    db.execute_sql(sql, (42,))
    row = db.execute_sql('SELECT time, action, "table", operator, row_id FROM "audit_log" ORDER BY id DESC LIMIT 1').fetchone()
    assert row == ("2026-01-01 08:00:00", "it's ?", "person", "7", 42)
    with pytest.raises(TypeError):
        writes.insert_sql("audit_log", ("row_id",), {"time": b"bytes"})


def test_the_log_is_copied_into_the_database_file_after_the_import(town, tmp_path):
    do_import(big_list(tmp_path, 300), category=2)
    assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000  # on again for later commits
    wait_checkpoints()
    copy = tmp_path / "仅数据库文件.db"  # the file alone, without its -wal
    shutil.copyfile(town, copy)
    con = sqlite3.connect(copy)
    try:
        assert con.execute('SELECT count(*) FROM "roster_entry"').fetchone()[0] == 300
    finally:
        con.close()


def test_a_failed_import_turns_automatic_checkpoints_back_on(town, tmp_path, monkeypatch):
    monkeypatch.setattr(ImportWriter, "finish", lambda self: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        do_import(big_list(tmp_path, 3), category=2)
    assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
