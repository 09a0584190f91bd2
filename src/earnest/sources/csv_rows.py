"""Turning one row of the reddit-top-2013 CSV format into a post, or a rejection."""

from __future__ import annotations

import csv
import io

from earnest.records import Post
from earnest.sources.base import Rejected

COLUMNS = (
    "created_utc,score,domain,id,title,ups,downs,num_comments,permalink,selftext,"
    "link_flair_text,over_18,thumbnail,subreddit_id,edited,link_flair_css_class,"
    "author_flair_css_class,is_self,name,url,distinguished"
).split(",")


class RowError(ValueError):
    pass


def _int(row: dict, field: str) -> int:
    value = row.get(field) or "0"
    try:
        return int(float(value))
    except ValueError:
        raise RowError(f"{field} {value!r} is not a number") from None


def raw_text(row: dict) -> str:
    """The row as a CSV line; bytes that are not UTF-8 are shown as ``\\xNN`` escapes."""
    out = io.StringIO()
    values = [v if isinstance(v, str) else repr(v) for v in row.values()]
    csv.writer(out).writerow(values)
    original = out.getvalue().encode("utf-8", "surrogateescape")
    return original.decode("utf-8", "backslashreplace").rstrip("\r\n")


def parse_row(row: dict, subreddit: str) -> Post:
    """Build a post from a CSV row (strings), or raise ``RowError`` saying why not."""
    if row.get(None):
        raise RowError(f"row has {len(row.get(None))} more fields than the header")
    if any(v is None for v in row.values()):
        raise RowError("row has fewer fields than the header")
    try:
        "".join(row.values()).encode("utf-8")
    except UnicodeEncodeError:
        raise RowError("text is not valid UTF-8") from None
    post_id = row.get("id", "").strip()
    if not post_id:
        raise RowError("id is missing")
    title = row.get("title", "")
    if not title.strip():
        raise RowError("title is missing")
    created = row.get("created_utc", "")
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
        selftext=row.get("selftext", ""),
        url=row.get("url", ""),
        permalink=row.get("permalink", ""),
        score=_int(row, "score"),
        num_comments=_int(row, "num_comments"),
        over_18=row.get("over_18") == "True",
    )


def read_file(path, subreddit: str):
    """Yield a post or a ``Rejected`` for every row of one CSV file, in file order."""
    with open(path, newline="", encoding="utf-8", errors="surrogateescape") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            try:
                yield parse_row(row, subreddit)
            except RowError as exc:
                where = f"{path.name} line {reader.line_num}"
                yield Rejected(f"{where}: {exc}", raw_text(row))
