"""What a source produces: posts, rejected records with the reason, gaps, and flush marks.

A finite source (files, a dataset) implements :meth:`Source.records`, a plain iterator. An
endless one (the live Reddit API) overrides :meth:`Source.stream`, an async iterator, so
that waiting for the next poll or an HTTP response never holds the event loop the other
stages share, and yields :data:`FLUSH` after each poll so that what it read is published
and checkpointed at once rather than when a batch fills.
"""

from __future__ import annotations

import asyncio
from abc import ABC
from collections.abc import AsyncGenerator, Iterator
from dataclasses import dataclass

from earnest.records import RAW_LIMIT, Post, storable_raw

__all__ = ["FLUSH", "RAW_LIMIT", "Flush", "Gap", "ReadProgress", "Rejected", "Source",
           "storable_raw"]


@dataclass(frozen=True)
class Rejected:
    """A record the source could not turn into a post; it goes to the dead letters.

    ``raw`` is stored as :func:`storable_raw` makes it: bounded, and valid UTF-8.
    """

    reason: str
    raw: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "raw", storable_raw(self.raw))


@dataclass(frozen=True)
class Gap:
    """Posts of ``subreddit`` created from ``start`` to ``end`` (seconds since the epoch,
    both included) that the source could not read: they may be missing until a dump over
    that range is imported. Stored with the batch it comes in, before the checkpoint that
    moves past it."""

    subreddit: str
    start: float
    end: float
    found_at: float


class Flush:
    """The mark a source yields when what it has read should be published now."""

    def __repr__(self) -> str:
        return "FLUSH"


FLUSH = Flush()

Record = Post | Rejected | Gap | Flush


@dataclass(frozen=True)
class ReadProgress:
    """How far a source has read what it reads from.

    ``done`` and ``total`` are bytes as stored (a compressed file's compressed bytes);
    ``total`` is ``None`` when it is unknown (standard input). ``file`` names what is
    being read.
    """

    done: int
    total: int | None
    file: str


class Source(ABC):
    """A finite or endless sequence of records in a deterministic order.

    ``checkpoint_name`` identifies the sequence; the ingest stage saves how many
    records it has published under that name and resumes from there.
    """

    checkpoint_name: str
    stage = "ingest"

    def records(self, start: int) -> Iterator[Post | Rejected]:
        """Records from position ``start`` (0-based) on: what a finite source implements."""
        raise NotImplementedError(f"{type(self).__name__} implements neither records nor stream")

    async def stream(self, start: int, stop: asyncio.Event) -> AsyncGenerator[Record, None]:
        """What ingest reads: :meth:`records` unless overridden by an endless source,
        which must end soon after ``stop`` is set, even while it waits."""
        for item in self.records(start):
            yield item

    def restore(self, state: dict) -> None:  # noqa: B027 - optional hook
        """Take back the extra state saved with a checkpoint, before ``records`` is called."""

    def checkpoint_state(self) -> dict:
        """Extra state to save with the position (e.g. a replay's time anchor).

        Called by ingest when it hands a batch to delivery, and saved once that batch is
        published: it must describe the records yielded so far, no further.
        """
        return {}

    def progress(self) -> ReadProgress | None:
        """How far ``records`` has read, for a progress display; ``None`` if it cannot say.

        Called between records, from the thread that iterates them; it must be cheap.
        """
        return None
