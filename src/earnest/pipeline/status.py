"""A snapshot of the pipeline: stored counts and each consumer group's lag."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from earnest.bus.base import Bus
from earnest.errors import BackendError
from earnest.pipeline.score import ScorePosts
from earnest.pipeline.store_posts import StorePosts
from earnest.pipeline.store_scores import StoreScores
from earnest.store.base import Counts, Store

CONSUMERS = [(s.group, s.topic) for s in (StorePosts, ScorePosts, StoreScores)]


@dataclass(frozen=True)
class PipelineStatus:
    counts: Counts
    lag: dict[str, int | None]


async def _lag(bus: Bus, topic: str, group: str) -> int | None:
    try:
        return await bus.lag(topic, group)
    except BackendError:
        return None


async def pipeline_status(store: Store, bus: Bus) -> PipelineStatus:
    counts = await store.counts()
    lags = await asyncio.gather(*(_lag(bus, topic, group) for group, topic in CONSUMERS))
    return PipelineStatus(
        counts, {group: lag for (group, _), lag in zip(CONSUMERS, lags, strict=True)}
    )
