"""Stage ``score``: every model version in use over each batch of posts, onto a topic of
scores."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from earnest.bus.base import Bus, Subscription
from earnest.pipeline.stage import Stage
from earnest.records import Post, Score, decode_post, encode, fingerprint
from earnest.store.base import Store

if TYPE_CHECKING:
    from earnest.model.in_use import ModelsInUse
    from earnest.model.scorer import Scorer

log = logging.getLogger(__name__)


class ScorePosts(Stage):
    """Reads posts; publishes onto ``publishes_to`` a score of each by every version in
    a scoring state (live, promoting, shadow), as the registry says at the time."""

    def __init__(self, reads: Subscription, bus: Bus, store: Store, models: ModelsInUse,
                 publishes_to: str) -> None:
        super().__init__(reads)
        self.publishes_to = publishes_to
        self.bus = bus
        self.store = store
        self.models = models

    async def tick(self) -> None:
        await self.models.refresh()

    async def handle(self, payloads: list[bytes]) -> None:
        decoded, letters = self.decode(payloads, decode_post)
        await self.store.add_dead_letters(letters)
        if not decoded:
            return
        posts = [post for post, _ in decoded]
        hashes = [fingerprint(p) for p in posts]  # once per post, whatever the versions
        live, *others = await self.models.scorers()
        scores = await self._scores(live, posts, hashes)
        for model in others:
            try:
                scores += await self._scores(model, posts, hashes)
            except Exception:  # a version beside the live one never holds up live scores
                log.exception("model %s failed on a batch of %d posts; they go without its "
                              "scores (a promotion's backfill scores them again)",
                              model.version, len(posts))
        await self.bus.publish(self.publishes_to, [encode(s) for s in scores])

    @staticmethod
    async def _scores(model: Scorer, posts: list[Post], hashes: list[str]) -> list[Score]:
        values = await asyncio.to_thread(
            model.score, [p.title for p in posts], [p.selftext for p in posts])
        return [Score(post_id=p.id, model_version=model.version, seriousness=float(v),
                      subreddit=p.subreddit, created_utc=p.created_utc,
                      post_hash=h, published_at=p.published_at)
                for p, h, v in zip(posts, hashes, values, strict=True)]
