"""Stage ``score``: the seriousness model over each batch of posts, onto a topic of scores."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from earnest.bus.base import Bus, Subscription
from earnest.pipeline.stage import Stage
from earnest.records import Score, decode_post, encode, fingerprint
from earnest.store.base import Store

if TYPE_CHECKING:
    from earnest.model.scorer import Scorer


class ScorePosts(Stage):
    """Reads posts; publishes a score of each onto ``publishes_to``, by any kind of model."""

    def __init__(self, reads: Subscription, bus: Bus, store: Store, model: Scorer,
                 publishes_to: str) -> None:
        super().__init__(reads)
        self.publishes_to = publishes_to
        self.bus = bus
        self.store = store
        self.model = model

    async def handle(self, payloads: list[bytes]) -> None:
        decoded, letters = self.decode(payloads, decode_post)
        await self.store.add_dead_letters(letters)
        if not decoded:
            return
        posts = [post for post, _ in decoded]
        values = await asyncio.to_thread(
            self.model.score, [p.title for p in posts], [p.selftext for p in posts]
        )
        version = self.model.version
        await self.bus.publish(
            self.publishes_to,
            [
                encode(Score(post_id=p.id, model_version=version, seriousness=float(v),
                             subreddit=p.subreddit, created_utc=p.created_utc,
                             post_hash=fingerprint(p), published_at=p.published_at))
                for p, v in zip(posts, values, strict=True)
            ],
        )
