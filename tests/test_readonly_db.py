"""open_db(readonly=True): the SQLite file is opened mode=ro; reads work, every write is refused."""

from __future__ import annotations

import sqlite3

import pytest

from store import settings
from store.db import close_db, is_readonly, open_db, translate
from store.errors import StoreError
from store.schema import Person


def test_readonly_reads_and_refuses_writes(demo_db):
    persons = Person.select().count()
    town = settings.get(settings.TOWN)
    close_db()
    before = demo_db.read_bytes()
    open_db(demo_db, readonly=True, verify=True)
    assert is_readonly()
    assert Person.select().count() == persons and settings.get(settings.TOWN) == town
    with pytest.raises(Exception) as err:
        settings.put(settings.TOWN, "别的镇")
    assert translate(err.value).message.startswith("数据库文件只读")
    close_db()
    open_db(demo_db)
    assert not is_readonly() and settings.get(settings.TOWN) == town
    assert Person.select().count() == persons
    assert len(before) == demo_db.stat().st_size


def test_readonly_beside_a_writer_sees_its_commits(demo_db):
    close_db()
    writer = sqlite3.connect(demo_db)
    open_db(demo_db, readonly=True)
    writer.execute("UPDATE setting SET value = '新名字' WHERE key = 'town'")
    writer.commit()
    assert settings.get(settings.TOWN) == "新名字"
    writer.close()


def test_readonly_never_creates_or_migrates(tmp_path):
    with pytest.raises(StoreError, match="不存在"):
        open_db(tmp_path / "none.db", readonly=True)
    assert not (tmp_path / "none.db").exists()
    old = tmp_path / "old.db"
    con = sqlite3.connect(old)
    con.execute("PRAGMA user_version = 0")
    con.execute("CREATE TABLE x (a)")
    con.commit()
    con.close()
    data = old.read_bytes()
    with pytest.raises(StoreError, match="升级"):
        open_db(old, readonly=True)
    assert old.read_bytes() == data
