"""Errors never reach the screen as a traceback: log them redacted, say it in Chinese.

Textual's own crash screen prints local variables (ID numbers would show); the app replaces it
with `crash_text`. Worker errors become a notification; a write that meets a lock is retried.
"""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING, Callable, TypeVar

from peewee import DatabaseError as PeeweeDatabaseError
from peewee import OperationalError
from textual.worker import WorkerState

from store.db import translate
from store.errors import StoreError
from store.fsio import os_error_text
from store.logfile import get_logger

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.worker import Worker

    _Node = DOMNode  # the mixin only ever joins an App, a Screen or a Widget
else:
    _Node = object

T = TypeVar("T")
LOCK_RETRIES = 3


def message_for(error: BaseException) -> str:
    """The Chinese sentence for an error; unexpected ones are logged with their traceback."""
    if isinstance(error, StoreError):
        return error.message
    if isinstance(error, (sqlite3.Error, PeeweeDatabaseError)):
        get_logger("tui").error("database error: %s", error)
        return translate(error).message
    if isinstance(error, OSError):  # a file the system refused: say why in Chinese, never its English
        get_logger("tui").error("file error: %s", error)
        return f"文件操作失败：{os_error_text(error)}，本次操作未完成"
    get_logger("tui").error("unexpected error", exc_info=error)
    return f"程序出错（{error.__class__.__name__}），本次操作未完成，详情已写入日志文件 yingbao.log"


def is_locked(error: BaseException) -> bool:
    """True for SQLite's 「database is locked / busy」."""
    text = str(error).lower()
    return "locked" in text or "busy" in text


def retry_locked(fn: Callable[[], T], retries: int = LOCK_RETRIES, pause: float = 0.5,
                 on_retry: Callable[[int], None] | None = None) -> T:
    """Run a write; when it meets a lock, wait and try again (telling on_retry), then give up plainly."""
    for attempt in range(retries + 1):
        try:
            return fn()
        except (sqlite3.OperationalError, OperationalError) as exc:
            if not is_locked(exc):
                raise
            get_logger("tui").warning("database locked, attempt %d", attempt + 1)
            if attempt == retries:
                raise StoreError("数据库正被其他程序占用，已重试多次仍未保存。请关闭其他打开本数据库的程序后再按 Ctrl+S") from exc
            if on_retry:
                on_retry(attempt + 1)
            time.sleep(pause * (attempt + 1))
    raise AssertionError("unreachable")


class ReportsWorkerErrors(_Node):
    """Mixin for every node that runs workers (their state messages do not bubble)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker: a Chinese notification, details in the log."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            assert error is not None  # a worker in the ERROR state holds the exception it raised
            # a refusal the store explained (a rule, a lock, a missing file) is 未完成, not a fault
            refused = isinstance(error, StoreError)
            self.app.notify(message_for(error), title="未完成" if refused else "出错了", severity="error",
                            timeout=10 if refused else 8)
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker) -> None:
        """Hook: undo a busy state after a failed worker."""


def crash_text(error: BaseException) -> str:
    """What is printed when the app must close: one Chinese line, no traceback, no locals."""
    message_for(error)
    return "程序遇到意外错误已关闭，数据已保存到上一次成功的操作。详情已写入数据库同一文件夹中的 yingbao.log"
