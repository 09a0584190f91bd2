"""Promotions' backfills: every stored post scored by the version being promoted.

One worker at a time runs a backfill, holding its lease in the store (any score
worker may take over when the lease runs out: a crash costs at most a lease). A
backfill goes over the stored posts by id in passes, each asking only for posts that
have no score under the version yet, so it resumes where it stopped and a post that
the score stage scored meanwhile is not scored twice. Scores are written with
:meth:`Store.add_scores`, the one idempotent write path, which folds them into the
aggregates in the same transaction; the progress is saved after the write.

A pass that finds nothing left tries the switch (:meth:`Store.switch_live`), which
makes the version live only if it counts at least the posts the live one counts.
After the switch the backfill goes on for ``settle`` seconds, so that a post which a
worker scored before it loaded the new version, and which was stored late, is
scored too; then it is finished.

The throttle keeps live freshness: a chunk is sized to take about ``chunk_seconds``,
and the backfill rests after each chunk, so it uses at most ``duty`` of the time
(the embedded store has one writer, and a worker one event loop, which live batches
share); and it waits while live posts queue up for the score stage (``live_lag``
over ``max_live_lag``), so a burst of live posts goes first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from earnest.errors import BackendError, ModelError
from earnest.records import Score
from earnest.store.base import LIVE, PROMOTING, Backfill, Store, UnscoredPost

if TYPE_CHECKING:
    from earnest.model.in_use import ModelsInUse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Throttle:
    chunk_seconds: float = 0.1  # a chunk's scoring and writing, at most about this long
    duty: float = 0.5  # the share of time a backfill may use
    first_chunk: int = 500
    max_chunk: int = 5_000
    idle_wait: float = 1.0  # between looks when nothing is to be done
    lease: float = 30.0
    settle: float = 10.0
    max_live_lag: int = 1_000  # live posts waiting for the score stage


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Backfiller:
    """Runs the backfills of promoting versions, one chunk at a time."""

    def __init__(self, store: Store, models: ModelsInUse, throttle: Throttle | None = None,
                 holder: str | None = None,
                 live_lag: Callable[[], Awaitable[int]] | None = None) -> None:
        self.store = store
        self.models = models
        self.live_lag = live_lag
        self.throttle = throttle or Throttle()
        self.holder = holder or holder_name()
        self._chunk = self.throttle.first_chunk

    async def run(self, stop: asyncio.Event) -> None:
        """Backfill until ``stop`` is set; a store outage is waited out."""
        while not stop.is_set():
            try:
                rest = await self.step()
            except (BackendError, ModelError) as exc:
                log.warning("backfill: %s; will retry", exc)
                rest = self.throttle.idle_wait * 5
            if rest > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), rest)

    async def step(self) -> float:
        """Advance one backfill by one chunk (or one check); the seconds to rest."""
        if self.live_lag is not None and await self.live_lag() > self.throttle.max_live_lag:
            return self.throttle.idle_wait / 2
        states = {m.version: m.state for m in await self.store.models()}
        for backfill in await self.store.backfills():
            state = states.get(backfill.version)
            if backfill.finished_at is not None or state not in (PROMOTING, LIVE):
                continue
            now = time.time()
            claimed = await self.store.claim_backfill(backfill.version, self.holder,
                                                      now + self.throttle.lease)
            if claimed is not None:
                return await self._advance(claimed, state)
        return self.throttle.idle_wait

    async def _advance(self, backfill: Backfill, state: str) -> float:
        posts = await self.store.unscored_posts(backfill.version, backfill.cursor, self._chunk)
        if posts:
            return await self._score(backfill, posts)
        if backfill.cursor:  # a pass ended: the next one starts from the first post
            await self._save(backfill, cursor="", passes=backfill.passes + 1)
            return 0.0
        # Every stored post has a score under the version.
        if state == PROMOTING:
            if await self.store.switch_live(backfill.version):
                log.info("model %s is live: its backfill caught up (%d posts scored)",
                         backfill.version, backfill.scored)
                return 0.0
            return self.throttle.idle_wait  # the live version counts posts in flight
        switched_at = backfill.switched_at or backfill.started_at
        if time.time() - switched_at >= self.throttle.settle:
            await self._save(backfill, finished_at=time.time())
            log.info("backfill of %s finished", backfill.version)
            return 0.0
        return self.throttle.idle_wait

    async def _score(self, backfill: Backfill, posts: list[UnscoredPost]) -> float:
        started = time.monotonic()
        model = await self.models.get(backfill.version)
        values = await asyncio.to_thread(
            model.score, [p.title for p in posts], [p.selftext for p in posts])
        now = time.time()
        await self.store.add_scores([
            Score(post_id=p.id, model_version=backfill.version, seriousness=float(v),
                  subreddit=p.subreddit, created_utc=p.created_utc, post_hash=p.content_hash,
                  published_at=now)
            for p, v in zip(posts, values, strict=True)
        ])
        await self._save(backfill, cursor=posts[-1].id, scored=backfill.scored + len(posts))
        took = time.monotonic() - started
        t = self.throttle
        self._chunk = max(50, min(t.max_chunk, int(len(posts) * t.chunk_seconds / max(took, 1e-3))))
        return took * (1 - t.duty) / t.duty

    async def _save(self, backfill: Backfill, **changes: Any) -> None:
        now = time.time()
        saved = replace(backfill, updated_at=now, lease_until=now + self.throttle.lease,
                        **changes)
        if not await self.store.save_backfill(saved):
            log.warning("backfill of %s was taken over by another worker", backfill.version)
