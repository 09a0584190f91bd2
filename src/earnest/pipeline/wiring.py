"""The pipeline, declared once: its stages, their consumer groups and their topics.

::

    sources ──▶ [posts] ──▶ store-posts
                   └──────▶ score ──▶ [posts-scores] ──▶ store-scores
                            (+ backfills of promoted models, into the store)

Everything that needs to know the shape of the pipeline reads it here: the
composition root (:mod:`earnest.runtime`) builds the stages from :data:`PIPELINE`
and hands :data:`SUBSCRIPTIONS` to the bus, the status report lists each group's
lag, and ``earnest worker`` takes a stage's name. The stages themselves know only
the group and topics they are given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from earnest.bus.base import Bus, Subscription
from earnest.config import Settings
from earnest.errors import ConfigError
from earnest.pipeline.backfill import Backfiller
from earnest.pipeline.score import ScorePosts
from earnest.pipeline.stage import Stage
from earnest.pipeline.store_posts import StorePosts
from earnest.pipeline.store_scores import StoreScores
from earnest.records import POSTS, SCORES
from earnest.store.base import Store

if TYPE_CHECKING:
    from earnest.model.in_use import ModelsInUse

SOURCE_TOPIC = POSTS  # where ingest publishes what sources read


@dataclass(frozen=True)
class Parts:
    """What stages are built from; ``models`` is made only when a stage needs them."""

    bus: Bus
    store: Store
    settings: Settings
    models: ModelsInUse | None = None


Companion = Callable[["Parts", asyncio.Event], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class StageSpec:
    """A stage: the name ``earnest worker`` takes, what it reads, and how it is built;
    ``companion``: work its workers do beside their batches, until the event is set."""

    name: str
    reads: Subscription
    build: Callable[[Subscription, Parts], Stage]
    needs_model: bool = False
    companion: Companion | None = None


SCORE_READS = Subscription(group="score", topic=POSTS)


def _store_posts(reads: Subscription, parts: Parts) -> Stage:
    return StorePosts(reads, parts.store)


def _models(parts: Parts) -> ModelsInUse:
    if parts.models is None:
        raise ConfigError("the score stage needs the models in use")
    return parts.models


def _score(reads: Subscription, parts: Parts) -> Stage:
    return ScorePosts(reads, parts.bus, parts.store, _models(parts), publishes_to=SCORES)


async def _backfill(parts: Parts, stop: asyncio.Event) -> None:
    async def live_lag() -> int:  # posts waiting for the score stage
        return await parts.bus.lag(SCORE_READS.topic, SCORE_READS.group) or 0

    await Backfiller(parts.store, _models(parts), live_lag=live_lag).run(stop)


def _store_scores(reads: Subscription, parts: Parts) -> Stage:
    return StoreScores(reads, parts.store, wait_for_post=parts.settings.post_wait)


PIPELINE = (
    StageSpec("store-posts", Subscription(group="store-posts", topic=POSTS), _store_posts),
    StageSpec("score", SCORE_READS, _score, needs_model=True,
              companion=_backfill),
    StageSpec("store-scores", Subscription(group="store-scores", topic=SCORES), _store_scores),
)
STAGES = tuple(spec.name for spec in PIPELINE)
SUBSCRIPTIONS = tuple(spec.reads for spec in PIPELINE)


def stage_spec(name: str) -> StageSpec:
    """The stage called ``name``; a ``ConfigError`` naming the stages if there is none."""
    for spec in PIPELINE:
        if spec.name == name:
            return spec
    raise ConfigError(f"unknown stage {name!r}; choose one of {', '.join(STAGES)}")
