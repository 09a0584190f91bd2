"""The test oracle: what earnest should store and serve, recomputed from the source rows.

It shares no code with earnest, on purpose (docs/DESIGN.md, "Correctness contract"): a
check that reuses the product's parsing, bucketing or SQL passes exactly when the
product is wrong in the same way. So this module imports nothing from ``earnest``:

- rows come from the CSV files with the stdlib ``csv`` module (:func:`read_dataset`);
- scores come from one ``earnest score`` subprocess, the model's public command, not
  the pipeline's scoring stage (:func:`score_with_cli`);
- buckets are recomputed here: a post counts in the 5-minute, hourly and daily bucket
  that holds its ``created_utc`` (UTC seconds), and in its subreddit's all-time row;
- tables are read with raw SQL through ``sqlite3`` or ``psycopg``, and the API over HTTP.

The caller decides which rows are expected (a test knows which rows it made bad), in
the order they are published: when two rows share an id, the first one wins. A row's
``removed`` (any non-empty value) says the post is gone as its last record has it: it
is stored and served with its score, and left out of every aggregate.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIVE_MINUTES, HOUR, DAY = 300, 3600, 86400
TABLES = {"agg_5m": FIVE_MINUTES, "agg_1h": HOUR}
SCORE_TOLERANCE = 1e-9  # per post: sums of floats depend on the order they were added in
TIME_TOLERANCE = 1e-5  # seconds: the API serves times with microseconds
SHOWN = 25  # differences listed by assert_oracle

Get = Callable[..., Any]  # get(path, **params) -> parsed JSON body


@dataclass(frozen=True)
class SourcePost:
    """One row as the source has it."""

    id: str
    subreddit: str
    title: str
    selftext: str
    url: str
    permalink: str
    created_utc: float
    removed: bool = False  # as the last record of the post says: stored, served, not counted

    @property
    def key(self) -> str:
        return self.subreddit.lower()


@dataclass(frozen=True)
class Cell:
    """What one aggregate row should hold."""

    count: int
    total: float

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


@dataclass(frozen=True)
class Subreddit:
    """What one subreddit's all-time row should hold."""

    names: frozenset[str]
    count: int
    total: float
    last_post_utc: float


def read_dataset(folder: Path) -> list[dict[str, str]]:
    """Every row of every ``<Subreddit>.csv`` in ``folder``, in file-name and file order.

    Each row is the CSV record as a dict of strings, with ``subreddit`` set to the file
    name's stem. Bytes that are not UTF-8 come back as surrogates, so that the caller
    can see (and leave out) the rows it made bad on purpose.
    """
    rows = []
    for path in sorted(folder.glob("*.csv")):
        with open(path, newline="", encoding="utf-8", errors="surrogateescape") as fh:
            for record in csv.DictReader(fh):
                rows.append({**record, "subreddit": path.stem})
    return rows


def earnest_command() -> str:
    """The ``earnest`` executable installed next to this interpreter."""
    return shutil.which("earnest", path=str(Path(sys.executable).parent)) or "earnest"


def score_with_cli(posts: Iterable[SourcePost], env: Mapping[str, str]) -> tuple[str, dict]:
    """``(model_version, {post id: seriousness})`` from one ``earnest score`` call."""
    lines = "".join(json.dumps({"id": p.id, "title": p.title, "selftext": p.selftext}) + "\n"
                    for p in posts)
    done = subprocess.run(
        [earnest_command(), "score"], input=lines.encode(), env={**os.environ, **env},
        capture_output=True, timeout=600, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"earnest score failed ({done.returncode}): "
                           f"{done.stderr.decode(errors='replace')[-2000:]}")
    # Only "\n" ends a record: titles may hold other line separators (U+2028, ...).
    scored = [json.loads(line) for line in done.stdout.split(b"\n") if line.strip()]
    versions = {record["model_version"] for record in scored}
    if len(versions) != 1:
        raise RuntimeError(f"earnest score answered with model versions {sorted(versions)}")
    return versions.pop(), {record["id"]: record["seriousness"] for record in scored}


