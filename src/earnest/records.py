"""The records that travel on the bus, encoded with msgspec.

Times are seconds since the Unix epoch, UTC. ``published_at`` is stamped by the
producer that first put the post on the ``posts`` topic; it travels with the post
and its score so that freshness (published to visible) can be measured downstream.
"""

from __future__ import annotations

import hashlib
import re
import time

import msgspec


class Post(msgspec.Struct, frozen=True, kw_only=True):
    """One Reddit post, as the ``posts`` topic carries it.

    The same post may come again, from a later retrieval (a re-poll, a dump's second
    pass): a *revision* has the same id, subreddit, creation time and title. The store
    keeps the revision observed last (``observed_at``, when the record was retrieved,
    0 when unknown) for the post's counts and its ``removed`` status, which is empty
    for a visible post and otherwise says why it is gone (``deleted`` by its author,
    ``moderator``, ``reddit``, ...). A removed post stays stored and is left out of the
    aggregates. Its text stays as first stored: the text its score was computed from.
    """

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
    removed: str = ""
    observed_at: float = 0.0
    published_at: float = 0.0


class Score(msgspec.Struct, frozen=True, kw_only=True):
    """A model's seriousness for one post, as the ``posts-scores`` topic carries it.

    ``post_hash`` is the :func:`fingerprint` of the post that was scored: the store
    counts a score only for the post it stored under that id, never for a
    conflicting copy. ``sign`` is 1 for a score to count and -1 to retract the score
    stored for (``post_id``, ``model_version``). ``subreddit`` and ``created_utc`` are
    copied from the post for readers of the topic; the store buckets by the stored
    post's own fields.
    """

    post_id: str
    model_version: str
    seriousness: float
    subreddit: str
    created_utc: float
    post_hash: str = ""
    sign: int = 1
    published_at: float = 0.0


class DeadLetter(msgspec.Struct, frozen=True, kw_only=True):
    """A record that could not be processed, kept with why and where.

    ``origin`` is the topic (or source) the record came from. ``key`` identifies the
    rejection (origin, reason and the whole raw record), so recording it again, after
    a redelivery or from a second consumer group reading the same topic, is a no-op.
    ``raw`` is bounded by :func:`storable_raw`; ``key`` covers all of it.
    """

    stage: str
    reason: str
    raw: str
    at: float
    origin: str = ""
    key: str = ""


def dead_letter(stage: str, origin: str, reason: str, raw: bytes | str) -> DeadLetter:
    """A dead letter for ``raw`` (bytes that are not UTF-8 are kept as ``\\xNN``)."""
    text = raw.decode("utf-8", "backslashreplace") if isinstance(raw, bytes) else raw
    text = text.replace("\x00", "\\x00")  # shown, not kept: PostgreSQL text cannot hold NUL
    digest = hashlib.sha1(f"{origin}\0{reason}\0{text}".encode("utf-8", "surrogatepass"),
                          usedforsecurity=False)
    return DeadLetter(stage=stage, reason=reason[:2000], raw=storable_raw(text), at=time.time(),
                      origin=origin, key=digest.hexdigest())


RAW_LIMIT = 64 * 1024
"""Bytes (UTF-8) of a rejected record's raw text that are kept, truncation note included."""


def storable_raw(raw: str) -> str:
    """``raw`` as text any backend can store: bytes that are not UTF-8 (read with
    ``surrogateescape``) shown as ``\\xNN`` escapes, and at most ``RAW_LIMIT`` bytes, cut
    on a character boundary and ending with a note of the full size."""
    try:
        original = raw.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no undecodable byte produced
        original = raw.encode("utf-8", "surrogatepass")
    text = original.decode("utf-8", "backslashreplace")
    if len(text) <= RAW_LIMIT // 4:  # short enough whatever its characters
        return text
    encoded = text.encode("utf-8")
    if len(encoded) <= RAW_LIMIT:
        return text
    # The note fits inside the limit, so that bounding the dead letter again keeps it.
    note = f" … [truncated, {len(original):,} bytes in all]"
    return encoded[: RAW_LIMIT - len(note.encode())].decode("utf-8", "ignore") + note


# The topics these records travel on. Which stages publish and read each one is
# declared in earnest.pipeline.wiring.
POSTS = "posts"
SCORES = "posts-scores"

# The data contract every record accepted at the edge satisfies, so that it can be
# stored, scored and aggregated on every backend (SQLite and PostgreSQL alike).
SUBREDDIT_PATTERN = r"^(?:reddit\.com|u_[A-Za-z0-9_-]{3,20}|[A-Za-z0-9][A-Za-z0-9_]{1,20})$"
"""Subreddit names as Reddit has them: 2-21 letters, digits and ``_`` (not first), the
legacy ``reddit.com``, and user profiles ``u_<username>``. Case-insensitive."""
POST_ID_PATTERN = r"^[A-Za-z0-9_]{1,40}$"
"""Post ids: base-36 in Reddit's data; letters, digits and ``_`` at most."""
SUBREDDIT_RULE = (
    "2-21 letters, digits or '_' not starting with '_', or reddit.com, or u_<username>"
)
MAX_CHARS = {"title": 1_000, "selftext": 100_000, "url": 10_000, "permalink": 1_000,
             "removed": 100}
INT64 = (-(2**63), 2**63 - 1)
EARLIEST, LATEST = 1e9, 1e10  # 2001-09-09 to 2286-11-20, in seconds since the epoch
MAX_RECORD_BYTES = 1 << 20  # an encoded record larger than this is refused whole

