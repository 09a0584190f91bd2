"""``GET /subreddits`` and ``GET /subreddit/{name}``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import WithJsonSchema

from earnest.api.cursor import CURSOR_PATTERN, decode_cursor, encode_cursor
from earnest.api.deps import ModelsDep, ShownDep, StoreDep, no_unknown_query_parameters
from earnest.api.errors import data_responses
from earnest.api.explanations import explain_posts
from earnest.api.responses import FastJSON
from earnest.api.schemas import SubredditDetail, SubredditList, SubredditSeries
from earnest.api.timeutil import DAY, HOUR, at, floor_to, now, utc
from earnest.records import SUBREDDIT_PATTERN, SUBREDDIT_RULE
from earnest.store.base import PostView, SeriesPoint, subreddit_key

router = APIRouter(tags=["subreddits"], dependencies=[Depends(no_unknown_query_parameters)])

SubredditName = Annotated[
    str,
    Path(pattern=SUBREDDIT_PATTERN, description=f"Subreddit name: {SUBREDDIT_RULE}.",
         examples=["AskScience"]),
]


def _mean(count: int, total: float) -> float | None:
    return total / count if count else None


def _every_bucket(points: list[SeriesPoint], first: int, last: int, step: int, key: str
                  ) -> list[dict[str, Any]]:
    """One entry per bucket from ``first`` to ``last``; empty ones count 0 with no mean."""
    by_start = {p.start: p for p in points}
    out = []
    for start in range(first, last + step, step):
        point = by_start.get(start)
        count = point.count if point else 0
        out.append({key: at(start), "count": count,
                    "seriousness": _mean(count, point.total) if point else None})
    return out


@router.get("/subreddits", response_model=SubredditList, responses=data_responses(422))
async def list_subreddits(store: StoreDep, shown: ShownDep) -> FastJSON:
    """Every tracked subreddit with its all-time seriousness and post count."""
    version = shown.version
    if version is None:
        return FastJSON({"model_version": None, "freshness": shown.freshness(),
                         "subreddits": []})
    stats = await store.subreddits(version)
    first_day = floor_to(now(), DAY) - 6 * DAY
    days: dict[str, list[float | None]] = {}
    for point in await store.series(version, first_day, DAY):
        row = days.setdefault(point.subreddit, [None] * 7)
        index = (point.start - first_day) // DAY
        if 0 <= index < 7:
            row[index] = _mean(point.count, point.total)
    return FastJSON({
        "model_version": version,
        "freshness": shown.freshness(),
        "subreddits": [
            {"name": s.name, "seriousness": s.seriousness, "posts": s.posts,
             "last_post_utc": utc(s.last_post_utc),
             "last_7d": days.get(subreddit_key(s.name), [None] * 7)}
            for s in stats
        ],
    }, headers=shown.headers())


@router.get("/subreddit/{name}", response_model=SubredditDetail,
            responses=data_responses(404, 422))
async def get_subreddit(
    name: SubredditName,
    store: StoreDep,
    shown: ShownDep,
    models: ModelsDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Posts per page.")] = 50,
    cursor: Annotated[
        str | None,
        Query(pattern=CURSOR_PATTERN,
              description="next_cursor of the previous page; in general `<created_utc>:<post_id>`"
                          " of the last post seen: the page holds the posts older than it."),
        # A cursor may be left out but is never null: the schema documents a string alone.
        WithJsonSchema({"type": "string", "pattern": CURSOR_PATTERN}),
    ] = None,
    explain: Annotated[bool, Query(
        description="Add each post's 3 largest contributions to its score.")] = False,
) -> FastJSON:
    """A subreddit's posts with scores, its all-time score and hourly scores for 7 days."""
    version = shown.version
    before = decode_cursor(cursor) if cursor is not None else None
    last_hour = floor_to(now(), HOUR)
    first_hour = last_hour - 167 * HOUR
    view = (await store.subreddit_view(version, name, limit + 1, before, first_hour)
            if version else None)
    if view is None or version is None:
        raise HTTPException(404, f"subreddit {name!r} is not tracked (yet)")
    stats, posts = view.stats, view.posts
    hourly = _every_bucket(view.hours, first_hour, last_hour, HOUR, "hour")
    page = [_post(p) for p in posts[:limit]]
    if explain and shown.info is not None:
        await _explain_page(store, models, shown, page)
    return FastJSON({
        "name": stats.name,
        "seriousness": stats.seriousness,
        "posts_count": stats.posts,
        "last_post_utc": utc(stats.last_post_utc),
        "model_version": version,
        "freshness": shown.freshness(),
        "hourly": hourly,
        "posts": page,
        "next_cursor": encode_cursor(posts[limit - 1].created_utc, posts[limit - 1].id)
        if len(posts) > limit else None,
    }, headers=shown.headers())


def _post(p: PostView) -> dict[str, Any]:
    return {"id": p.id, "title": p.title, "url": p.url, "permalink": p.permalink,
            "created_utc": at(p.created_utc), "seriousness": p.seriousness,
            "removed": p.removed or None}


async def _explain_page(store: StoreDep, models: ModelsDep, shown: ShownDep,
                        page: list[dict[str, Any]]) -> None:
    """Add ``explanation`` and ``explanation_unavailable`` to each post of ``page``."""
    assert shown.info is not None
    stored = {s.post.id: s.post for s in await store.posts([p["id"] for p in page])}
    texts = [stored[p["id"]] for p in page]
    bodies, reason = await explain_posts(models, shown.info, texts, top=3)
    for i, post in enumerate(page):
        post["explanation"] = bodies[i] if bodies is not None else None
        post["explanation_unavailable"] = reason


WIDTHS = {"5m": 300, "1h": 3600}


@router.get("/subreddit/{name}/series", response_model=SubredditSeries,
            responses=data_responses(404, 422))
async def get_series(
    name: SubredditName,
    store: StoreDep,
    shown: ShownDep,
    width: Annotated[Literal["5m", "1h"], Query(description="Bucket width.")] = "5m",
    hours: Annotated[int, Query(ge=1, le=168, description="Window, ending now.")] = 24,
) -> FastJSON:
    """A subreddit's seriousness per 5 minutes (or per hour) over the last ``hours``."""
    version = shown.version
    step = WIDTHS[width]
    last = floor_to(now(), step)
    first = last - (hours * 3600 // step - 1) * step
    stats = await store.subreddit(version, name) if version else None
    if stats is None or version is None:
        raise HTTPException(404, f"subreddit {name!r} is not tracked (yet)")
    points = _every_bucket(await store.series(version, first, step, name), first, last, step,
                           "start")
    return FastJSON({"name": stats.name, "model_version": version,
                     "freshness": shown.freshness(), "width": width, "points": points},
                    headers=shown.headers())