@dataclass
class Expected:
    """The posts earnest should hold, their scores, and every aggregate derived from them."""

    posts: dict[str, SourcePost]
    model_version: str
    scores: dict[str, float]

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]], env: Mapping[str, str]) -> Expected:
        """Expected state after publishing ``rows`` in order; scores by ``earnest score``.

        ``env`` is the environment earnest runs with, so the command picks the same model.
        """
        posts: dict[str, SourcePost] = {}
        for row in rows:
            post = SourcePost(id=row["id"], subreddit=row["subreddit"], title=row["title"],
                              selftext=row.get("selftext") or "", url=row.get("url") or "",
                              permalink=row.get("permalink") or "",
                              created_utc=float(row["created_utc"]),
                              removed=bool(row.get("removed")))
            posts.setdefault(post.id, post)
        version, scores = score_with_cli(posts.values(), env)
        missing = posts.keys() - scores.keys()
        if missing:
            raise RuntimeError(f"earnest score skipped {len(missing)} posts: {sorted(missing)[:5]}")
        return cls(posts, version, scores)

    def __post_init__(self) -> None:
        self._by_key: dict[str, list[SourcePost]] = {}
        self._counted: dict[str, list[SourcePost]] = {}
        for post in self.posts.values():
            self._by_key.setdefault(post.key, []).append(post)
            if not post.removed:
                self._counted.setdefault(post.key, []).append(post)
        self._cells: dict[int, dict[tuple[str, int], Cell]] = {}

    def cells(self, width: int) -> dict[tuple[str, int], Cell]:
        """``(subreddit key, bucket start)`` to the cell, for buckets ``width`` seconds wide."""
        if width not in self._cells:
            sums: dict[tuple[str, int], list] = {}
            for post in self.posts.values():
                if post.removed:
                    continue
                bucket = math.floor(post.created_utc / width) * width
                acc = sums.setdefault((post.key, bucket), [0, 0.0])
                acc[0] += 1
                acc[1] += self.scores[post.id]
            self._cells[width] = {k: Cell(count, total) for k, (count, total) in sums.items()}
        return self._cells[width]

    def subreddits(self) -> dict[str, Subreddit]:
        """Subreddit key to its all-time row."""
        return {
            key: Subreddit(frozenset(p.subreddit for p in posts), len(posts),
                           sum(self.scores[p.id] for p in posts),
                           max(p.created_utc for p in posts))
            for key, posts in self._counted.items()
        }

    def newest_first(self, key: str) -> list[SourcePost]:
        """A subreddit's posts in the API's order: newest first by (created_utc, id)."""
        return sorted(self._by_key.get(key, []), key=lambda p: (p.created_utc, p.id),
                      reverse=True)


# --- the tables ---------------------------------------------------------------------


@contextmanager
def snapshot(database_url: str) -> Iterator[Callable[[str], list[tuple]]]:
    """``rows(sql)`` over one read-only snapshot of the database at ``database_url``."""
    if database_url.startswith(("postgresql://", "postgres://")):
        import psycopg

        with psycopg.connect(database_url, connect_timeout=10) as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield lambda sql: conn.execute(sql).fetchall()  # type: ignore[arg-type]
            conn.rollback()
        return
    if not database_url.startswith("sqlite:///"):
        raise ValueError(f"the oracle reads sqlite:/// or postgresql:// URLs, not {database_url}")
    path = Path(database_url.removeprefix("sqlite:///")).resolve()
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30,
                           isolation_level=None)
    try:
        conn.execute("BEGIN")
        yield lambda sql: conn.execute(sql).fetchall()
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def _close(a: float, b: float, count: int = 1) -> bool:
    return abs(a - b) <= SCORE_TOLERANCE * max(1, count)


def differences_in_tables(expected: Expected, database_url: str,
                          dead_letters: Mapping[str, int] | None = None,
                          one_of_versions: bool = False) -> list[str]:
    """Every way the tables differ from ``expected``; ``[]`` when they agree.

    ``dead_letters`` (stage to count), when given, is compared with the dead-letter table.
    With ``one_of_versions``, the tables may hold other model versions too: only the
    rows of ``expected.model_version`` are compared, whether it is live or not.
    """
    with snapshot(database_url) as all_rows:
        rows = _version_rows(all_rows, expected.model_version) if one_of_versions else all_rows
        out = [] if one_of_versions else _differences_in_models(expected, rows)
        out += _differences_in_posts(expected, rows)
        out += _differences_in_scores(expected, rows)
        for table, width in TABLES.items():
            out += _differences_in_buckets(expected, table, width, rows)
        out += _differences_in_all_time(expected, rows)
        if dead_letters is not None:
            stored = dict(rows("SELECT stage, count(*) FROM dead_letters GROUP BY stage"))
            if stored != dict(dead_letters):
                out.append(f"dead_letters: table has {stored} per stage, "
                           f"expected {dict(dead_letters)}")
    return out


