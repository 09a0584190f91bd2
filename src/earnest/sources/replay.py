"""Replaying an archive of posts: a folder of ``<Subreddit>.csv`` files (the
reddit-top-2013 format), the sample bundled in the package, or any other fixed set of
records that reads the same every time.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import msgspec

from earnest.records import Post
from earnest.sources.base import Rejected, Source
from earnest.sources.dataset import dataset_files
from earnest.sources.timeline import Timeline, TimeMap


@dataclass(frozen=True)
class Archive:
    """A fixed set of records, read in the same order every time: what a replay replays.

    ``label`` names it in log lines; ``identity`` names its content in the replay's
    checkpoint, so it changes exactly when a saved position would mean another record.
    """

    label: str
    identity: str
    read: Callable[[], Iterator[Post | Rejected]]


def folder_archive(folder: Path) -> Archive:
    """Every row of the ``<Subreddit>.csv`` files of ``folder``, file after file."""
    files = dataset_files(folder)
    return Archive(str(folder), str(folder.resolve()),
                   lambda: itertools.chain.from_iterable(file.records() for file in files))


class ReplaySource(Source):
    """Every record of an archive: rejected records first, then posts in time order.

    ``archive`` may be a dataset folder, read as :func:`folder_archive` reads it. The
    order is deterministic, so a checkpointed position means the same record after a
    restart; with ``anchor`` taken from the checkpoint, so does each time.
    """

    stage = "replay"

    def __init__(
        self,
        archive: Archive | Path,
        *,
        timeline: Timeline = Timeline.original,
        span: float = 7 * 24 * 3600,
        anchor: float,
        limit: int | None = None,
        ordered: bool = True,
    ) -> None:
        self.archive = archive if isinstance(archive, Archive) else folder_archive(archive)
        self.timeline = timeline
        self.span = span
        self.anchor = anchor
        self.limit = limit
        # Without reordering or re-timing, records stream straight from the archive in its
        # order, so a backfill starts publishing at once instead of after loading them all.
        self.ordered = ordered or timeline is not Timeline.original
        identity = f"{self.archive.identity}|{timeline.value}|{span}|{limit}|{self.ordered}"
        digest = hashlib.sha1(identity.encode(), usedforsecurity=False).hexdigest()
        self.checkpoint_name = "replay:" + digest[:16]
        self.time_map: TimeMap | None = None

    def _load(self) -> tuple[list[Rejected], list[Post]]:
        rejected: list[Rejected] = []
        posts: list[Post] = []
        for item in self.archive.read():
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
        for item in self.archive.read():
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
