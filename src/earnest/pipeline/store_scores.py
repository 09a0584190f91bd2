"""Stage ``store-scores``: scores into the scores table and the aggregates, atomically.

A score counts only for the post stored under its id with the content it was
computed from. A score whose post is not stored yet waits in the store and is
counted when the post arrives; one whose post never arrives within
``wait_for_post`` seconds is dead-lettered.
"""

from __future__ import annotations

from earnest.bus.base import Subscription
from earnest.pipeline.stage import Stage
from earnest.records import decode_score
from earnest.store.base import Store


class StoreScores(Stage):
    """Reads scores; stores them and folds them into the aggregates."""

    def __init__(self, reads: Subscription, store: Store, wait_for_post: float) -> None:
        super().__init__(reads)
        self.store = store
        self.wait_for_post = wait_for_post

    async def handle(self, payloads: list[bytes]) -> None:
        decoded, letters = self.decode(payloads, decode_score)
        await self.store.add_dead_letters(letters)
        await self.store.add_scores([score for score, _ in decoded])

    async def tick(self) -> None:
        await self.store.add_scores([])  # counts waiting scores whose post has arrived
        await self.store.expire_waiting_scores(self.wait_for_post, self.group)