def _version_rows(rows: Callable[[str], list[tuple]], version: str
                  ) -> Callable[[str], list[tuple]]:
    """``rows`` that leaves out the rows of other model versions than ``version``."""

    def of_version(sql: str) -> list[tuple]:
        found = rows(sql)
        if "model_version" not in sql:
            return found
        column = [c.strip() for c in sql.split("FROM")[0].removeprefix("SELECT").split(",")]
        at = column.index("model_version")
        return [r for r in found if r[at] == version]

    return of_version


def _differences_in_models(expected: Expected, rows) -> list[str]:
    live = sorted(v for (v,) in rows("SELECT version FROM models WHERE state = 'live'"))
    if live != [expected.model_version]:
        return [f"models: live versions {live}, expected [{expected.model_version!r}] "
                "(the version `earnest score` answers with)"]
    return []


def _differences_in_posts(expected: Expected, rows) -> list[str]:
    out = []
    stored = {r[0]: r for r in rows("SELECT id, subreddit, subreddit_key, title, selftext, url,"
                                     " permalink, created_utc, removed <> '' FROM posts")}
    for post_id in sorted(expected.posts.keys() - stored.keys()):
        out.append(f"posts: {post_id!r} is missing")
    for post_id in sorted(stored.keys() - expected.posts.keys()):
        out.append(f"posts: {post_id!r} is stored but was not expected")
    for post_id in sorted(expected.posts.keys() & stored.keys()):
        post = expected.posts[post_id]
        _, subreddit, key, title, selftext, url, permalink, created, gone = stored[post_id]
        want = (post.subreddit, post.key, post.title, post.selftext, post.url, post.permalink,
                post.created_utc, post.removed)
        have = (subreddit, key, title, selftext, url, permalink, created, bool(gone))
        names = ("subreddit", "subreddit_key", "title", "selftext", "url", "permalink",
                 "created_utc", "removed")
        for name, h, w in zip(names, have, want, strict=True):
            if h != w:
                out.append(f"posts: {post_id!r} has {name}={_short(h)}, expected {_short(w)}")
    return out


def _differences_in_scores(expected: Expected, rows) -> list[str]:
    out = []
    seen = Counter()
    for post_id, version, value in rows("SELECT post_id, model_version, seriousness FROM scores"):
        if version != expected.model_version or post_id not in expected.posts:
            out.append(f"scores: ({post_id!r}, {version!r}) was not expected")
            continue
        seen[post_id] += 1
        want = expected.scores[post_id]
        if not _close(value, want):
            out.append(f"scores: {post_id!r} has seriousness={value!r}, "
                       f"`earnest score` says {want!r}")
    for post_id in sorted(expected.posts.keys() - seen.keys()):
        out.append(f"scores: {post_id!r} has no score for {expected.model_version!r}")
    return out


def _differences_in_buckets(expected: Expected, table: str, width: int, rows) -> list[str]:
    out = []
    stored = {(v, key, bucket): Cell(count, total) for v, key, bucket, count, total
              in rows(f"SELECT model_version, subreddit, bucket, count, total FROM {table}")}
    want = {(expected.model_version, key, bucket): cell
            for (key, bucket), cell in expected.cells(width).items()}
    for k in sorted(stored.keys() | want.keys()):
        have, cell = stored.get(k), want.get(k)
        if have is None:
            out.append(f"{table} {k}: row missing, expected count={cell.count} "
                       f"total={cell.total!r}")
        elif cell is None:
            out.append(f"{table} {k}: row count={have.count} total={have.total!r} "
                       "was not expected")
        elif have.count != cell.count or not _close(have.total, cell.total, cell.count):
            out.append(f"{table} {k}: row has count={have.count} total={have.total!r}, "
                       f"expected count={cell.count} total={cell.total!r}")
    return out


def _differences_in_all_time(expected: Expected, rows) -> list[str]:
    out = []
    stored = {(v, key): (name, count, total, last) for v, key, name, count, total, last
              in rows("SELECT model_version, subreddit, name, count, total, last_post_utc"
                      " FROM agg_all")}
    want = {(expected.model_version, key): s for key, s in expected.subreddits().items()}
    for k in sorted(stored.keys() | want.keys()):
        have, s = stored.get(k), want.get(k)
        if have is None:
            out.append(f"agg_all {k}: row missing, expected count={s.count}")
            continue
        name, count, total, last = have
        if s is None:
            out.append(f"agg_all {k}: row count={count} was not expected")
            continue
        if name not in s.names:
            out.append(f"agg_all {k}: name={name!r}, expected one of {sorted(s.names)}")
        if count != s.count or not _close(total, s.total, s.count):
            out.append(f"agg_all {k}: row has count={count} total={total!r}, "
                       f"expected count={s.count} total={s.total!r}")
        if last != s.last_post_utc:
            out.append(f"agg_all {k}: last_post_utc={last!r}, expected {s.last_post_utc!r}")
    return out


