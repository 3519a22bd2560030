"""The Textual app: thin. Global bindings, the CSS, the first screen; work lives in screens."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from .screens.villages import VillagesScreen


class YingbaoApp(App):
    """应保尽保 workbench."""

    TITLE = "应保尽保"
    CSS_PATH = "app.tcss"

    def __init__(self, db_path: Path):
        super().__init__()
        self.db_path = Path(db_path)

    def on_mount(self) -> None:
        """Show the first screen."""
        self.push_screen(VillagesScreen())


def make_app(db_path: Path) -> YingbaoApp:
    """Build the app for main.py and tests alike."""
    return YingbaoApp(db_path)
