"""A snapshot of the pipeline: stored counts and each consumer group's lag."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from earnest.bus.base import Bus, Subscription
from earnest.errors import BackendError
from earnest.pipeline.wiring import SUBSCRIPTIONS
from earnest.store.base import Counts, Store


@dataclass(frozen=True)
class PipelineStatus:
    counts: Counts
    lag: dict[str, int | None]


async def _lag(bus: Bus, reads: Subscription) -> int | None:
    try:
        return await bus.lag(reads.topic, reads.group)
    except BackendError:
        return None


async def pipeline_status(store: Store, bus: Bus) -> PipelineStatus:
    """The store's counts and the lag of every consumer group of the pipeline."""
    counts = await store.counts()
    lags = await asyncio.gather(*(_lag(bus, reads) for reads in SUBSCRIPTIONS))
    return PipelineStatus(
        counts, {reads.group: lag for reads, lag in zip(SUBSCRIPTIONS, lags, strict=True)}
    )
