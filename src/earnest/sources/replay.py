"""Replaying a folder of ``<Subreddit>.csv`` files (the reddit-top-2013 format)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import msgspec

from earnest.records import Post
from earnest.sources.base import Rejected, Source
from earnest.sources.dataset import dataset_files
from earnest.sources.timeline import Timeline, TimeMap


class ReplaySource(Source):
    """Every row of every file: rejected rows first, then posts in time order.

    The order is deterministic, so a checkpointed position means the same record
    after a restart; with ``anchor`` taken from the checkpoint, so does each time.
    """

    stage = "replay"

    def __init__(
        self,
        folder: Path,
        *,
        timeline: Timeline = Timeline.original,
        span: float = 7 * 24 * 3600,
        anchor: float,
        limit: int | None = None,
        ordered: bool = True,
    ) -> None:
        self.files = dataset_files(folder)
        self.timeline = timeline
        self.span = span
        self.anchor = anchor
        self.limit = limit
        # Without reordering or re-timing, rows stream straight from the files in file
        # order, so a backfill starts publishing at once instead of after loading them all.
        self.ordered = ordered or timeline is not Timeline.original
        identity = f"{folder.resolve()}|{timeline.value}|{span}|{limit}|{self.ordered}"
        digest = hashlib.sha1(identity.encode(), usedforsecurity=False).hexdigest()
        self.checkpoint_name = "replay:" + digest[:16]
        self.time_map: TimeMap | None = None

    def _load(self) -> tuple[list[Rejected], list[Post]]:
        rejected: list[Rejected] = []
        posts: list[Post] = []
        for file in self.files:
            for item in file.records():
                if isinstance(item, Post):
                    posts.append(item)
                else:
                    rejected.append(item)
        posts.sort(key=lambda p: (p.created_utc, p.id))
        if self.limit is not None:
            posts = posts[: self.limit]
        return rejected, posts

    def _stream(self, start: int) -> Iterator[Post | Rejected]:
        index = posts = 0
        for file in self.files:
            for item in file.records():
                if isinstance(item, Post):
                    if self.limit is not None and posts >= self.limit:
                        return
                    posts += 1
                if index >= start:
                    yield item
                index += 1

    def records(self, start: int) -> Iterator[Post | Rejected]:
        if not self.ordered:
            yield from self._stream(start)
            return
        rejected, posts = self._load()
        time_map = self.time_map = TimeMap.fit(
            self.timeline, self.anchor, self.span, [p.created_utc for p in posts]
        )
        sequence: list[Post | Rejected] = [*rejected, *posts]
        offset = len(rejected)
        for index in range(start, len(sequence)):
            item = sequence[index]
            if isinstance(item, Post):
                when = time_map(index - offset, item.created_utc)
                item = msgspec.structs.replace(item, created_utc=when)
            yield item

    def restore(self, state: dict) -> None:
        self.anchor = state.get("anchor", self.anchor)

    def checkpoint_state(self) -> dict:
        return {"anchor": self.anchor, "timeline": self.timeline.value, "span": self.span}
