"""Helpers shared by the models."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now in UTC, naive: system timestamps (created, changed) are stored as naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
