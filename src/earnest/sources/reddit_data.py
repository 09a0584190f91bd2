"""One Reddit submission ``data`` object to a post: the mapping every Reddit source shares.

The same object comes from the API's listings (``{"kind": "t3", "data": {...}}``) and,
one a line, from the Pushshift and Arctic Shift dumps. Its types drift across the years:
``created_utc`` is a number or a string, counts may be missing or strings, ``permalink``
may be relative. The mapping accepts each of those shapes and checks the result against
the data contract; anything else is a rejection with the reason.

A record also says whether the post is gone, and when it was retrieved, so that a later
record of a stored post revises it (see :class:`earnest.records.Post`):

- ``removed``: ``removed_by_category`` when Reddit sets it (``moderator``, ``deleted``,
  ``reddit``, ...); else, from Arctic Shift's ``_meta``, the ``removal_type`` of a post
  ``was_deleted_later`` (``deleted`` when it has none); else ``removed`` or ``deleted``
  for the placeholder text Reddit puts in place of a gone post's body;
- ``observed_at``: ``_meta.retrieved_2nd_on`` (the retrieval that saw the removal), else
  ``retrieved_utc`` or ``retrieved_on`` (Pushshift), else unknown (0). A source that
  fetched the record itself (the live API) sets its own time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from earnest.records import InvalidRecord, Post, canonical_subreddit, check_post
from earnest.sources.base import Rejected

REDDIT = "https://www.reddit.com"


def post_from_reddit(data: Mapping[str, Any]) -> Post | Rejected:
    """The post a submission's ``data`` describes, or why it is not one."""
    try:
        post = Post(
            id=_text(data, "id"),
            subreddit=canonical_subreddit(_text(data, "subreddit")),
            title=_text(data, "title"),
            created_utc=_number(data, "created_utc"),
            selftext=_text(data, "selftext", required=False),
            url=_text(data, "url", required=False),
            permalink=_permalink(_text(data, "permalink", required=False)),
            score=int(_number(data, "score", required=False)),
            num_comments=int(_number(data, "num_comments", required=False)),
            over_18=bool(data.get("over_18") or False),
            removed=_removal(data),
            observed_at=_retrieved(data),
        )
        check_post(post)
    except InvalidRecord as exc:
        return Rejected(str(exc), json.dumps(data, ensure_ascii=False, default=str))
    return post


TIMES = {"created_utc", "retrieved_2nd_on", "retrieved_utc", "retrieved_on"}  # may have fractions
PLACEHOLDERS = {"[removed]": "removed", "[deleted]": "deleted"}


def _removal(data: Mapping[str, Any]) -> str:
    category = data.get("removed_by_category")
    if isinstance(category, str) and category:
        return category
    meta = data.get("_meta")
    if isinstance(meta, Mapping) and meta.get("was_deleted_later"):
        kind = meta.get("removal_type")
        return kind if isinstance(kind, str) and kind else "deleted"
    body = data.get("selftext")
    return PLACEHOLDERS.get(body, "") if isinstance(body, str) else ""


def _retrieved(data: Mapping[str, Any]) -> float:
    meta = data.get("_meta")
    if isinstance(meta, Mapping) and meta.get("retrieved_2nd_on") not in (None, ""):
        return _number(meta, "retrieved_2nd_on")
    for field in ("retrieved_utc", "retrieved_on"):
        if data.get(field) not in (None, ""):
            return _number(data, field)
    return 0.0


def _text(data: Mapping[str, Any], field: str, required: bool = True) -> str:
    value = data.get(field)
    if value is None:
        if required:
            raise InvalidRecord(f"{field} is missing")
        return ""
    if not isinstance(value, str):
        raise InvalidRecord(f"{field} {value!r} is not text")
    return value


def _number(data: Mapping[str, Any], field: str, required: bool = True) -> float:
    value = data.get(field)
    if value is None or value == "":
        if required:
            raise InvalidRecord(f"{field} is missing")
        return 0.0
    if isinstance(value, bool):
        raise InvalidRecord(f"{field} {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidRecord(f"{field} {value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidRecord(f"{field} {value!r} is not a number")
    if field not in TIMES and not number.is_integer():
        raise InvalidRecord(f"{field} {value!r} is not a whole number")
    if abs(number) >= 2**63:
        raise InvalidRecord(f"{field} {value!r} does not fit in 64 bits")
    return number


def _permalink(value: str) -> str:
    """Reddit gives permalinks relative to its site: the post stores where it is."""
    return REDDIT + value if value.startswith("/") else value
