"""``GET /models``: every registered model version, with what its aggregates hold."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from earnest.api.conditional import respond
from earnest.api.deps import SnapshotsDep, StoreDep, no_unknown_query_parameters
from earnest.api.errors import error_responses
from earnest.api.schemas import ModelList
from earnest.api.snapshots import Snapshot, snapshot
from earnest.api.timeutil import at, utc
from earnest.model.lifecycle import Progress, progresses
from earnest.store.base import ModelInfo, Store, VersionFigures

router = APIRouter(tags=["models"], dependencies=[Depends(no_unknown_query_parameters)])


def backfill_summary(progress: Progress) -> dict[str, Any]:
    return {**progress.to_dict(), "started_at": at(progress.started_at),
            "updated_at": at(progress.updated_at), "switched_at": utc(progress.switched_at),
            "finished_at": utc(progress.finished_at)}


def model_summary(info: ModelInfo, live: bool, figures: VersionFigures,
                  backfill: Progress | None = None) -> dict[str, Any]:
    """One version as ``GET /models`` lists it: what the registry records of it, then its
    figures. A field the registry gains (a state, a card) is added here."""
    return {
        "version": info.version,
        "live": live,
        "created_at": at(info.created_at),
        "metrics": info.metrics,
        "state": info.state,
        "card": info.card,
        "posts": figures.posts,
        "freshness": {"newest_post_utc": utc(figures.newest_post_utc),
                      "last_update_utc": utc(figures.last_update_at)},
        "backfill": backfill_summary(backfill) if backfill else None,
    }


@router.get("/models", response_model=ModelList, responses=error_responses(304, 422, 500, 503))
async def list_models(request: Request, store: StoreDep, snapshots: SnapshotsDep) -> Response:
    """Every model version known, the live one first: ``?model=`` takes any of them."""
    async def build() -> Snapshot:
        return snapshot(await _models(store))

    return respond(request, await snapshots.answer(request.scope, "models", _always, build))


def _always() -> None:
    """The epoch of answers that depend on the data alone."""


async def _models(store: Store) -> dict[str, Any]:
    models = await store.models()
    live = await store.active_model()
    figures = await store.version_figures([m.version for m in models])
    backfills = await progresses(store)
    # The registry lists the newest first; the live version leads.
    ordered = sorted(models, key=lambda m: live is None or m.version != live.version)
    return {"models": [
        model_summary(m, live is not None and m.version == live.version, figures[m.version],
                      backfills.get(m.version))
        for m in ordered
    ]}
