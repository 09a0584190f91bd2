"""Stage ``store-scores``: scores into the scores table and the aggregates, atomically."""

from __future__ import annotations

from earnest.pipeline.stage import Stage, dead_letter
from earnest.records import SCORES, InvalidRecord, decode_score
from earnest.store.base import Store


class StoreScores(Stage):
    group = "store-scores"
    topic = SCORES

    def __init__(self, store: Store) -> None:
        self.store = store

    async def handle(self, payloads: list[bytes]) -> None:
        scores, letters = [], []
        for payload in payloads:
            try:
                scores.append(decode_score(payload))
            except InvalidRecord as exc:
                letters.append(dead_letter(self.group, f"invalid score: {exc}", payload))
        if letters:
            await self.store.add_dead_letters(letters)
        await self.store.add_scores(scores)
