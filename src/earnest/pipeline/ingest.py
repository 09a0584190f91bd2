"""Stage ``ingest``: records from a source onto a topic of posts, resumably.

After each batch is published (durable on the bus) and its rejected records are
dead-lettered, the source's position is saved in the store. A restart resumes
from that position; a crash before the save republishes the batch, which the
downstream stages absorb because their writes are idempotent. The gaps a source
reports (posts it could not read) are stored with their batch, before the
checkpoint that moves past them. A batch is handed to delivery when it is full,
or when the source yields :data:`~earnest.sources.base.FLUSH` (an endless source,
after each poll), so a live source's posts are published and checkpointed promptly. While the bus or
the store is unreachable, each write is retried (:mod:`earnest.retry`: 0.1 s
doubling to 10 s) until it succeeds or ingest is stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import msgspec

from earnest.bus.base import Bus
from earnest.errors import BackendUnavailable
from earnest.records import DeadLetter, Post, dead_letter, encode
from earnest.retry import Backoff, retry
from earnest.sources.base import Flush, Gap, Rejected, Source
from earnest.store.base import Store


@dataclass
class IngestProgress:
    """What a run of ingest did.

    ``position`` counts the source's records read, ``resumed_from`` where this run
    started; ``finished`` is true once the source ended (rather than ``stop``).
    ``gaps`` counts the gaps the source reported, ``gaps_filled`` those of a live source
    that an import filled.
    """

    position: int = 0
    published: int = 0
    rejected: int = 0
    gaps: int = 0
    resumed_from: int = 0
    finished: bool = False
    gaps_filled: int = 0


log = logging.getLogger(__name__)

# Records read between turns of the event loop: reading is synchronous (a few
# microseconds a record), and the other stages share the loop.
YIELD_EVERY = 100


class _Pacer:
    """Holds posts back so post time advances ``speed`` times faster than the clock."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.origin: tuple[float, float] | None = None

    def delay(self, created_utc: float) -> float:
        now = time.monotonic()
        if self.origin is None:
            self.origin = (now, created_utc)
        wall, post = self.origin
        return wall + (created_utc - post) / self.speed - now


def _log_retry(exc: BackendUnavailable, delay: float) -> None:
    log.warning("ingest: %s; retrying in %.1f s", exc, delay)


async def run_ingest(
    source: Source,
    bus: Bus,
    store: Store,
    stop: asyncio.Event,
    *,
    topic: str,
    batch_size: int,
    speed: float | None = None,
    on_batch: Callable[[IngestProgress], None] | None = None,
) -> IngestProgress:
    """Publish the source's records onto ``topic`` until it ends or ``stop`` is set."""
    checkpoint = await store.get_checkpoint(source.checkpoint_name)
    if checkpoint:
        source.restore(checkpoint)
    progress = IngestProgress()
    progress.position = progress.resumed_from = checkpoint["position"] if checkpoint else 0
    pacer = _Pacer(speed) if speed else None
    posts: list[Post] = []
    letters: list[DeadLetter] = []
    gaps: list[Gap] = []
    pending_since = time.monotonic()
    in_flight: asyncio.Task[None] | None = None

    async def retrying(write: Callable[[], Awaitable[None]]) -> None:
        await retry(write, Backoff(0.1, 10.0, stop=stop), _log_retry)

    async def deliver(posts: list[Post], letters: list[DeadLetter], gaps: list[Gap],
                      state: dict) -> None:
        now = time.time()
        if posts:
            payloads = [encode(msgspec.structs.replace(p, published_at=now)) for p in posts]
            await retrying(lambda: bus.publish(topic, payloads))
        if letters:
            await retrying(lambda: store.add_dead_letters(letters))
        if gaps:
            await retrying(lambda: store.add_gaps(gaps))
        # Saved only once the batch is on the bus, so a crash can repeat it but not skip it.
        await retrying(lambda: store.put_checkpoint(source.checkpoint_name, state))
        progress.published += len(posts)
        progress.rejected += len(letters)
        progress.gaps += len(gaps)
        if on_batch:
            on_batch(progress)

    async def flush() -> None:
        """Hand the gathered records to delivery, and read on while they are written.

        One batch is in flight at a time, so batches reach the bus in order and
        memory stays bounded.
        """
        nonlocal in_flight, posts, letters, gaps
        if in_flight is not None:
            await in_flight
        # The state now, not at delivery: the source reads on meanwhile.
        state = {**source.checkpoint_state(), "position": progress.position}
        in_flight = asyncio.create_task(deliver(posts, letters, gaps, state))
        posts, letters, gaps = [], [], []
        await asyncio.sleep(0)  # start the delivery before reading on

    async with contextlib.aclosing(source.stream(progress.position, stop)) as items:
        async for item in items:
            if stop.is_set():
                break
            if isinstance(item, Flush):
                await flush()
                continue
            if isinstance(item, Gap):
                gaps.append(item)
                continue
            if isinstance(item, Rejected):
                letters.append(dead_letter(source.stage, source.stage, item.reason, item.raw))
            else:
                wait = pacer.delay(item.created_utc) if pacer else 0.0
                if wait > 0:
                    # Publish what is due before sleeping, but gather posts due within a few
                    # milliseconds of each other into one batch rather than one at a time.
                    if wait > 0.05 or time.monotonic() - pending_since > 0.1:
                        await flush()
                    try:
                        await asyncio.wait_for(stop.wait(), wait)
                        break
                    except TimeoutError:
                        pass
                if not posts:
                    pending_since = time.monotonic()
                posts.append(item)
            progress.position += 1
            if len(posts) + len(letters) >= batch_size:
                await flush()
            elif progress.position % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # let the batch in flight and the other stages move on
        else:
            progress.finished = not stop.is_set()
    await flush()
    assert in_flight is not None
    await in_flight
    return progress