_subreddit_name = re.compile(SUBREDDIT_PATTERN)
_post_id = re.compile(POST_ID_PATTERN)
_surrogate = re.compile("[\ud800-\udfff]")

_post_decoder = msgspec.json.Decoder(Post)
_score_decoder = msgspec.json.Decoder(Score)
_encoder = msgspec.json.Encoder()


class InvalidRecord(ValueError):
    """A record breaks the data contract; the message says which rule."""


def encode(record: msgspec.Struct) -> bytes:
    return _encoder.encode(record)


def canonical_subreddit(name: str) -> str:
    """``name`` without a ``r/`` or ``/r/`` prefix; raises ``InvalidRecord`` if not a name."""
    bare = name.strip().removeprefix("/").removeprefix("r/")
    if not _subreddit_name.fullmatch(bare):
        shown = bare if len(bare) <= 60 else bare[:57] + "..."
        raise InvalidRecord(f"subreddit name {shown!r} is invalid: use {SUBREDDIT_RULE}")
    return bare


def valid_subreddit(name: str) -> bool:
    return _subreddit_name.fullmatch(name) is not None


def _decode(decoder: msgspec.json.Decoder, payload: bytes, what: str):
    if len(payload) > MAX_RECORD_BYTES:
        raise InvalidRecord(f"{what} of {len(payload):,} bytes exceeds the limit of "
                            f"{MAX_RECORD_BYTES:,} bytes")
    try:
        return decoder.decode(payload)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
        raise InvalidRecord(f"{what} is not valid: {exc}") from None


def decode_post(payload: bytes) -> Post:
    """Decode and validate a post; raises ``InvalidRecord`` saying why not."""
    post = _decode(_post_decoder, payload, "post")
    check_post(post)
    return post


def decode_score(payload: bytes) -> Score:
    """Decode and validate a score; raises ``InvalidRecord`` saying why not."""
    score = _decode(_score_decoder, payload, "score")
    if not _post_id.fullmatch(score.post_id):
        raise InvalidRecord(f"post id {score.post_id[:60]!r} is invalid")
    if not score.model_version or len(score.model_version) > 100 or "\x00" in score.model_version:
        raise InvalidRecord("model_version must be 1-100 characters without NUL")
    if not 0.0 <= score.seriousness <= 1.0:
        raise InvalidRecord(f"seriousness {score.seriousness!r} is outside [0, 1]")
    if score.sign not in (1, -1):
        raise InvalidRecord(f"sign {score.sign!r} is neither 1 (count) nor -1 (retract)")
    return score


def _check_text(field: str, value: str) -> None:
    if "\x00" in value:
        raise InvalidRecord(f"{field} contains a NUL character")
    if not value.isascii() and _surrogate.search(value):
        raise InvalidRecord(f"{field} is not valid UTF-8")
    limit = MAX_CHARS.get(field)
    if limit is not None and len(value) > limit:
        raise InvalidRecord(f"{field} has {len(value):,} characters; at most {limit:,} are kept")


def check_post(post: Post) -> None:
    """Raise ``InvalidRecord`` when a post breaks the data contract."""
    if not post.id:
        raise InvalidRecord("id is missing")
    if not _post_id.fullmatch(post.id):
        shown = post.id if len(post.id) <= 60 else post.id[:57] + "..."
        raise InvalidRecord(f"post id {shown!r} is invalid: use 1-40 letters, digits or '_'")
    if not _subreddit_name.fullmatch(post.subreddit):
        canonical_subreddit(post.subreddit)  # raises with the reason
        raise InvalidRecord(f"subreddit {post.subreddit!r} is not in canonical form")
    for field in ("title", "selftext", "url", "permalink", "removed"):
        _check_text(field, getattr(post, field))
    if not post.title.strip():
        raise InvalidRecord("title is missing")
    if not EARLIEST <= post.created_utc <= LATEST:
        raise InvalidRecord(f"created_utc {post.created_utc!r} is not a plausible time")
    for field in ("score", "num_comments"):
        value = getattr(post, field)
        if not INT64[0] <= value <= INT64[1]:
            raise InvalidRecord(f"{field} {value} does not fit in 64 bits")
    if not 0.0 <= post.published_at < float("inf"):
        raise InvalidRecord(f"published_at {post.published_at!r} is not a time")
    if post.observed_at != 0.0 and not EARLIEST <= post.observed_at <= LATEST:
        raise InvalidRecord(f"observed_at {post.observed_at!r} is not a plausible time")



class _Content(msgspec.Struct, kw_only=True):
    """What :func:`fingerprint` digests: a post's fields but its revision status and times
    (the encoding of posts from before ``removed`` and ``observed_at``, so their
    fingerprints stay as stored)."""

    id: str
    subreddit: str
    title: str
    created_utc: float
    selftext: str
    url: str
    permalink: str
    score: int
    num_comments: int
    over_18: bool
    published_at: float = 0.0


def fingerprint(post: Post) -> str:
    """A digest of the post's content (not of when it was retrieved or published, nor of
    its removal status): a score counts for the stored copy of its post only when it was
    computed from a copy with the same fingerprint."""
    content = _encoder.encode(_Content(
        id=post.id, subreddit=post.subreddit, title=post.title, created_utc=post.created_utc,
        selftext=post.selftext, url=post.url, permalink=post.permalink, score=post.score,
        num_comments=post.num_comments, over_18=post.over_18))
    return hashlib.blake2b(content, digest_size=16).hexdigest()
