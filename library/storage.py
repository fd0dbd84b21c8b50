"""Where the library's files live: one small protocol, a filesystem backend under the
instance folder's ``uploads/library`` (an S3-compatible backend can replace it later)."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Protocol, cast

from flask import current_app


class Storage(Protocol):
    def put(self, data: bytes) -> str: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...


class FileStorage:
    """Files named by a random key (never by the uploaded name), written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("bad storage key")
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = secrets.token_hex(20)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return key

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()


def storage() -> FileStorage:
    """The configured backend (``LIBRARY_STORAGE`` in tests, else the instance folder)."""
    custom = current_app.config.get("LIBRARY_STORAGE")
    if custom is not None:
        return cast(FileStorage, custom)
    return FileStorage(Path(current_app.instance_path) / "uploads" / "library")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
