"""Response bodies of the HTTP API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


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


class SubredditDetail(BaseModel):
    name: str
    seriousness: float | None
    posts_count: int
    last_post_utc: datetime | None
    model_version: str
    hourly: list[HourPoint] = Field(description="Every hour of the last 7 days, oldest first.")
    posts: list[PostScore] = Field(description="Newest first.")
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page.")


class Status(BaseModel):
    model_version: str | None
    posts: int
    scores: int
    dead_letters: int
    newest_post_utc: datetime | None
    last_update_utc: datetime | None
    lag: dict[str, int | None]
