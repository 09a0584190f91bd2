"""Stage ``store-posts``: every post on the ``posts`` topic into the posts table, once."""

from __future__ import annotations

from earnest.pipeline.stage import Stage, dead_letter
from earnest.records import POSTS, InvalidRecord, Post, decode_post
from earnest.store.base import Store


def decode_posts(group: str, payloads: list[bytes]) -> tuple[list[Post], list]:
    """Valid posts, and dead letters for the payloads that are not."""
    posts, letters = [], []
    for payload in payloads:
        try:
            posts.append(decode_post(payload))
        except InvalidRecord as exc:
            letters.append(dead_letter(group, f"invalid post: {exc}", payload))
    return posts, letters


class StorePosts(Stage):
    group = "store-posts"
    topic = POSTS

    def __init__(self, store: Store) -> None:
        self.store = store

    async def handle(self, payloads: list[bytes]) -> None:
        posts, letters = decode_posts(self.group, payloads)
        if letters:
            await self.store.add_dead_letters(letters)
        await self.store.add_posts(posts)
