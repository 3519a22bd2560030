"""Completion of a typed path: folders and the list files the import reads."""

from __future__ import annotations

from pathlib import Path

from textual.suggester import Suggester

LIST_SUFFIXES = {".xlsx", ".xls", ".ods", ".csv", ".txt", ".et"}


class PathSuggester(Suggester):
    """Completes a path with the first matching folder or list file."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        """The first entry of the typed folder that starts with the typed name."""
        if not value:
            return None
        typed = Path(value).expanduser()
        folder, stem = (typed, "") if value.endswith(("/", "\\")) else (typed.parent, typed.name)
        try:
            names = sorted(p for p in folder.iterdir() if p.name.startswith(stem) and not p.name.startswith(".")
                           and (p.is_dir() or p.suffix.lower() in LIST_SUFFIXES))
        except OSError:
            return None
        if not names:
            return None
        return value[: len(value) - len(stem)] + names[0].name + ("/" if names[0].is_dir() else "")
