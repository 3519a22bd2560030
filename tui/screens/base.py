"""What every main screen shares: header, body, status line, footer, and reload after writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from store.schema import db

from ..errors import ReportsWorkerErrors, retry_locked
from ..messages import DataChanged
from ..widgets.chrome import AppHeader, FitFooter, StatusLine

T = TypeVar("T")


class LoadsInThread(ReportsWorkerErrors):
    """The one way a screen reads the store: a thread worker, then the result shown on the UI thread."""

    def load_then_show(self, group: str, fetch: Callable[[], T], show: Callable[[T], Any]) -> Worker:
        """Run ``fetch`` in an exclusive thread worker of ``group`` inside ``db.connection_context()``,
        then ``show(result)`` on the UI thread unless the worker was cancelled meanwhile; an error goes
        to the Chinese notification of ReportsWorkerErrors (and ``worker_failed``)."""

        def job() -> None:
            """The worker's body."""
            with db.connection_context():
                result = fetch()
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(show, result)

        return self.run_worker(job, thread=True, exclusive=True, exit_on_error=False, group=group)

    def write_then_show(self, group: str, write: Callable[[], T], show: Callable[[T], Any] | None = None,
                        *, changed: bool = True) -> Worker:
        """Run the store write ``write`` in a thread worker of ``group`` (retried while the database is
        locked), then ``show(result)`` on the UI thread and, with ``changed``, tell every screen the data
        changed (DataChanged). An error goes to the Chinese notification like a load's."""

        def job() -> None:
            """The worker's body."""
            with db.connection_context():
                result = retry_locked(write)
            if show is not None:
                self.app.call_from_thread(show, result)
            if changed:
                self.app.call_from_thread(self.app.post_message, DataChanged())

        return self.run_worker(job, thread=True, exclusive=False, exit_on_error=False, group=group)


class AppScreen(LoadsInThread, Screen):
    """A main screen; subclasses give `compose_body` and `reload`."""

    stale = False
    WRITE_ACTIONS: frozenset[str] = frozenset()  # greyed out in read-only mode

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """In read-only mode the keys that write are disabled."""
        return not (getattr(self.app, "read_only", False) and action in self.WRITE_ACTIONS)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield from self.compose_body()
        yield StatusLine()
        yield FitFooter()

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets."""
        return iter(())

    def reload(self) -> None:
        """Read the screen's data again (in a worker)."""

    def mark_stale(self) -> None:
        """Data changed: reload now if showing, else when shown again."""
        if self.is_current:
            self.reload()
        else:
            self.stale = True

    def on_screen_resume(self) -> None:
        """Back on screen: reload if a write happened meanwhile."""
        if self.stale:
            self.stale = False
            self.reload()
