"""Response bodies of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

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


class Freshness(BaseModel):
    """How fresh the figures of the model version shown are (null while it counts nothing)."""

    newest_post_utc: datetime | None = Field(
        description="Creation time of the newest post the version's aggregates count.")
    last_update_utc: datetime | None = Field(
        description="When the version's aggregates last changed.")


class SubredditSummary(BaseModel):
    name: str
    seriousness: float | None = Field(description="Mean seriousness of all scored posts, 0..1.")
    posts: int = Field(description="Scored posts.")
    last_post_utc: datetime | None
    last_7d: list[float | None] = Field(
        description="Mean seriousness per UTC day over the last 7 days, oldest first."
    )


class SubredditList(BaseModel):
    model_version: str | None = Field(description="The model version shown; null until a "
                                      "model is registered.")
    freshness: Freshness
    subreddits: list[SubredditSummary]


class HourPoint(BaseModel):
    hour: datetime
    count: int
    seriousness: float | None


REMOVED = ("Null for a visible post; otherwise why it is gone (`deleted` by its author, "
           "`moderator`, `reddit`, ...). A removed post is listed but not counted in the "
           "subreddit's figures.")


class Contribution(BaseModel):
    kind: Literal["word", "title word", "bigram", "marker", "shouting", "style"] = Field(
        description="A word (or punctuation) of the post, a word of its title, two words in a "
        "row, a marker (start or end of the title, a link, a masked name), the share of words "
        "in capitals, or a style bucket (lengths, word lengths, punctuation).")
    feature: str = Field(description="The words as the post writes them, or the bucket.")
    weight: float = Field(description="Its share of the logit: weight × value.")
    towards: Literal["serious", "banter"] = Field(description="Which way it pulls the score.")


class Explanation(BaseModel):
    """A linear model's logit for the post, split: ``intercept`` + the ``contributions``
    listed + ``rest`` (the sum of those not listed) = ``logit``; seriousness is
    1 / (1 + e^-logit)."""

    model_version: str
    intercept: float
    contributions: list[Contribution] = Field(description="Largest first, by size.")
    rest: float
    logit: float


class PostScore(BaseModel):
    id: str
    title: str
    url: str
    permalink: str
    created_utc: datetime
    seriousness: float | None
    removed: str | None = Field(description=REMOVED)
    explanation: Explanation | None = Field(
        None, description="With ?explain=true only: the 3 largest contributions to its score; "
        "null if the model cannot explain (see explanation_unavailable).")
    explanation_unavailable: str | None = Field(
        None, description="With ?explain=true only: why there is no explanation, or null.")


class SubredditDetail(BaseModel):
    name: str
    seriousness: float | None
    posts_count: int
    last_post_utc: datetime | None
    model_version: str
    freshness: Freshness
    hourly: list[HourPoint] = Field(description="Every hour of the last 7 days, oldest first.")
    posts: list[PostScore] = Field(description="Newest first.")
    next_cursor: str | None = Field(
        description="`<created_utc>:<id>` of the last post: pass as ?cursor= for the next page."
    )


class BackfillProgress(BaseModel):
    """A promotion's backfill: every stored post scored by the version being promoted,
    before the default view switches to it in one step."""

    version: str
    phase: str = Field(description="`backfilling` (scoring stored posts), `settling` (live; "
                       "scoring posts that were in flight), `done`, or `stopped` (retired "
                       "or rolled back before it finished).")
    scored: int = Field(description="Stored posts it has scored so far.")
    total: int = Field(description="Posts to score: those stored when it began, or as many "
                       "as it has scored, if more were stored since.")
    fraction: float = Field(description="How far it is, 0..1.")
    posts_per_second: float | None = Field(description="Its average speed so far.")
    started_at: datetime
    updated_at: datetime
    switched_at: datetime | None = Field(description="When the version became live.")
    finished_at: datetime | None


class Status(BaseModel):
    model_version: str | None
    posts: int
    scores: int
    waiting_scores: int = Field(description="Scores waiting for their post to be stored.")
    dead_letters: int
    newest_post_utc: datetime | None
    last_update_utc: datetime | None
    lag: dict[str, int | None]
    backfills: list[BackfillProgress] = Field(
        description="Promotions' backfills under way (backfilling or settling), the newest "
        "first.")


class BucketPoint(BaseModel):
    start: datetime
    count: int
    seriousness: float | None


class SubredditSeries(BaseModel):
    name: str
    model_version: str
    freshness: Freshness
    width: str = Field(description="Bucket width: 5m or 1h.")
    points: list[BucketPoint] = Field(
        description="Every bucket of the window, oldest first; empty ones have count 0 and a "
        "null seriousness. The last one is the bucket holding now."
    )


class ModelSummary(BaseModel):
    """A registered model version and what the aggregates hold for it."""

    version: str
    live: bool = Field(description="Whether it is the version data routes show by default.")
    created_at: datetime = Field(description="When it was registered.")
    metrics: dict[str, Any] = Field(description="Its training run's metrics.")
    state: str = Field(description="Its state in the registry: `live` (the version shown by "
                       "default), `promoting` (being backfilled, then live), `shadow` "
                       "(scoring new posts beside the live one), `registered` (stored, "
                       "scoring nothing) or `retired` (scoring nothing any more).")
    card: dict[str, Any] | None = Field(
        description="Its model card: name, kind, author, creation time, training data, "
        "held-out metrics, the fields it reads and the types its file holds; null for a "
        "version recorded before the registry kept cards.")
    posts: int = Field(description="Posts its aggregates count.")
    freshness: Freshness
    backfill: BackfillProgress | None = Field(
        description="Its latest promotion's backfill; null if it was never promoted.")


class ModelList(BaseModel):
    models: list[ModelSummary] = Field(description="The live version first, then the newest.")


class VersionScore(BaseModel):
    model_version: str
    seriousness: float
    live: bool


class PostDetail(BaseModel):
    """A post as stored (its latest revision's counts and removal status) with its score
    under every version that scored it, and why the version shown gave its score."""

    id: str
    subreddit: str
    title: str
    selftext: str
    url: str
    permalink: str
    created_utc: datetime
    score: int
    num_comments: int
    over_18: bool
    removed: str | None = Field(description=REMOVED)
    observed_at: datetime | None = Field(
        description="When the revision shown was retrieved from Reddit; null when unknown.")
    published_at: datetime | None = Field(description="When it was published on the bus.")
    stored_at: datetime
    scores: list[VersionScore] = Field(
        description="Its counted score under each version, live first (retracted ones are "
        "left out).")
    model_version: str | None = Field(description="The version explained (?model=, or live).")
    explanation: Explanation | None = Field(
        description="The 10 largest contributions to its score under model_version.")
    explanation_unavailable: str | None = Field(
        description="Why there is no explanation, when explanation is null.")
