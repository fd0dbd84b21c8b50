"""Storage faults said plainly: a read-only instance folder stops the start with a message
naming it, and a database that cannot write (disk full, read-only, I/O error) answers a clear
error instead of "busy". SQLite rolls the failed transaction back: nothing half-written stays.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from sqlalchemy.exc import OperationalError

from app.config import ConfigError

#: Fragments of driver messages, lower case (sqlite3 and psycopg).
FULL = ("database or disk is full", "disk i/o error", "no space left on device", "disk full")
READ_ONLY = ("attempt to write a readonly database", "read-only file system", "read only")


def check_instance_writable(path: Path) -> None:
    """Raise :class:`ConfigError` unless files can be created in the instance folder."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".write-check-", dir=path)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            why = "is read-only"
        elif error.errno == errno.ENOSPC:
            why = "is on a full disk"
        else:
            why = f"cannot be written ({error.strerror})"
        raise ConfigError(
            f"The instance folder {path} {why}: jam3ia keeps its database, search index and "
            f"uploads there. Make it writable for this user, or point JAM3IA_INSTANCE_PATH "
            f"to a writable folder."
        ) from error


def storage_problem(error: OperationalError) -> tuple[int, str, str] | None:
    """``(status, code, message)`` when ``error`` means the storage cannot take writes."""
    text = str(error.orig if error.orig is not None else error).lower()
    if any(part in text for part in FULL):
        return (
            507,
            "storage_full",
            "The server cannot save right now: its storage is full or failing. "
            "Nothing was changed; try again later.",
        )
    if any(part in text for part in READ_ONLY):
        return (
            503,
            "read_only",
            "The server cannot save right now: its storage is read-only. "
            "Nothing was changed; try again later.",
        )
    return None
