"""Stage ``score``: the seriousness model over each batch of posts, onto ``posts-scores``."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from earnest.bus.base import Bus
from earnest.pipeline.stage import Stage
from earnest.pipeline.store_posts import decode_posts
from earnest.records import POSTS, SCORES, Score, encode
from earnest.store.base import Store

if TYPE_CHECKING:
    from earnest.model.artifact import SeriousnessModel


class ScorePosts(Stage):
    group = "score"
    topic = POSTS

    def __init__(self, bus: Bus, store: Store, model: SeriousnessModel) -> None:
        self.bus = bus
        self.store = store
        self.model = model

    async def handle(self, payloads: list[bytes]) -> None:
        posts, letters = decode_posts(self.group, payloads)
        if letters:
            await self.store.add_dead_letters(letters)
        if not posts:
            return
        values = await asyncio.to_thread(
            self.model.score, [p.title for p in posts], [p.selftext for p in posts]
        )
        version = self.model.version
        await self.bus.publish(
            SCORES,
            [
                encode(Score(post_id=p.id, model_version=version, seriousness=float(v),
                             subreddit=p.subreddit, created_utc=p.created_utc,
                             published_at=p.published_at))
                for p, v in zip(posts, values, strict=True)
            ],
        )
