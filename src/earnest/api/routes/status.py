"""``GET /status``: counts, consumer lag and freshness of the pipeline."""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from earnest.api.conditional import respond
from earnest.api.deps import BusDep, SnapshotsDep, StoreDep, no_unknown_query_parameters
from earnest.api.errors import error_responses
from earnest.api.routes.models import backfill_summary
from earnest.api.schemas import BackfillProgress, Status
from earnest.api.snapshots import Snapshot, snapshot
from earnest.api.timeutil import utc
from earnest.bus.base import Bus
from earnest.model.lifecycle import UNDER_WAY, progresses
from earnest.pipeline.status import pipeline_status
from earnest.store.base import Store

router = APIRouter(tags=["status"], dependencies=[Depends(no_unknown_query_parameters)])

STATUS_EVERY = 0.2
"""Seconds an answer is kept at most: the consumer lag moves with the bus, which the data
version does not see."""


@router.get("/status", response_model=Status, responses=error_responses(304, 422, 500, 503))
async def status(request: Request, store: StoreDep, bus: BusDep,
                 snapshots: SnapshotsDep) -> Response:
    """How much is stored, how far behind each stage is, and how fresh the data is."""
    async def build() -> Snapshot:
        return snapshot((await _status(store, bus)).model_dump(mode="json"))

    return respond(request, await snapshots.answer(request.scope, "status", _this_moment, build))


def _this_moment() -> int:
    return int(time.monotonic() / STATUS_EVERY)


async def _status(store: Store, bus: Bus) -> Status:
    live = await store.active_model()
    snapshot = await pipeline_status(store, bus)
    return Status(
        model_version=live.version if live else None,
        posts=snapshot.counts.posts,
        scores=snapshot.counts.scores,
        waiting_scores=snapshot.counts.waiting_scores,
        dead_letters=snapshot.counts.dead_letters,
        newest_post_utc=utc(snapshot.counts.newest_post_utc),
        last_update_utc=utc(snapshot.counts.last_update_at),
        lag=snapshot.lag,
        backfills=[BackfillProgress(**backfill_summary(b))
                   for b in (await progresses(store)).values() if b.phase in UNDER_WAY],
    )
