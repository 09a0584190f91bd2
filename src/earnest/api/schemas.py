"""Response bodies of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ErrorMessage(BaseModel):
    """The body of every error response but a 422: what went wrong, in a sentence."""

    detail: str


class ValidationError(BaseModel):
    """One invalid or unknown parameter, as FastAPI reports it."""

    loc: list[str | int] = Field(description='Where, e.g. ["query", "cursor"].')
    msg: str
    type: str
    input: Any = Field(None, description="The value received; long strings are cut short.")
    ctx: dict[str, Any] | None = None


class HTTPValidationError(BaseModel):
    """The body of a 422: FastAPI's, with the echoed input kept short."""

    detail: list[ValidationError]


class SubredditSummary(BaseModel):
    name: str
    seriousness: float | None = Field(description="Mean seriousness of all scored posts, 0..1.")
    posts: int = Field(description="Scored posts.")
    last_post_utc: datetime | None
    last_7d: list[float | None] = Field(
        description="Mean seriousness per UTC day over the last 7 days, oldest first."
    )


class SubredditList(BaseModel):
    model_version: str | None
    subreddits: list[SubredditSummary]


class HourPoint(BaseModel):
    hour: datetime
    count: int
    seriousness: float | None


class PostScore(BaseModel):
    id: str
    title: str
    url: str
    permalink: str
    created_utc: datetime
    seriousness: float | None
    removed: str | None = Field(
        description="Null for a visible post; otherwise why it is gone (`deleted` by its "
        "author, `moderator`, `reddit`, ...). A removed post is listed but not counted in "
        "the subreddit's figures.")


class SubredditDetail(BaseModel):
    name: str
    seriousness: float | None
    posts_count: int
    last_post_utc: datetime | None
    model_version: str
    hourly: list[HourPoint] = Field(description="Every hour of the last 7 days, oldest first.")
    posts: list[PostScore] = Field(description="Newest first.")
    next_cursor: str | None = Field(
        description="`<created_utc>:<id>` of the last post: pass as ?cursor= for the next page."
    )


class Status(BaseModel):
    model_version: str | None
    posts: int
    scores: int
    waiting_scores: int = Field(description="Scores waiting for their post to be stored.")
    dead_letters: int
    newest_post_utc: datetime | None
    last_update_utc: datetime | None
    lag: dict[str, int | None]


class BucketPoint(BaseModel):
    start: datetime
    count: int
    seriousness: float | None


class SubredditSeries(BaseModel):
    name: str
    model_version: str
    width: str = Field(description="Bucket width: 5m or 1h.")
    points: list[BucketPoint] = Field(
        description="Every bucket of the window, oldest first; empty ones have count 0 and a "
        "null seriousness. The last one is the bucket holding now."
    )
