"""Where material files lie. One folder per installation (``MATERIALS_DIR``, default ``instance/materials``),
each file under a random key, never under a name an uploader chose."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app


def _folder() -> Path:
    folder = Path(current_app.config.get("MATERIALS_DIR") or Path(current_app.instance_path) / "materials")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(key: str) -> Path:
    if not key or not all(c.isalnum() or c in "-_" for c in key):
        raise ValueError("invalid storage key")
    return _folder() / key


def save(data: bytes) -> str:
    """Store bytes and return their key."""
    key = secrets.token_urlsafe(24)
    _path(key).write_bytes(data)
    return key


def load(key: str) -> bytes | None:
    path = _path(key)
    return path.read_bytes() if path.is_file() else None


def delete(key: str) -> None:
    _path(key).unlink(missing_ok=True)
