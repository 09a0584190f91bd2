"""Comparing stored aggregates with a recomputation (``earnest verify``)."""

from __future__ import annotations

from collections.abc import Mapping

# A key is (model_version, subreddit_key, bucket start); all-time rows use bucket -1.
Key = tuple[str, str, int]
ALL_TIME = -1


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
