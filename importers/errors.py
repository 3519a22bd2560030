"""Errors raised when an import file cannot be read at all."""

from __future__ import annotations


class ImportFileError(Exception):
    """A file that cannot be read at all; `.message` is a one-line Chinese reason."""

    def __init__(self, message: str) -> None:
        """Keep the one-line Chinese reason as `.message`."""
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        """The Chinese reason, as the CLI prints it."""
        return self.message


# Shared one-line reasons, so every layer says the same thing.
MSG_INVALID = "不是有效的Excel文件或文件已损坏"
MSG_PASSWORD = "文件已设置密码，请取消密码后另存为xlsx"
MSG_FORMULA = "公式无计算结果，请用Excel打开另存后再导入"
