"""Reading every stored person while a large list is parsed (store/imports/ahead.py).

What a clerk would notice if it went wrong: an import deciding against persons as they were before a
change saved meanwhile (a phone edited back and forth, an audit row with a wrong "before"), or a
database file left open so that a restore cannot replace it.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import store.imports.ahead as ahead_mod
from importers.errors import ImportFileError
from importers.load import prepare, run
from store.db import close_db
from store.schema import AuditLog, db
from tests import import_fixtures as fx
from tests.import_helpers import do_import, ident, person, rows_of

HEAD = ["姓名", "身份证号", "村(居)", "联系电话", "自付金额"]


def write_list(tmp_path, name: str, phones: dict[int, str], n: int = 5):
    """n persons of 后龙村, person i with phones.get(i, '')."""
    rows = [HEAD] + [[f"人{i}", ident(i + 1, "19800101"), "后龙村", phones.get(i, ""), 20000] for i in range(n)]
    return fx.write_csv(tmp_path / name, rows, "utf-8")


@pytest.fixture
def any_size(monkeypatch):
    """Read ahead for lists of any size (the tests' lists are small)."""
    monkeypatch.setattr(ahead_mod, "MIN_FILE_BYTES", 0)


def test_read_ahead_gives_the_same_import(town, tmp_path, any_size):
    do_import(write_list(tmp_path, "一.csv", {}), category=2)
    prep = prepare(write_list(tmp_path, "二.csv", {0: "13700001111"}, n=6), category=2, read_ahead=True)
    ahead = prep.ahead
    summary = run(prep)
    assert ahead.used
    assert rows_of(summary) == (6, 1, 1, 4, 0, 0, 0)
    assert person(ident(1, "19800101"))["phone"] == "13700001111"
    assert ahead._con is None  # closed once taken


def test_a_change_saved_after_the_read_is_seen(town, tmp_path, any_size):
    do_import(write_list(tmp_path, "一.csv", {}), category=2)
    audits = AuditLog.select().count()
    prep = prepare(write_list(tmp_path, "二.csv", {0: "13700001111"}), category=2, read_ahead=True)
    prep.ahead.wait()  # read with the phone still empty
    db.execute_sql('UPDATE "person" SET phone = ? WHERE id_number = ?', ("13700001111", ident(1, "19800101")))
    ahead = prep.ahead
    summary = run(prep)
    assert not ahead.used
    assert rows_of(summary) == (5, 0, 0, 5, 0, 0, 0)  # the list now says what the database holds
    assert AuditLog.select().count() == audits + 1  # the batch's own row, no update of the phone


def test_read_ahead_inside_a_transaction_is_not_used(town, tmp_path, any_size):
    do_import(write_list(tmp_path, "一.csv", {}), category=2)
    prep = prepare(write_list(tmp_path, "二.csv", {0: "13700001111"}), category=2, read_ahead=True)
    ahead = prep.ahead
    with db.atomic():  # an uncommitted change the reading connection cannot see
        db.execute_sql('UPDATE "person" SET phone = ? WHERE id_number = ?', ("13700001111", ident(1, "19800101")))
        summary = run(prep)
    assert not ahead.used
    assert rows_of(summary) == (5, 0, 0, 5, 0, 0, 0)


def test_too_many_persons_reads_only_those_named(town, tmp_path, any_size, monkeypatch):
    monkeypatch.setattr(ahead_mod, "MAX_PERSONS", 0)
    do_import(write_list(tmp_path, "一.csv", {}), category=2)
    prep = prepare(write_list(tmp_path, "二.csv", {1: "13700002222"}), category=2, read_ahead=True)
    ahead = prep.ahead
    summary = run(prep)
    assert not ahead.used
    assert rows_of(summary) == (5, 0, 1, 4, 0, 0, 0)


def test_small_lists_and_dry_runs_do_not_read_ahead(town, tmp_path):
    path = write_list(tmp_path, "一.csv", {})
    assert prepare(path, category=2, read_ahead=True).ahead is None  # under MIN_FILE_BYTES
    assert prepare(path, category=2).ahead is None


def test_close_db_closes_a_read_never_taken(town, tmp_path, any_size):
    prep = prepare(write_list(tmp_path, "一.csv", {}), category=2, read_ahead=True)
    ahead = prep.ahead
    ahead.wait()
    assert ahead._con is not None
    close_db()  # a restore closes the database before it replaces the file
    assert ahead._con is None
    assert ahead.take(db.database) is None


def test_a_read_not_started_yet_is_dropped_not_waited_for(town):
    busy = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        pool.submit(busy.wait)  # the thread beside the parse, still on an earlier job
        ahead = ahead_mod.PersonsAhead(db.database)
        ahead.begin(pool)
        closing = threading.Thread(target=ahead.close)
        closing.start()
        closing.join(timeout=10)
        busy.set()  # (lets a close that waited end, should the assertion below fail)
        assert not closing.is_alive()  # it returned without waiting for the busy thread
        assert ahead._future.cancelled() and ahead._con is None
    assert ahead.take(db.database) is None


def test_a_list_that_cannot_be_read_leaves_no_read_open(town, tmp_path, any_size):
    bad = fx.write_csv(tmp_path / "无表头.csv", [["甲", "乙"]] + [["1", "2"]] * 5, "utf-8")
    with pytest.raises(ImportFileError):
        prepare(bad, category=2, read_ahead=True)
    assert not list(ahead_mod._open)  # closed, not left for close_db
