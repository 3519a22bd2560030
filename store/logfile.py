"""The log file beside the database, with ID numbers and phones masked before they are written."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from .ids import mask_personal

LOGGER = "yingbao"
# Nothing reaches the terminal unless a log file is set up: no traceback on screen.
logging.getLogger(LOGGER).addHandler(logging.NullHandler())
logging.getLogger(LOGGER).propagate = False


def redact(text: str) -> str:
    """Mask every ID number and mobile phone in a text (store.ids.mask_personal, the one rule)."""
    return mask_personal(text)


class RedactingFormatter(logging.Formatter):
    """Formats a record (traceback included), then masks personal numbers in it."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_path(db_path: Path) -> Path:
    """The log file of a database: yingbao.log in the same folder."""
    return Path(db_path).expanduser().resolve().parent / "yingbao.log"


def setup_logging(db_path: Path) -> Path | None:
    """Log to a rotating file beside the database; None when the folder is not writable."""
    path = log_path(db_path)
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            logger.removeHandler(handler)
            handler.close()
    try:
        if os.name == "posix" and not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # owner-only, like the database
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path


def get_logger(name: str = "") -> logging.Logger:
    """A child of the app's logger."""
    return logging.getLogger(f"{LOGGER}.{name}" if name else LOGGER)
