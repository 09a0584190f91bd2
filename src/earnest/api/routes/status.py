"""``GET /status``: counts, consumer lag and freshness of the pipeline."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from earnest.api.deps import BusDep, ModelVersionDep, StoreDep, no_unknown_query_parameters
from earnest.api.errors import error_responses
from earnest.api.routes.models import backfill_summary
from earnest.api.schemas import BackfillProgress, Status
from earnest.api.timeutil import utc
from earnest.model.lifecycle import UNDER_WAY, progresses
from earnest.pipeline.status import pipeline_status

router = APIRouter(tags=["status"], dependencies=[Depends(no_unknown_query_parameters)])


@router.get("/status", response_model=Status, responses=error_responses(422, 500, 503))
async def status(store: StoreDep, bus: BusDep, version: ModelVersionDep) -> Status:
    """How much is stored, how far behind each stage is, and how fresh the data is."""
    snapshot = await pipeline_status(store, bus)
    return Status(
        model_version=version,
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