# --- the HTTP API -------------------------------------------------------------------


def http_get(base_url: str, timeout: float = 30.0) -> Get:
    """``get(path, **params)``: the parsed JSON body of a GET that must answer 200."""

    def get(path: str, **params: Any) -> Any:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        url = base_url.rstrip("/") + path + ("?" + query if query else "")
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"GET {url} answered {exc.code}: {exc.read()[:500]!r}") from None

    return get


def differences_in_api(expected: Expected, get: Get, page_size: int = 100) -> list[str]:
    """Every way ``/subreddits`` and every page of every ``/subreddit/{name}`` differ."""
    out = _differences_in_listing(expected, get)
    for key, subreddit in sorted(expected.subreddits().items()):
        out += _differences_in_subreddit(expected, key, subreddit, get, page_size)
    return out


def _same_window(get: Get, width: int, path: str, **params: Any) -> tuple[float, Any]:
    """``(now, body)`` of a GET whose answer depends on the current ``width``-second window.

    Times are read before and after the request: if a window boundary passed meanwhile,
    the server may have used either window, so the request is made once more.
    """
    for _ in range(2):
        before = time.time()
        body = get(path, **params)
        if before // width == time.time() // width:
            return before, body
    raise AssertionError(f"GET {path}: the {width}-second window rolled over twice")


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _differs(served: float | None, want: float | None, tolerance: float) -> bool:
    if served is None or want is None:
        return served is not want
    return abs(served - want) > tolerance


def _differences_in_listing(expected: Expected, get: Get) -> list[str]:
    now, body = _same_window(get, DAY, "/subreddits")
    out = []
    if body["model_version"] != expected.model_version:
        out.append(f"/subreddits: model_version={body['model_version']!r}, "
                   f"expected {expected.model_version!r}")
    want = expected.subreddits()
    served = {s["name"].lower(): s for s in body["subreddits"]}
    for key in sorted(want.keys() - served.keys()):
        out.append(f"/subreddits: {key!r} is missing")
    for key in sorted(served.keys() - want.keys()):
        out.append(f"/subreddits: {served[key]['name']!r} was not expected")
    first_day = math.floor(now / DAY) * DAY - 6 * DAY
    days = expected.cells(DAY)
    for key in sorted(want.keys() & served.keys()):
        s, item = want[key], served[key]
        where = f"/subreddits {item['name']!r}"
        if item["name"] not in s.names:
            out.append(f"{where}: name, expected one of {sorted(s.names)}")
        if item["posts"] != s.count:
            out.append(f"{where}: posts={item['posts']}, expected {s.count}")
        if _differs(item["seriousness"], s.total / s.count, SCORE_TOLERANCE):
            out.append(f"{where}: seriousness={item['seriousness']!r}, "
                       f"expected {s.total / s.count!r}")
        if _differs(_seconds(item["last_post_utc"]), s.last_post_utc, TIME_TOLERANCE):
            out.append(f"{where}: last_post_utc={item['last_post_utc']}, "
                       f"expected {s.last_post_utc!r}")
        means = [days.get((key, first_day + i * DAY), Cell(0, 0.0)).mean for i in range(7)]
        if len(item["last_7d"]) != 7 or any(
            _differs(h, w, SCORE_TOLERANCE) for h, w in zip(item["last_7d"], means, strict=True)
        ):
            out.append(f"{where}: last_7d={item['last_7d']}, expected {means}")
    return out


def _differences_in_subreddit(expected: Expected, key: str, subreddit: Subreddit, get: Get,
                              page_size: int) -> list[str]:
    name = sorted(subreddit.names)[0]
    path = f"/subreddit/{name}"
    now, body = _same_window(get, HOUR, path, limit=page_size)
    out = _differences_in_hours(expected, key, now, body["hourly"], path)
    served: list[dict] = []
    pages = 0
    while True:
        pages += 1
        out += _differences_in_header(expected, subreddit, body, f"{path} page {pages}")
        served += body["posts"]
        if body["next_cursor"] is None or pages > subreddit.count // page_size + 1:
            break
        body = get(path, limit=page_size, cursor=body["next_cursor"])
    if body["next_cursor"] is not None:
        out.append(f"{path}: still a next_cursor after {pages} pages of {page_size}")
    return out + _differences_in_posts_served(expected, key, served, path)


