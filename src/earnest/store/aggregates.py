"""Folding scores into aggregate rows, and checking aggregates against a recomputation.

Both store backends use these, so the bucketing rule lives in one place:
a score lands in the 5-minute and hourly bucket of its post's ``created_utc``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from earnest.records import Score
from earnest.store.base import BUCKETS, subreddit_key

# A key is (model_version, subreddit_key, bucket start); all-time rows use bucket -1.
Key = tuple[str, str, int]
ALL_TIME = -1


def bucket_start(created_utc: float, width: int) -> int:
    return math.floor(created_utc / width) * width


@dataclass
class Fold:
    """Sums of one batch of new scores, per aggregate table and key."""

    buckets: dict[str, dict[Key, list[float]]]
    totals: dict[tuple[str, str], list]  # (version, key) -> [name, count, total, last_post]

    def rows(self, table: str) -> list[tuple[str, str, int, int, float]]:
        """Rows of ``table`` sorted by key, so parallel writers lock in the same order."""
        return [(*key, int(c), t) for key, (c, t) in sorted(self.buckets[table].items())]

    def total_rows(self) -> list[tuple[str, str, str, int, float, float]]:
        return [
            (version, key, name, count, total, last)
            for (version, key), (name, count, total, last) in sorted(self.totals.items())
        ]


def fold(scores: Iterable[Score]) -> Fold:
    buckets: dict[str, dict[Key, list[float]]] = {name: {} for name in BUCKETS}
    totals: dict[tuple[str, str], list] = {}
    for s in scores:
        key = subreddit_key(s.subreddit)
        for name, width in BUCKETS.items():
            acc = buckets[name].setdefault(
                (s.model_version, key, bucket_start(s.created_utc, width)), [0, 0.0]
            )
            acc[0] += 1
            acc[1] += s.seriousness
        total = totals.setdefault((s.model_version, key), [s.subreddit, 0, 0.0, s.created_utc])
        total[1] += 1
        total[2] += s.seriousness
        total[3] = max(total[3], s.created_utc)
    return Fold(buckets, totals)


def differences(
    table: str,
    stored: Mapping[Key, tuple[int, float]],
    recomputed: Mapping[Key, tuple[int, float]],
) -> list[str]:
    """Lines describing every key whose count differs, or whose sum differs beyond rounding.

    Sums of floats depend on the order they were added in, so they are compared
    to within 1e-9 per counted score; counts must be equal.
    """
    lines = []
    for key in sorted(set(stored) | set(recomputed)):
        have = stored.get(key, (0, 0.0))
        want = recomputed.get(key, (0, 0.0))
        if have[0] != want[0] or abs(have[1] - want[1]) > 1e-9 * max(1, want[0]):
            lines.append(f"{table} {key}: stored count={have[0]} sum={have[1]:.9f}, "
                         f"recomputed count={want[0]} sum={want[1]:.9f}")
    return lines
