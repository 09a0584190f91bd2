"""Turning the rows of a reddit-top-2013 CSV file into posts, or rejections with the reason.

Every post is checked against the data contract (:func:`earnest.records.check_post`), so
a post that leaves the source can be stored on every backend. Integer fields are read
exactly: ``"12"`` and ``"12.0"`` are 12, a fraction such as ``"3.5"`` is rejected (a
count with a fraction means the row is corrupt), and so is a value outside 64 bits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from pathlib import Path
from typing import TextIO

from earnest.records import INT64, InvalidRecord, Post, check_post
from earnest.sources.base import Rejected
from earnest.sources.csv_lines import Row, read_rows

COLUMNS = (
    "created_utc,score,domain,id,title,ups,downs,num_comments,permalink,selftext,"
    "link_flair_text,over_18,thumbnail,subreddit_id,edited,link_flair_css_class,"
    "author_flair_css_class,is_self,name,url,distinguished"
).split(",")
REQUIRED = ("created_utc", "id", "title")
POST_FIELDS = ("id", "title", "created_utc", "selftext", "url", "permalink", "score",
               "num_comments", "over_18")


class RowError(InvalidRecord):
    """A row that cannot become a post; the message says why."""


class Header:
    """Where each column a post needs sits in a file's rows."""

    def __init__(self, names: Sequence[str]) -> None:
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            raise RowError(f"header lacks the columns {', '.join(missing)}")
        self.width = len(names)
        index = {name: i for i, name in enumerate(names)}
        # One C call a row picks every field a post needs; a column the file lacks
        # reads as the "" appended after the row's fields.
        positions = [index.get(name, self.width) for name in POST_FIELDS]
        pick = itemgetter(*positions)
        self.pick = pick if self.width not in positions else lambda row: pick([*row, ""])


def whole_number(value: str, field: str) -> int:
    """``value`` as an exact integer (empty is 0), or ``RowError`` saying why not."""
    try:
        return int(value or "0")
    except ValueError:
        pass
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RowError(f"{field} {value!r} is not a number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise RowError(f"{field} {value!r} is not a whole number")
    # Checked before int(): int(Decimal("1e999999999")) would build a billion digits.
    if not INT64[0] <= number <= INT64[1]:
        raise RowError(f"{field} {value!r} does not fit in 64 bits")
    return int(number)


def seconds(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise RowError(f"created_utc {value!r} is not a number of seconds") from None


def parse_row(values: Sequence[str], header: Header, subreddit: str) -> Post:
    """Build a post from one row's fields, or raise ``InvalidRecord`` saying why not."""
    if len(values) != header.width:
        more_or_fewer = "more" if len(values) > header.width else "fewer"
        raise RowError(f"row has {more_or_fewer} fields than the header "
                       f"({len(values)}, not {header.width})")
    post_id, title, created, selftext, url, permalink, score, comments, over_18 = (
        header.pick(values))
    post = Post(
        id=post_id.strip(),
        subreddit=subreddit,
        title=title,
        created_utc=seconds(created),
        selftext=selftext,
        url=url,
        permalink=permalink,
        score=whole_number(score, "score"),
        num_comments=whole_number(comments, "num_comments"),
        over_18=over_18 == "True",
    )
    check_post(post)
    return post


def _where(label: str, first: int, lines: list[str]) -> str:
    last = first + len(lines) - 1
    return f"{label} line {first}" if last == first else f"{label} lines {first}-{last}"


def _raw(lines: list[str]) -> str:
    return "".join(lines).removesuffix("\n").removesuffix("\r")


def _open(path: Path) -> TextIO:
    return open(path, newline="", encoding="utf-8", errors="surrogateescape")


def read_file(path: Path, subreddit: str, label: str) -> Iterator[Post | Rejected]:
    """A post or a ``Rejected`` for every row of one CSV file, in file order.

    ``subreddit`` is the canonical name the posts get; ``label`` names the file in reasons.
    """
    with _open(path) as fh:
        rows = read_rows(fh)
        _, _, names, error = next(rows, (0, [], [], ""))
        try:
            header = Header(names or [])
        except RowError as exc:
            yield from _reject_rows(rows, label, f"{error or exc}; no row can be read")
            return
        for first, lines, values, error in rows:
            if values is None:
                yield Rejected(f"{_where(label, first, lines)}: {error}", _raw(lines))
                continue
            try:
                yield parse_row(values, header, subreddit)
            except InvalidRecord as exc:
                yield Rejected(f"{_where(label, first, lines)}: {exc}", _raw(lines))


def reject_file(path: Path, label: str, reason: str) -> Iterator[Rejected]:
    """A ``Rejected`` with ``reason`` for every row of a CSV file whose rows cannot be posts."""
    with _open(path) as fh:
        rows = read_rows(fh)
        next(rows, None)  # the header
        yield from _reject_rows(rows, label, reason)


def _reject_rows(rows: Iterator[Row], label: str, reason: str) -> Iterator[Rejected]:
    for first, lines, _, _ in rows:
        yield Rejected(f"{_where(label, first, lines)}: {reason}", _raw(lines))
