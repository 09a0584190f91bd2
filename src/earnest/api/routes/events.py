"""``GET /events``: Server-Sent Events telling clients what changed, so they refetch
only that, instead of polling (:mod:`earnest.api.change_feed`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse

from earnest.api.change_feed import ChangeFeed

router = APIRouter(tags=["events"])

RETRY_MS = 3000  # how long a client waits before reconnecting
KEEP_ALIVE = 15.0  # seconds between comments that keep proxies from closing the stream


async def _stream(feed: ChangeFeed, last_id: int | None) -> AsyncIterator[bytes]:
    # No disconnect polling here: the response cancels this generator when the client goes.
    async with feed.subscribe(last_id) as queue:
        yield f"retry: {RETRY_MS}\n\n".encode()
        while True:
            try:
                async with asyncio.timeout(KEEP_ALIVE):
                    event = await queue.get()
            except TimeoutError:
                yield b": keep-alive\n\n"
                continue
            yield event.frame


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": (
        "A stream of `change` events, each `data` a JSON object: `model_version` (the live "
        "version), `subreddits` (the names whose figures changed, or null when more than "
        "200 did: refetch the list), `models` (whether a model's state or a backfill "
        "changed), `at`; and `reset` events: refetch everything. At most four events a "
        "second. Reconnect with `Last-Event-ID` to get the events missed.")}},
)
async def events(request: Request, last_event_id: str | None = Header(
        None, description="The id of the last event received, to resume after it.")
                 ) -> StreamingResponse:
    """What changed, pushed as it changes (Server-Sent Events)."""
    last_id = None
    with contextlib.suppress(ValueError):
        last_id = int(last_event_id) if last_event_id else None
    feed: ChangeFeed = request.app.state.change_feed
    return StreamingResponse(_stream(feed, last_id), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
