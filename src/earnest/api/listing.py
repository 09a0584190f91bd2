"""The tracked subreddits as ``GET /subreddits`` pages them: sorted, filtered, by cursor.

Every order puts subreddits without the value sorted on (no scored post, so no
seriousness or last post) last, and breaks ties by name, ascending; names compare in
lower case, by code point. A cursor is ``<value>:<name>`` of a page's last subreddit
(the value empty when it has none; ignored when sorting by name): the next page holds the
subreddits after it in the order asked, so a page boundary holds while figures change.
Every string matching ``CURSOR_PATTERN`` is a valid cursor.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from earnest.records import SUBREDDIT_PATTERN

Sort = Literal["name", "seriousness", "posts", "last_post"]
Order = Literal["asc", "desc"]

_NAME = SUBREDDIT_PATTERN.removeprefix("^").removesuffix("$")
CURSOR_PATTERN = rf"^(?:-?[0-9]{{1,20}}(?:\.[0-9]{{1,400}})?)?:{_NAME}$"
"""A decimal number (or nothing), ``:``, a subreddit name."""


def default_order(sort: Sort) -> Order:
    """Names A to Z; figures largest first."""
    return "asc" if sort == "name" else "desc"


@dataclass(frozen=True)
class Row:
    """A subreddit's summary as the API writes it, and what it sorts on."""

    key: str
    summary: dict[str, Any]
    seriousness: float | None
    posts: int
    last_post: float | None

    def value(self, sort: Sort) -> float | None:
        return None if sort == "name" else getattr(self, sort)


Rank = tuple[Any, ...]


def _rank(sort: Sort, order: Order, value: float | None, key: str) -> Rank:
    """Where a (value, name) sorts, as a tuple that Python compares in the order asked."""
    if sort == "name":
        # Descending names: negated code points, and a last element above any of them
        # so that a name sorts before its own prefix.
        return (key,) if order == "asc" else (*(-ord(c) for c in key), 1)
    if value is None:
        return (1, 0.0, key)
    return (0, value if order == "asc" else -value, key)


@dataclass
class Listing:
    """Every tracked subreddit of one model version, in name order, with the fields of the
    body that are not the list and the headers of the answer; orders are sorted once
    each, when first asked for."""

    body: dict[str, Any]
    headers: dict[str, str]
    rows: list[Row]
    _orders: dict[tuple[Sort, Order], tuple[list[Rank], list[Row]]] = field(
        default_factory=dict)

    def ordered(self, sort: Sort, order: Order) -> tuple[list[Rank], list[Row]]:
        if (sort, order) not in self._orders:
            ranked = sorted(((_rank(sort, order, r.value(sort), r.key), r) for r in self.rows),
                            key=lambda pair: pair[0])
            self._orders[sort, order] = ([rank for rank, _ in ranked],
                                         [row for _, row in ranked])
        return self._orders[sort, order]

    def select(self, sort: Sort, order: Order, prefix: str | None, min_posts: int | None,
               after: str | None) -> Iterator[Row]:
        """The rows that pass the filters, in the order asked, after the cursor ``after``."""
        ranks, rows = self.ordered(sort, order)
        start = 0
        if after is not None:
            value, key = decode_cursor(after)
            start = bisect.bisect_right(ranks, _rank(sort, order, value, key))
        prefix = prefix.lower() if prefix else None
        for row in rows[start:]:
            if prefix and not row.key.startswith(prefix):
                continue
            if min_posts is not None and row.posts < min_posts:
                continue
            yield row

    def page(self, sort: Sort, order: Order, limit: int | None, cursor: str | None,
             prefix: str | None, min_posts: int | None) -> tuple[list[Row], str | None]:
        """Up to ``limit`` rows (every one if ``None``) and the cursor of the next page
        (``None`` when there is none)."""
        selected = self.select(sort, order, prefix, min_posts, cursor)
        if limit is None:
            return list(selected), None
        page: list[Row] = []
        for row in selected:
            if len(page) == limit:
                last = page[-1]
                return page, encode_cursor(last.value(sort), last.key)
            page.append(row)
        return page, None


def encode_cursor(value: float | None, key: str) -> str:
    # repr is the shortest text that reads back as the same float; Decimal writes it
    # without an exponent, which the pattern does not allow.
    return f"{'' if value is None else format(Decimal(repr(value)), 'f')}:{key}"


def decode_cursor(cursor: str) -> tuple[float | None, str]:
    """(value, name in lower case) of a cursor that matches ``CURSOR_PATTERN``."""
    value, _, key = cursor.partition(":")
    return (float(value) if value else None), key.lower()
