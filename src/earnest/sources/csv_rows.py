"""Turning one row of the reddit-top-2013 CSV format into a post, or a rejection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from earnest.records import Post
from earnest.sources.base import Rejected

COLUMNS = (
    "created_utc,score,domain,id,title,ups,downs,num_comments,permalink,selftext,"
    "link_flair_text,over_18,thumbnail,subreddit_id,edited,link_flair_css_class,"
    "author_flair_css_class,is_self,name,url,distinguished"
).split(",")
REQUIRED = ("created_utc", "id", "title")


class RowError(ValueError):
    pass


class Header:
    """Where each column a post needs sits in a file's rows."""

    def __init__(self, names: Sequence[str]) -> None:
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            raise RowError(f"header lacks the columns {', '.join(missing)}")
        self.width = len(names)
        self.index = {name: i for i, name in enumerate(names)}

    def get(self, values: Sequence[str], name: str) -> str:
        i = self.index.get(name)
        return values[i] if i is not None else ""


def _int(value: str, field: str) -> int:
    try:
        return int(float(value or "0"))
    except ValueError:
        raise RowError(f"{field} {value!r} is not a number") from None


def raw_text(values: Sequence[str]) -> str:
    """The row as a CSV line; bytes that are not UTF-8 are shown as ``\\xNN`` escapes."""
    out = io.StringIO()
    csv.writer(out).writerow(values)
    original = out.getvalue().encode("utf-8", "surrogateescape")
    return original.decode("utf-8", "backslashreplace").rstrip("\r\n")


def parse_row(values: Sequence[str], header: Header, subreddit: str) -> Post:
    """Build a post from one row's fields, or raise ``RowError`` saying why not."""
    if len(values) != header.width:
        more_or_fewer = "more" if len(values) > header.width else "fewer"
        raise RowError(f"row has {more_or_fewer} fields than the header "
                       f"({len(values)}, not {header.width})")
    try:
        "".join(values).encode("utf-8")
    except UnicodeEncodeError:
        raise RowError("text is not valid UTF-8") from None
    get = header.get
    post_id = get(values, "id").strip()
    if not post_id:
        raise RowError("id is missing")
    title = get(values, "title")
    if not title.strip():
        raise RowError("title is missing")
    created = get(values, "created_utc")
    try:
        created_utc = float(created)
    except ValueError:
        raise RowError(f"created_utc {created!r} is not a number of seconds") from None
    if not 1e9 <= created_utc <= 1e10:
        raise RowError(f"created_utc {created!r} is not a plausible time")
    return Post(
        id=post_id,
        subreddit=subreddit,
        title=title,
        created_utc=created_utc,
        selftext=get(values, "selftext"),
        url=get(values, "url"),
        permalink=get(values, "permalink"),
        score=_int(get(values, "score"), "score"),
        num_comments=_int(get(values, "num_comments"), "num_comments"),
        over_18=get(values, "over_18") == "True",
    )


def read_file(path: Path, subreddit: str) -> Iterator[Post | Rejected]:
    """Yield a post or a ``Rejected`` for every row of one CSV file, in file order."""
    with open(path, newline="", encoding="utf-8", errors="surrogateescape") as fh:
        reader = csv.reader(fh)
        try:
            header = Header(next(reader, []))
        except RowError as exc:
            yield Rejected(f"{path.name}: {exc}", "")
            return
        for values in reader:
            if not values:
                continue
            try:
                yield parse_row(values, header, subreddit)
            except RowError as exc:
                yield Rejected(f"{path.name} line {reader.line_num}: {exc}", raw_text(values))
