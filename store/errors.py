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


class CannotWrite(StoreError):
    """The database cannot be written where it is (permissions, a read-only disk or share): not damage."""


DAMAGE_WORDS = ("not a database", "malformed", "disk image", "corrupt")
ACCESS_WORDS = ("unable to open", "readonly", "read-only", "permission", "access", "cannot open")


def is_damage(exc: BaseException) -> bool:
    """True when SQLite's error says the file itself is damaged."""
    text = str(exc).lower()
    return any(w in text for w in DAMAGE_WORDS)


def is_access_problem(exc: BaseException) -> bool:
    """True when the error is about opening or writing the file or its folder, not its content."""
    text = str(exc).lower()
    return isinstance(exc, PermissionError) or any(w in text for w in ACCESS_WORDS)


def cannot_write(path: object, exc: BaseException | None = None) -> CannotWrite:
    """The Chinese message for a database that cannot be written here (and is not damaged)."""
    why = f"（{exc}）" if exc else ""
    return CannotWrite(f"无法写入数据库所在的文件或文件夹{why}：{path}。这不是数据库损坏，请不要从备份恢复；"
                       "可能是没有写入权限、只读的U盘或光盘、只读的共享文件夹。请把数据库复制到本机可写的文件夹，"
                       "或请管理员放开写入权限后再试")
