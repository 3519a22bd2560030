"""Every stored person, read while a large list is still being parsed.

python-calamine parses a 50,000-row list for half a second without holding Python's lock, and one of
the two cores waits meanwhile. An import's first read (the stored persons its list names, store/
import_plan.py) cannot start before the parse, since the ID numbers come from it. Reading every
person of a town instead needs no numbers: queued on the thread that hashes the file during the
parse (importers/load.py _prepare), on a connection of its own, it is done by the time the rows
are, and the import skips its own read. One thread beside the parse, not two: a third busy thread
on two cores took the parse's core part of the time and made it 0.05 s slower.

The import takes the result only from inside its IMMEDIATE transaction, and only when the reading
connection's ``PRAGMA data_version`` shows that nothing was committed since it read: then no write
can come between that read and the import's commit. Otherwise it reads the named persons itself, as
without this. close_db() closes every reading connection still open (a file left open would stop a
restore from replacing the database on Windows).
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from concurrent.futures import Executor, Future, wait

from store.db import BUSY_TIMEOUT_MS, on_close

MIN_FILE_BYTES = 2 * 2**20  # about 15,000 rows of .xlsx: a smaller list parses before everyone is read
MAX_PERSONS = 300_000  # beyond this, reading everyone costs more than reading those a list names

_open: weakref.WeakSet[PersonsAhead] = weakref.WeakSet()
_open_lock = threading.Lock()


class PersonsAhead:
    """Every stored person (store/imports/plan.py preload_persons), read as a job of another thread."""

    def __init__(self, path: str) -> None:
        """A read of the database at `path`, not started yet (begin() queues it)."""
        self.path = path
        self.used = False  # True once an import took the persons (tests and the bench look)
        self._known: dict[str, list] | None = None
        self._version: int | None = None
        self._con: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._future: Future | None = None
        with _open_lock:
            _open.add(self)

    def begin(self, executor: Executor) -> None:
        """Queue the read on `executor` (a thread beside the parse)."""
        self._future = executor.submit(self._read)

    def wait(self) -> None:
        """Wait until the read has ended (or was dropped by close())."""
        future = self._future
        if future is not None and not future.cancelled():  # wait() would wait for a dropped one to be reached
            wait([future])

    @classmethod
    def start(cls, path: str | None, file_bytes: int) -> PersonsAhead | None:
        """A read of the database at `path` for a list of this size (begin() queues it), or None when
        the list is too small for it to pay (or no database is open)."""
        if not path or path == ":memory:" or file_bytes < MIN_FILE_BYTES:
            return None
        return cls(str(path))

    def _read(self) -> None:
        """On the executor's thread: every person and the data version they were read at, in one read
        transaction."""
        from store.imports.plan import preload_persons

        try:
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                  check_same_thread=False)
        except sqlite3.Error:
            return
        with self._lock:
            self._con = con
        try:
            con.execute("PRAGMA query_only = 1")
            con.execute("BEGIN")
            (count,) = con.execute('SELECT coalesce(max(id), 0) FROM "person"').fetchone()
            if count <= MAX_PERSONS:
                known = preload_persons(con, None)
                (version,) = con.execute("PRAGMA data_version").fetchone()
                self._known, self._version = known, version
            con.execute("COMMIT")
        except Exception:  # noqa: BLE001 - a read ahead that fails is not used; the import reads itself
            self._known = None

    def take(self, database: str) -> dict[str, list] | None:
        """The persons, if they are still what the database holds, else None; closes the connection.

        Call from inside the import's IMMEDIATE transaction on `database` (the outermost one): no
        other connection can commit from then on, so an unchanged data version means unchanged data."""
        self.wait()
        known, self._known = self._known, None
        try:
            if known is None or str(database) != self.path or self._con is None:
                return None
            (version,) = self._con.execute("PRAGMA data_version").fetchone()
            if version != self._version:
                return None
            self.used = True
            return known
        except sqlite3.Error:
            return None
        finally:
            self.close()

    def close(self) -> None:
        """Drop what was read and close the connection: a read not started yet is dropped, one under
        way is waited for."""
        if self._future is not None:
            self._future.cancel()
        self.wait()
        self._known = None
        with self._lock:
            con, self._con = self._con, None
        if con is not None:
            con.close()
        with _open_lock:
            _open.discard(self)


def close_all() -> None:
    """Close every reading connection still open (close_db calls this)."""
    with _open_lock:
        live = list(_open)
    for ahead in live:
        ahead.close()


on_close(close_all)
