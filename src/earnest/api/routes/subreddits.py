"""``GET /subreddits`` (paged, and streamed whole by ``/subreddits/export``),
``GET /subreddit/{name}`` and its series: answers kept ready per data version
(:mod:`earnest.api.snapshots`), sent with ETags and gzip (:mod:`earnest.api.conditional`)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import WithJsonSchema

from earnest.api.conditional import REVALIDATE, respond
from earnest.api.cursor import CURSOR_PATTERN, decode_cursor, encode_cursor
from earnest.api.deps import (
    ModelParam,
    ModelsDep,
    Shown,
    SnapshotsDep,
    StoreDep,
    no_unknown_query_parameters,
)
from earnest.api.deps import shown as shown_version
from earnest.api.errors import data_responses
from earnest.api.explanations import explain_posts
from earnest.api.listing import CURSOR_PATTERN as LIST_CURSOR_PATTERN
from earnest.api.listing import Listing, Order, Row, Sort, default_order
from earnest.api.model_cache import ModelCache
from earnest.api.schemas import SubredditDetail, SubredditList, SubredditSeries
from earnest.api.snapshots import Snapshot, Snapshots, snapshot
from earnest.api.timeutil import DAY, HOUR, at, floor_to, now, utc
from earnest.records import SUBREDDIT_PATTERN, SUBREDDIT_RULE
from earnest.store.base import PostView, SeriesPoint, Store, subreddit_key

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


PREFIX_PATTERN = r"^[A-Za-z0-9_.-]+$"


@router.get("/subreddits", response_model=SubredditList, responses=data_responses(304, 422))
async def list_subreddits(
    request: Request,
    store: StoreDep,
    snapshots: SnapshotsDep,
    model: ModelParam = None,
    # Each may be left out but is never null: the schema documents its type alone.
    limit: Annotated[int | None, Query(
        ge=1, le=1000, description="Subreddits per page; every one by default."),
        WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 1000})] = None,
    cursor: Annotated[
        str | None,
        Query(pattern=LIST_CURSOR_PATTERN,
              description="next_cursor of the previous page: `<value>:<name>` of the last "
                          "subreddit seen (the value empty when it has none): the page holds "
                          "the subreddits after it."),
        WithJsonSchema({"type": "string", "pattern": LIST_CURSOR_PATTERN}),
    ] = None,
    sort: Annotated[Sort, Query(
        description="Sort by name, all-time seriousness, scored posts or last post; "
                    "subreddits without the value come last, ties go by name.")] = "name",
    order: Annotated[Order | None, Query(
        description="`asc` or `desc`; by default names A to Z, figures largest first."),
        WithJsonSchema({"type": "string", "enum": ["asc", "desc"]})] = None,
    prefix: Annotated[str | None, Query(
        min_length=1, max_length=30, pattern=PREFIX_PATTERN,
        description="Only names starting with this (in any case)."),
        WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 30,
                        "pattern": PREFIX_PATTERN})] = None,
    min_posts: Annotated[int | None, Query(
        ge=0, le=2**62, description="Only subreddits with at least this many scored posts."),
        WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 2**62})] = None,
) -> Response:
    """Tracked subreddits with their all-time seriousness, post count and the last 7
    days; by default every one, by name. ``limit`` pages them: pass ``next_cursor``
    back as ``cursor`` for the next page."""
    ordered = order or default_order(sort)
    day = _this_day()

    async def build() -> Snapshot:
        listing = await _listing(store, snapshots, model, day)
        rows, next_cursor = listing.page(sort, ordered, limit, cursor, prefix, min_posts)
        return snapshot({**listing.body, "subreddits": [r.summary for r in rows],
                         "next_cursor": next_cursor}, listing.headers)

    key = ("subreddits", model, limit, cursor, sort, ordered, prefix, min_posts)
    return respond(request, await snapshots.answer(request.scope, key, _this_day, build))


def _this_day() -> int:
    """The epoch of answers with daily means over the last 7 days."""
    return floor_to(now(), DAY)


def _this_hour() -> int:
    """The epoch of answers with an hourly series ending now."""
    return floor_to(now(), HOUR)


async def _listing(store: Store, snapshots: Snapshots, model: str | None, day: int
                   ) -> Listing:
    """Every tracked subreddit of the version shown, built once per data version and day."""
    async def build() -> Listing:
        shown = await shown_version(store, model)
        body = {"model_version": shown.version, "freshness": shown.freshness()}
        if shown.version is None:
            return Listing(body, {}, [])
        return Listing(body, shown.headers(), await _rows(store, shown.version, day))

    return await snapshots.get(("listing", model), day, build)


async def _rows(store: Store, version: str, day: int) -> list[Row]:
    stats = await store.subreddits(version)
    first_day = day - 6 * DAY
    days: dict[str, list[float | None]] = {}
    for point in await store.series(version, first_day, DAY):
        row = days.setdefault(point.subreddit, [None] * 7)
        index = (point.start - first_day) // DAY
        if 0 <= index < 7:
            row[index] = _mean(point.count, point.total)
    rows = []
    for s in stats:
        key = subreddit_key(s.name)
        summary = {"name": s.name, "seriousness": s.seriousness, "posts": s.posts,
                   "last_post_utc": utc(s.last_post_utc),
                   "last_7d": days.get(key, [None] * 7)}
        rows.append(Row(key, summary, s.seriousness, s.posts, s.last_post_utc))
    return rows


EXPORT_TYPES = {"ndjson": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}
CSV_COLUMNS = ["name", "seriousness", "posts", "last_post_utc",
               *(f"last_7d_{i}" for i in range(1, 8))]


@router.get(
    "/subreddits/export", response_class=Response, responses={
        200: {"description": "Every tracked subreddit, by name: NDJSON, one "
              "SubredditSummary per line; or CSV with a header row, the last 7 days in "
              "columns last_7d_1 (oldest) to last_7d_7, empty where null.",
              "content": {media: {"schema": {"type": "string"}}
                          for media in EXPORT_TYPES.values()}},
        **data_responses(422)})
async def export_subreddits(
    store: StoreDep,
    snapshots: SnapshotsDep,
    format: Annotated[Literal["ndjson", "csv"], Query(
        description="`ndjson` (one JSON object per line) or `csv`.")] = "ndjson",
    model: ModelParam = None,
) -> StreamingResponse:
    """Every tracked subreddit, streamed, as ``GET /subreddits`` lists them."""
    listing = await _listing(store, snapshots, model, _this_day())
    lines = _ndjson(listing.rows) if format == "ndjson" else _csv(listing.rows)
    return StreamingResponse(lines, media_type=EXPORT_TYPES[format],
                             headers={**listing.headers, "Cache-Control": REVALIDATE})


async def _ndjson(rows: list[Row]) -> AsyncIterator[bytes]:
    for start in range(0, len(rows), EXPORT_CHUNK):
        yield b"".join(orjson.dumps(r.summary, option=orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE)
                       for r in rows[start:start + EXPORT_CHUNK])


async def _csv(rows: list[Row]) -> AsyncIterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for start in range(0, len(rows), EXPORT_CHUNK):
        for r in rows[start:start + EXPORT_CHUNK]:
            s = r.summary
            last = s["last_post_utc"]
            writer.writerow([s["name"], _cell(s["seriousness"]), s["posts"],
                             last.isoformat().replace("+00:00", "Z") if last else "",
                             *(_cell(v) for v in s["last_7d"])])
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()


def _cell(value: float | None) -> str:
    return "" if value is None else repr(value)


EXPORT_CHUNK = 1000


@router.get("/subreddit/{name}", response_model=SubredditDetail,
            responses=data_responses(304, 404, 422))
async def get_subreddit(
    request: Request,
    name: SubredditName,
    store: StoreDep,
    snapshots: SnapshotsDep,
    models: ModelsDep,
    model: ModelParam = None,
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
) -> Response:
    """A subreddit's posts with scores, its all-time score and hourly scores for 7 days."""
    last_hour = _this_hour()

    async def build() -> Snapshot:
        shown = await shown_version(store, model)
        content = await _detail(store, models, shown, name, limit, cursor, explain, last_hour)
        return snapshot(content, shown.headers())

    key = ("subreddit", subreddit_key(name), model, limit, cursor, explain)
    return respond(request, await snapshots.answer(request.scope, key, _this_hour, build))


