"""``GET /subreddits`` and ``GET /subreddit/{name}``."""

from __future__ import annotations

import base64
import json
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from earnest.api.deps import ModelVersionDep, StoreDep
from earnest.api.schemas import (
    HourPoint,
    PostScore,
    SubredditDetail,
    SubredditList,
    SubredditSummary,
)
from earnest.api.timeutil import DAY, HOUR, at, floor_to, now, utc
from earnest.store.base import subreddit_key

router = APIRouter(tags=["subreddits"])

SubredditName = Annotated[
    str,
    Path(pattern=r"^[A-Za-z0-9_]{2,21}$", description="Subreddit name, any case."),
]


def _mean(count: int, total: float) -> float | None:
    return total / count if count else None


@router.get("/subreddits", response_model=SubredditList)
async def list_subreddits(store: StoreDep, version: ModelVersionDep) -> SubredditList:
    """Every tracked subreddit with its all-time seriousness and post count."""
    if version is None:
        return SubredditList(model_version=None, subreddits=[])
    stats = await store.subreddits(version)
    first_day = floor_to(now(), DAY) - 6 * DAY
    days: dict[str, list[float | None]] = {}
    for point in await store.series(version, first_day, DAY):
        row = days.setdefault(point.subreddit, [None] * 7)
        index = (point.start - first_day) // DAY
        if 0 <= index < 7:
            row[index] = _mean(point.count, point.total)
    return SubredditList(
        model_version=version,
        subreddits=[
            SubredditSummary(
                name=s.name,
                seriousness=s.seriousness,
                posts=s.posts,
                last_post_utc=utc(s.last_post_utc),
                last_7d=days.get(subreddit_key(s.name), [None] * 7),
            )
            for s in stats
        ],
    )


def _encode_cursor(created_utc: float, post_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([created_utc, post_id]).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        created, post_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return float(created), str(post_id)
    except (ValueError, TypeError) as exc:
        raise HTTPException(422, "invalid cursor: pass back a next_cursor unchanged") from exc


@router.get("/subreddit/{name}", response_model=SubredditDetail)
async def get_subreddit(
    name: SubredditName,
    store: StoreDep,
    version: ModelVersionDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Posts per page.")] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
) -> SubredditDetail:
    """A subreddit's posts with scores, its all-time score and hourly scores for 7 days."""
    before = _decode_cursor(cursor) if cursor else None
    last_hour = floor_to(now(), HOUR)
    first_hour = last_hour - 167 * HOUR
    view = (await store.subreddit_view(version, name, limit + 1, before, first_hour)
            if version else None)
    if view is None or version is None:
        raise HTTPException(404, f"subreddit {name!r} is not tracked (yet)")
    stats, posts = view.stats, view.posts
    by_hour = {p.start: p for p in view.hours}
    hourly = []
    for start in range(first_hour, last_hour + HOUR, HOUR):
        point = by_hour.get(start)
        count = point.count if point else 0
        hourly.append(HourPoint(hour=at(start), count=count,
                                seriousness=_mean(count, point.total) if point else None))
    page = posts[:limit]
    return SubredditDetail(
        name=stats.name,
        seriousness=stats.seriousness,
        posts_count=stats.posts,
        last_post_utc=utc(stats.last_post_utc),
        model_version=version,
        hourly=hourly,
        posts=[
            PostScore(id=p.id, title=p.title, url=p.url, permalink=p.permalink,
                      created_utc=at(p.created_utc), seriousness=p.seriousness)
            for p in page
        ],
        next_cursor=_encode_cursor(page[-1].created_utc, page[-1].id)
        if len(posts) > limit else None,
    )
