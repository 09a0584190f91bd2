"""Moving a dataset's post times, explicitly, so replayed data lands where views look.

- ``original``: times unchanged.
- ``shift``: every post moves by the same amount so the newest lands at the anchor.
- ``compress``: times are scaled linearly so the dataset spans ``span`` seconds
  ending at the anchor.
- ``spread``: posts keep their order but are spaced evenly over ``span`` seconds
  ending at the anchor, so every hour of the window gets posts.

The anchor is "now" when a replay starts, saved with its checkpoint, so a
resumed replay maps every post to the same time as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

WEEK = 7 * 24 * 3600


class Timeline(str, Enum):
    original = "original"
    shift = "shift"
    compress = "compress"
    spread = "spread"


@dataclass(frozen=True)
class TimeMap:
    """Maps the i-th post (in time order) with time ``t`` to its replayed time."""

    timeline: Timeline
    anchor: float
    span: float
    oldest: float
    newest: float
    count: int

    @classmethod
    def fit(cls, timeline: Timeline, anchor: float, span: float, times: Sequence[float]):
        return cls(timeline, anchor, span, min(times, default=0.0), max(times, default=0.0),
                   len(times))

    def __call__(self, index: int, t: float) -> float:
        if self.timeline is Timeline.shift:
            return t + (self.anchor - self.newest)
        if self.timeline is Timeline.compress:
            width = self.newest - self.oldest
            fraction = (t - self.oldest) / width if width > 0 else 1.0
            return self.anchor - self.span + fraction * self.span
        if self.timeline is Timeline.spread:
            fraction = (index + 1) / self.count if self.count else 1.0
            return self.anchor - self.span + fraction * self.span
        return t

    def describe(self) -> str:
        if self.timeline is Timeline.original:
            return "post times unchanged"
        if self.timeline is Timeline.shift:
            return f"post times shifted by {self.anchor - self.newest:+.0f} s"
        how = "scaled" if self.timeline is Timeline.compress else "spread evenly"
        return f"post times {how} over the {self.span / 3600:.0f} h before {self.anchor:.0f}"
