"""What every main screen shares: header, body, status line, footer, and reload after writes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen

from ..errors import ReportsWorkerErrors
from ..widgets.chrome import AppHeader, FitFooter, StatusLine


class AppScreen(ReportsWorkerErrors, Screen):
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