async def _detail(store: Store, models: ModelCache, shown: Shown, name: str, limit: int,
                  cursor: str | None, explain: bool, last_hour: int) -> dict[str, Any]:
    version = shown.version
    before = decode_cursor(cursor) if cursor is not None else None
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
    return {
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
    }


def _post(p: PostView) -> dict[str, Any]:
    return {"id": p.id, "title": p.title, "url": p.url, "permalink": p.permalink,
            "created_utc": at(p.created_utc), "seriousness": p.seriousness,
            "removed": p.removed or None}


async def _explain_page(store: Store, models: ModelCache, shown: Shown,
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
            responses=data_responses(304, 404, 422))
async def get_series(
    request: Request,
    name: SubredditName,
    store: StoreDep,
    snapshots: SnapshotsDep,
    model: ModelParam = None,
    width: Annotated[Literal["5m", "1h"], Query(description="Bucket width.")] = "5m",
    hours: Annotated[int, Query(ge=1, le=168, description="Window, ending now.")] = 24,
) -> Response:
    """A subreddit's seriousness per 5 minutes (or per hour) over the last ``hours``."""
    step = WIDTHS[width]

    def this_bucket() -> int:
        return floor_to(now(), step)

    last = this_bucket()

    async def build() -> Snapshot:
        shown = await shown_version(store, model)
        version = shown.version
        first = last - (hours * 3600 // step - 1) * step
        stats = await store.subreddit(version, name) if version else None
        if stats is None or version is None:
            raise HTTPException(404, f"subreddit {name!r} is not tracked (yet)")
        points = _every_bucket(await store.series(version, first, step, name), first, last,
                               step, "start")
        return snapshot({"name": stats.name, "model_version": version,
                         "freshness": shown.freshness(), "width": width, "points": points},
                        shown.headers())

    key = ("series", subreddit_key(name), model, width, hours)
    return respond(request, await snapshots.answer(request.scope, key, this_bucket, build))
