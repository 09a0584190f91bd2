"""UTC conversions for the API: epoch seconds in the store, aware datetimes outside."""

from __future__ import annotations

import time
from datetime import UTC, datetime

HOUR = 3600
DAY = 86400


def utc(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def floor_to(seconds: float, step: int) -> int:
    return int(seconds // step) * step


def now() -> float:
    return time.time()
