"""Shared fixtures: a fresh campaign database in tmp_path, a small town with four villages, and a demo town."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from store.audit import set_session_operator
from store.db import close_db, open_db

DEMO_TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A new, migrated database file, opened for this test."""
    path = tmp_path / "campaign.db"
    open_db(path)
    set_session_operator("测试员")
    yield path
    set_session_operator(None)
    close_db()


@pytest.fixture
def town(db_path: Path) -> Path:
    """A fresh database with the town set and the four villages of tests/import_helpers.VILLAGES."""
    from store.town.villages import create_village, init_town
    from tests.import_helpers import VILLAGES

    init_town("后龙镇", "泉港区", "测试员")
    for name in VILLAGES:
        create_village(name)
    return db_path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """One small demo town built once per session; tests copy it."""
    from store.demo.town import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    open_db(path)
    build_demo(seed=1, size="small", today=DEMO_TODAY)
    close_db()
    return path


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path) -> Path:
    """A private copy of the demo town, opened."""
    import shutil

    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    open_db(path)
    set_session_operator("测试员")
    yield path
    set_session_operator(None)
    close_db()
