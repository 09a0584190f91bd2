"""Importing Reddit submissions from files: dumps, NDJSON, listing responses, stdin.

Each file is read as a stream, in constant memory:

- ``RS_YYYY-MM.zst`` (Pushshift, Arctic Shift): zstandard-compressed NDJSON, one
  submission ``data`` object a line, compressed with a long window;
- ``.ndjson`` / ``.jsonl`` (optionally ``.gz``): the same, uncompressed or gzipped;
- ``.json``: the body of a listing response (``{"kind": "Listing", "data": {"children":
  [{"kind": "t3", "data": {...}}]}}``), or an array of such bodies;
- ``-``: NDJSON on standard input.

A line that is not a JSON object, or an object that is not a post, is rejected with the
file and line. Filters (subreddits, time range) drop posts without a record, as if the
file did not hold them. Positions count what the source yields, so a checkpoint means
the same record on a rerun of the same files with the same filters (standard input is
read afresh each time: an import from it never resumes).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sys
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import zstandard

from earnest.errors import ConfigError
from earnest.records import Post
from earnest.sources.base import Rejected, Source
from earnest.sources.reddit_data import post_from_reddit

ZSTD_WINDOW = 2**31  # the dumps are compressed with a long window
STDIN = "-"


class DumpSource(Source):
    """Every submission of ``paths``, in file order, that passes the filters."""

    stage = "import"

    def __init__(self, paths: Iterable[str], *, subreddits: Iterable[str] = (),
                 since: float | None = None, until: float | None = None) -> None:
        self.paths = list(paths)
        if not self.paths:
            raise ConfigError("nothing to import: name files, or - for standard input")
        for path in self.paths:
            if path != STDIN and not Path(path).is_file():
                raise ConfigError(f"cannot import {path}: no such file")
        self.subreddits = {name.lower() for name in subreddits}
        self.since, self.until = since, until
        # Standard input differs from one run to the next: its position means nothing to
        # the next import, so each import from it has a checkpoint of its own.
        stdin = uuid.uuid4().hex if STDIN in self.paths else ""
        identity = json.dumps([[str(Path(p).resolve()) if p != STDIN else p
                                for p in self.paths], sorted(self.subreddits), since, until,
                               stdin])
        digest = hashlib.sha1(identity.encode(), usedforsecurity=False).hexdigest()
        self.checkpoint_name = "import:" + digest[:16]

    def records(self, start: int) -> Iterator[Post | Rejected]:
        index = 0
        for path in self.paths:
            for item in self._file(path):
                if isinstance(item, Post) and not self._wanted(item):
                    continue
                if index >= start:
                    yield item
                index += 1

    def _wanted(self, post: Post) -> bool:
        if self.subreddits and post.subreddit.lower() not in self.subreddits:
            return False
        if self.since is not None and post.created_utc < self.since:
            return False
        return self.until is None or post.created_utc < self.until

    def _file(self, path: str) -> Iterator[Post | Rejected]:
        name = "stdin" if path == STDIN else Path(path).name
        if path.endswith(".json"):
            yield from _listing_file(Path(path), name)
            return
        with _open_lines(path) as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    yield _line(line, f"{name} line {number}")


def _open_lines(path: str) -> IO[str]:
    """The text lines of ``path`` however it is compressed (bad bytes kept as escapes)."""
    if path == STDIN:
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape")
    if path.endswith(".zst"):
        raw = zstandard.ZstdDecompressor(max_window_size=ZSTD_WINDOW).stream_reader(
            open(path, "rb"), closefd=True)  # closed with the wrapper
        return io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape")
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="surrogateescape")
    return open(path, encoding="utf-8", errors="surrogateescape")


def _line(line: str, where: str) -> Post | Rejected:
    try:
        data = json.loads(line)
    except ValueError as exc:
        return Rejected(f"{where}: not JSON ({exc})", line.rstrip("\r\n"))
    if not isinstance(data, dict):
        return Rejected(f"{where}: not a JSON object", line.rstrip("\r\n"))
    return _post(data, where)


def _post(data: dict[str, Any], where: str) -> Post | Rejected:
    result = post_from_reddit(data)
    if isinstance(result, Rejected):
        return Rejected(f"{where}: {result.reason}", result.raw)
    return result


def _listing_file(path: Path, name: str) -> Iterator[Post | Rejected]:
    try:
        body = json.loads(path.read_text(encoding="utf-8", errors="surrogateescape"))
    except ValueError as exc:
        yield Rejected(f"{name}: not JSON ({exc})", "")
        return
    bodies = body if isinstance(body, list) else [body]
    for number, listing in enumerate(bodies, 1):
        children = listing.get("data", {}).get("children") if isinstance(listing, dict) else None
        if not isinstance(children, list):
            yield Rejected(f"{name} listing {number}: not a listing", json.dumps(listing)[:2000])
            continue
        for child in children:
            if isinstance(child, dict) and child.get("kind") == "t3":
                yield _post(child.get("data") or {}, f"{name} listing {number}")
