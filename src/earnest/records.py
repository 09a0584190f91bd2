"""The records that travel on the bus, encoded with msgspec.

Times are seconds since the Unix epoch, UTC. ``published_at`` is stamped by the
producer that first put the post on the ``posts`` topic; it travels with the post
and its score so that freshness (published to visible) can be measured downstream.
"""

from __future__ import annotations

import msgspec


class Post(msgspec.Struct, frozen=True, kw_only=True):
    """One Reddit post, as the ``posts`` topic carries it."""

    id: str
    subreddit: str
    title: str
    created_utc: float
    selftext: str = ""
    url: str = ""
    permalink: str = ""
    score: int = 0
    num_comments: int = 0
    over_18: bool = False
    published_at: float = 0.0


class Score(msgspec.Struct, frozen=True, kw_only=True):
    """A model's seriousness for one post, as the ``posts-scores`` topic carries it.

    ``subreddit`` and ``created_utc`` are copied from the post so that the
    aggregating stage needs nothing but the message to bucket it.
    """

    post_id: str
    model_version: str
    seriousness: float
    subreddit: str
    created_utc: float
    published_at: float = 0.0


class DeadLetter(msgspec.Struct, frozen=True, kw_only=True):
    """A record that could not be processed, kept with why and where."""

    stage: str
    reason: str
    raw: str
    at: float


POSTS = "posts"
SCORES = "posts-scores"

_post_decoder = msgspec.json.Decoder(Post)
_score_decoder = msgspec.json.Decoder(Score)
_encoder = msgspec.json.Encoder()


def encode(record: msgspec.Struct) -> bytes:
    return _encoder.encode(record)


def decode_post(payload: bytes) -> Post:
    """Decode and validate a post; raises ``msgspec.ValidationError`` or ``DecodeError``."""
    post = _post_decoder.decode(payload)
    check_post(post)
    return post


def decode_score(payload: bytes) -> Score:
    score = _score_decoder.decode(payload)
    if not 0.0 <= score.seriousness <= 1.0:
        raise msgspec.ValidationError(f"seriousness {score.seriousness!r} is outside [0, 1]")
    return score


def check_post(post: Post) -> None:
    """Raise ``msgspec.ValidationError`` when a decoded post breaks the data contract."""
    if not post.id:
        raise msgspec.ValidationError("post id is empty")
    if not post.subreddit:
        raise msgspec.ValidationError("subreddit is empty")
    if not post.title.strip():
        raise msgspec.ValidationError("title is missing")
    if not 1e9 <= post.created_utc <= 1e10:
        raise msgspec.ValidationError(f"created_utc {post.created_utc!r} is not a plausible time")
