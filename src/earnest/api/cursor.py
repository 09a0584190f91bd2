"""Page cursors of ``GET /subreddit/{name}``: ``<created_utc>:<post_id>`` of a page's last post.

Every string matching ``CURSOR_PATTERN`` is a valid cursor: it pages to the posts strictly
older than (created_utc, post_id), newest first. ``next_cursor`` is one such string, so a
client passes it back unchanged; anything else is refused by the pattern with a 422.
"""

from __future__ import annotations

from decimal import Decimal

from earnest.records import POST_ID_PATTERN

_POST_ID = POST_ID_PATTERN.removeprefix("^").removesuffix("$")
CURSOR_PATTERN = rf"^[0-9]{{1,20}}(?:\.[0-9]{{1,20}})?:{_POST_ID}$"
"""A non-negative decimal number of seconds since the epoch, ``:``, a post id."""


def encode_cursor(created_utc: float, post_id: str) -> str:
    """The cursor after the post (``created_utc``, ``post_id``); decodes to the same float."""
    # repr is the shortest text that reads back as the same float; Decimal writes it
    # without an exponent, which the pattern does not allow.
    return f"{Decimal(repr(created_utc)):f}:{post_id}"


def decode_cursor(cursor: str) -> tuple[float, str]:
    """(created_utc, post_id) of a cursor that matches ``CURSOR_PATTERN``."""
    created, _, post_id = cursor.partition(":")
    return float(created), post_id