def _differences_in_header(expected: Expected, s: Subreddit, body: dict, where: str) -> list[str]:
    out = []
    if body["model_version"] != expected.model_version:
        out.append(f"{where}: model_version={body['model_version']!r}, "
                   f"expected {expected.model_version!r}")
    if body["name"] not in s.names:
        out.append(f"{where}: name={body['name']!r}, expected one of {sorted(s.names)}")
    if body["posts_count"] != s.count:
        out.append(f"{where}: posts_count={body['posts_count']}, expected {s.count}")
    if _differs(body["seriousness"], s.total / s.count, SCORE_TOLERANCE):
        out.append(f"{where}: seriousness={body['seriousness']!r}, expected {s.total / s.count!r}")
    if _differs(_seconds(body["last_post_utc"]), s.last_post_utc, TIME_TOLERANCE):
        out.append(f"{where}: last_post_utc={body['last_post_utc']}, "
                   f"expected {s.last_post_utc!r}")
    return out


def _differences_in_hours(expected: Expected, key: str, now: float, hourly: list[dict],
                          where: str) -> list[str]:
    last_hour = math.floor(now / HOUR) * HOUR
    hours = [last_hour - (167 - i) * HOUR for i in range(168)]
    if [_seconds(p["hour"]) for p in hourly] != hours:
        return [f"{where}: hourly has {len(hourly)} points, not the 168 hours ending "
                f"{datetime.fromtimestamp(last_hour, tz=UTC).isoformat()}"]
    cells = expected.cells(HOUR)
    out = []
    for hour, point in zip(hours, hourly, strict=True):
        cell = cells.get((key, hour), Cell(0, 0.0))
        if point["count"] != cell.count or _differs(point["seriousness"], cell.mean,
                                                    SCORE_TOLERANCE):
            out.append(f"{where}: hour {point['hour']} has count={point['count']} "
                       f"seriousness={point['seriousness']!r}, expected count={cell.count} "
                       f"seriousness={cell.mean!r}")
    return out


def _differences_in_posts_served(expected: Expected, key: str, served: list[dict],
                                 where: str) -> list[str]:
    out = []
    want = expected.newest_first(key)
    served_ids = [p["id"] for p in served]
    want_ids = [p.id for p in want]
    if served_ids != want_ids:
        at = next((i for i, (a, b) in enumerate(zip(served_ids, want_ids, strict=False)) if a != b),
                  min(len(served_ids), len(want_ids)))
        out.append(f"{where}: served {len(served_ids)} posts, expected {len(want_ids)}; "
                   f"first difference at position {at}: {served_ids[at:at + 3]} "
                   f"instead of {want_ids[at:at + 3]}")
    for item in served:
        post = expected.posts.get(item["id"])
        if post is None:
            continue
        for field in ("title", "url", "permalink"):
            if item[field] != getattr(post, field):
                out.append(f"{where}: post {post.id!r} has {field}={_short(item[field])}, "
                           f"expected {_short(getattr(post, field))}")
        if _differs(_seconds(item["created_utc"]), post.created_utc, TIME_TOLERANCE):
            out.append(f"{where}: post {post.id!r} has created_utc={item['created_utc']}, "
                       f"expected {post.created_utc!r}")
        if bool(item["removed"]) != post.removed:
            out.append(f"{where}: post {post.id!r} has removed={item['removed']!r}, "
                       f"expected {'a reason' if post.removed else None}")
        if _differs(item["seriousness"], expected.scores[post.id], SCORE_TOLERANCE):
            out.append(f"{where}: post {post.id!r} has seriousness={item['seriousness']!r}, "
                       f"`earnest score` says {expected.scores[post.id]!r}")
    return out


# --- all of it ----------------------------------------------------------------------


def differences(expected: Expected, database_url: str, get: Get | None = None,
                dead_letters: Mapping[str, int] | None = None) -> list[str]:
    """The tables' differences, then the API's when ``get`` is given."""
    out = differences_in_tables(expected, database_url, dead_letters)
    if get is not None:
        out += differences_in_api(expected, get)
    return out


def assert_oracle(expected: Expected, database_url: str, get: Get | None = None,
                  dead_letters: Mapping[str, int] | None = None) -> None:
    """Raise ``AssertionError`` listing the first differences, if there are any."""
    found = differences(expected, database_url, get, dead_letters)
    if found:
        shown = "\n".join(found[:SHOWN])
        more = f"\n... and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
        raise AssertionError(f"the oracle found {len(found)} differences "
                             f"({len(expected.posts)} posts expected):\n{shown}{more}")


def _short(value: object, width: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."
