"""A second thread that runs an import's bulk statements while the first one reads the next rows.

SQLite does its work without Python's lock (the GIL), so on two cores the rows of chunk k are
written while the rows of chunk k+1 are normalised. Each statement carries many rows
(``INSERT ... VALUES (...), (...)``): executemany would hand the lock back and forth once a row,
and a busy reader would starve it. The thread uses the caller's connection inside the caller's
transaction; the caller touches that connection only while the thread is idle (`wait_idle`) or
stopped, so nothing ever runs on it twice at once.

Rows short of a full statement wait for more rows of the same statement, so statements of different
tables may run in another order than they were queued: the caller defers its foreign-key checks to
the commit (``PRAGMA defer_foreign_keys``), which still refuses the whole transaction should a
reference be missing then.
"""

from __future__ import annotations

import queue
import sqlite3
import sys
import threading
from concurrent.futures import Future, TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from typing import Any, Callable, Iterator, Sequence

ROWS_PER_STATEMENT = 4000  # SQLite compiles a statement of each length once: 7-13 us a row
SWITCH_INTERVAL = 0.001  # seconds; Python's 5 ms default keeps the writer waiting after each statement
UPDATE_FROM = sqlite3.sqlite_version_info >= (3, 33)  # UPDATE ... FROM arrived in SQLite 3.33
_STOP = object()


@dataclass(slots=True)
class _Held:
    """The rows of one statement shape waiting for a full statement's worth."""

    size: int  # rows in a full statement
    full: str  # the statement for `size` rows
    one: str  # the statement for one row, for the rows left over at the end
    rows: list = field(default_factory=list)


