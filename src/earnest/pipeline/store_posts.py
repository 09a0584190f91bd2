"""Stage ``store-posts``: every post it reads into the posts table, once.

A later record of a stored post (the same id, subreddit, creation time and title)
is a revision: it updates the post's counts and removal status, and a removal takes
the post out of the aggregates (see :mod:`earnest.store.post_writes`). A record that
reuses a stored id for another post conflicts: the first stored copy stays, and the
other is dead-lettered with the reason, so it is counted and visible.
"""

from __future__ import annotations

from earnest.bus.base import Subscription
from earnest.pipeline.stage import Stage
from earnest.records import decode_post
from earnest.store.base import Store


class StorePosts(Stage):
    """Reads posts; stores them."""

    def __init__(self, reads: Subscription, store: Store) -> None:
        super().__init__(reads)
        self.store = store

    async def handle(self, payloads: list[bytes]) -> None:
        decoded, letters = self.decode(payloads, decode_post)
        added = await self.store.add_posts([post for post, _ in decoded])
        for index in added.conflicts:
            post, payload = decoded[index]
            letters.append(self.reject(
                payload, f"post id {post.id!r} is stored already with other content "
                "(another subreddit, creation time or title); the first stored copy is kept"))
        await self.store.add_dead_letters(letters)
