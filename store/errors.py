"""Errors the store raises, each carrying a one-line Chinese message for the clerk."""

from __future__ import annotations


class StoreError(Exception):
    """Something the user must be told about, in Chinese, without a traceback."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotADatabase(StoreError):
    """The file is not a SQLite database at all."""


class NewerSchema(StoreError):
    """The file was written by a newer version of the app; it is left untouched."""


class DatabaseDamaged(StoreError):
    """SQLite reports corruption; the clerk should restore from a backup."""


class ValidationError(StoreError):
    """A value given to a write function is not acceptable; ``field`` names the input."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class IdNeedsReason(ValidationError):
    """An ID number of the right shape whose checksum or birth date fails: saving it needs a reason."""

    def __init__(self, message: str, problem: str):
        super().__init__(message, field="id_number")
        self.problem = problem


class NotFound(StoreError):
    """A row the caller asked for does not exist (or was deleted)."""