class BulkWriter:
    """A queue of statements run in order on one connection by one worker thread (rows held back
    for a full statement run later than statements queued after them)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.error: BaseException | None = None
        self.max_vars = con.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        self.jobs: queue.Queue = queue.Queue(maxsize=256)  # the reader waits when far ahead
        self.held: dict[Any, _Held] = {}  # statement shape -> rows waiting for a full statement
        self.thread = threading.Thread(target=self._work, name="import-writer", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        """Run jobs until the stop mark; after an error only drain the queue."""
        while True:
            job = self.jobs.get()
            try:
                if job is _STOP:
                    return
                if self.error is None and not self.con.in_transaction:  # never write outside the caller's
                    self.error = RuntimeError("the import's transaction is no longer open")
                if self.error is None:
                    job()
            except BaseException as exc:  # handed to the caller's thread by check()
                self.error = exc
            finally:
                self.jobs.task_done()

    def check(self) -> None:
        """Raise, in the caller's thread, the error a statement met (the caller then rolls back)."""
        if self.error is not None:
            raise self.error

    def run(self, job: Callable[[], Any]) -> None:
        """Queue a job; it runs after every job queued before it."""
        self.check()
        self.jobs.put(job)

    def call(self, fn: Callable[[sqlite3.Connection], Any]) -> Future:
        """Queue fn(connection); its result (or error) arrives in the Future returned."""
        future: Future = Future()

        def job() -> None:
            try:
                future.set_result(fn(self.con))
            except BaseException as exc:
                future.set_exception(exc)
                raise

        self.run(job)
        return future

    def result(self, future: Future) -> Any:
        """A call()'s result; the writer's error instead, should the call have been skipped for it."""
        while True:
            try:
                return future.result(timeout=0.05)
            except FutureTimeout:
                self.check()

    def insert(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Queue a single-row ``INSERT ... VALUES (?, ..., constant, ...)`` for every row, many rows
        a statement (each row binds as many values as it holds)."""
        if not rows:
            return
        head, marks = sql.split(" VALUES ", 1)
        self._queue(sql, rows, len(rows[0]), lambda n: f"{head} VALUES {','.join([marks] * n)}", sql)

    def update(self, table: str, cols: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Queue ``UPDATE table SET cols... WHERE id = ?`` for rows of (*values, id). OR ROLLBACK: a
        failed row ends the transaction at once, so SQLite need not keep each statement's changes
        apart to undo it alone (a third of an UPDATE's time)."""
        if not UPDATE_FROM:
            sets = ", ".join(f"{c} = ?" for c in cols)
            if rows:
                self.run(lambda: self.con.executemany(f'UPDATE "{table}" SET {sets} WHERE id = ?', rows))
            return
        width = len(cols) + 1
        marks = f"({','.join('?' * width)})"
        sets = ", ".join(f"{c} = v.column{i}" for i, c in enumerate(cols, start=1))
        self._queue((table, *cols), rows, width,
                    lambda n: f'UPDATE OR ROLLBACK "{table}" SET {sets} FROM (VALUES {",".join([marks] * n)}) AS v '
                              f'WHERE "{table}".id = v.column{width}',
                    f'UPDATE OR ROLLBACK "{table}" SET {", ".join(f"{c} = ?" for c in cols)} WHERE id = ?')

    def _queue(self, shape: Any, rows: Sequence[Sequence[Any]], width: int, text: Callable[[int], str],
               one: str) -> None:
        """Queue rows as statements of as many rows as SQLite's limit on ? marks allows. Rows short
        of a full statement wait for the next rows of the same shape (or flush()): SQLite compiles
        a statement of each new length afresh, 7-13 us a row, about as long as writing the rows."""
        held = self.held.get(shape)
        if held is None:
            size = max(1, min(ROWS_PER_STATEMENT, self.max_vars // max(width, 1)))
            held = self.held[shape] = _Held(size, text(size), one)
        held.rows.extend(rows)
        whole = len(held.rows) - len(held.rows) % held.size
        for start in range(0, whole, held.size):
            self._send(held.full, held.rows[start:start + held.size])
        del held.rows[:whole]

    def _send(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Queue one statement; the values are flattened here, in the caller's thread, so the writer
        thread only binds and steps."""
        self.run(partial(self.con.execute, sql, list(chain.from_iterable(rows))))

    def flush(self) -> None:
        """Queue the rows held back, one row a statement: flush() runs when the caller has no more
        rows to read (or waits for the writer), so nothing else needs Python's lock meanwhile."""
        for held in self.held.values():
            if held.rows:
                self.run(partial(self.con.executemany, held.one, held.rows))
                held.rows = []

    def wait_idle(self) -> None:
        """Write the rows held back and wait until every queued job has run; the connection is then
        the caller's again."""
        self.flush()
        self.jobs.join()
        self.check()

    def stop(self) -> None:
        """Let the queued jobs finish (or drain after an error) and end the thread. Ctrl+C while
        waiting skips the jobs left and still waits: the caller rolls back only once it has ended."""
        interrupted: BaseException | None = None
        stop_queued = False
        try:
            if self.error is None:
                self.flush()
        except BaseException as exc:  # Ctrl+C while the queue was full
            self.error = self.error or exc
            interrupted = exc
        while self.thread.is_alive():
            try:
                if not stop_queued:
                    self.jobs.put(_STOP)
                    stop_queued = True
                self.thread.join()
            except BaseException as exc:
                self.error = self.error or exc
                interrupted = exc
        if interrupted is not None:
            raise interrupted


@contextmanager
def bulk_writer(con: sqlite3.Connection) -> Iterator[BulkWriter]:
    """A BulkWriter for the block: on leaving it every queued statement has run (or, after an
    error anywhere, the thread has stopped) before the caller commits or rolls back."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    writer = None
    try:
        writer = BulkWriter(con)
        yield writer
    except BaseException:
        if writer is not None:
            writer.error = writer.error or RuntimeError("stopped")  # queued jobs are skipped, not run
        raise
    finally:
        try:
            if writer is not None:
                writer.stop()
        finally:
            sys.setswitchinterval(old)
    writer.check()
