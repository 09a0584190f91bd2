"""Importing Reddit submissions from files: dumps, NDJSON, listing responses, stdin.

Each file is read as a stream, in constant memory:

- ``RS_YYYY-MM.zst`` (Pushshift, Arctic Shift): zstandard-compressed NDJSON, one
  submission ``data`` object a line, compressed with a long window;
- ``.ndjson`` / ``.jsonl`` (optionally ``.gz``): the same, uncompressed or gzipped;
- ``.json``: the body of a listing response (``{"kind": "Listing", "data": {"children":
  [{"kind": "t3", "data": {...}}]}}``), or an array of such bodies;
- ``-``: NDJSON on standard input.

A line (ended by ``\n``) that is not a JSON object, or an object that is not a post, is
rejected with the file and line. Filters (subreddits, time range) drop posts without a
record, as if the file did not hold them. Positions count what the source yields, so a
checkpoint means the same record on a rerun of the same files with the same filters
(standard input is read afresh each time: an import from it never resumes).

:meth:`DumpSource.progress` says how far the reading is, in bytes of the files as they
are on disk (compressed bytes for ``.zst`` and ``.gz``), for a progress bar and its ETA.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import math
import sys
import uuid
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import IO, Any

import orjson
import zstandard

from earnest.errors import ConfigError
from earnest.records import Post
from earnest.sources.base import ReadProgress, Rejected, Source
from earnest.sources.reddit_data import post_from_reddit

ZSTD_WINDOW = 2**31  # the dumps are compressed with a long window
STDIN = "-"
READ_SIZE = 1 << 20  # bytes read from a file at a time


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
        self._sizes = {p: Path(p).stat().st_size for p in self.paths if p != STDIN}
        self._finished = 0  # bytes of the files read to the end
        self._read: tuple[float, float] | None = None  # creation times read, once all are
        self._reading: tuple[str, IO[bytes]] | None = None  # the file being (or last) read

    def progress(self) -> ReadProgress:
        """Bytes of the files read so far (a ``tell`` on the file being read)."""
        done, name = self._finished, ""
        if self._reading is not None:
            name, raw = self._reading
            if name != "stdin" and not raw.closed:
                done += raw.tell()
        total = None if STDIN in self.paths else sum(self._sizes.values())
        return ReadProgress(done, total, name)

    def records(self, start: int) -> Iterator[Post | Rejected]:
        index = 0
        oldest, newest = float("inf"), float("-inf")
        for path in self.paths:
            for item in self._file(path):
                if isinstance(item, Post):
                    created = item.created_utc
                    if created < oldest:
                        oldest = created
                    if created > newest:
                        newest = created
                    if not self._wanted(item):
                        continue
                if index >= start:
                    yield item
                index += 1
        self._read = (oldest, newest)

    def covered(self) -> tuple[float, float] | None:
        """The creation times the files held posts from and to, within the time filters,
        once :meth:`records` read them to the end (a monthly dump holds its whole month):
        a gap of the live source within them is filled by this import."""
        if self._read is None:
            return None
        oldest = max(self._read[0], self.since if self.since is not None else -math.inf)
        newest = min(self._read[1], self.until if self.until is not None else math.inf)
        return (oldest, newest) if oldest <= newest else None

    def _wanted(self, post: Post) -> bool:
        if self.subreddits and post.subreddit.lower() not in self.subreddits:
            return False
        if self.since is not None and post.created_utc < self.since:
            return False
        return self.until is None or post.created_utc < self.until

    def _file(self, path: str) -> Iterator[Post | Rejected]:
        name = "stdin" if path == STDIN else Path(path).name
        with open(path, "rb") if path != STDIN else nullcontext(sys.stdin.buffer) as raw:
            self._reading = (name, raw)
            if path.endswith(".json"):
                yield from _listing_file(raw, name)
            else:
                with _lines(raw, path) as lines:
                    for number, line in enumerate(lines, 1):
                        if line.strip():
                            yield _line(line, f"{name} line {number}")
        self._finished += self._sizes.get(path, 0)  # and the file, closed, is told no more


def _lines(raw: IO[bytes], path: str) -> IO[bytes]:
    """The lines of ``raw`` however it is compressed, as bytes: decoded by the JSON parser
    in one step rather than first to text."""
    if path.endswith(".zst"):
        reader = zstandard.ZstdDecompressor(max_window_size=ZSTD_WINDOW).stream_reader(
            raw, closefd=False)
        return io.BufferedReader(reader, READ_SIZE)  # type: ignore[arg-type]
    if path.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return io.BufferedReader(raw, READ_SIZE)  # type: ignore[arg-type]


def _line(line: bytes, where: str) -> Post | Rejected:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        # The standard parser has the last word: it takes what orjson refuses but Python
        # reads (NaN, integers past 64 bits, escaped lone surrogates, bytes that are not
        # UTF-8 inside strings), and its message says where the line breaks.
        text = line.decode("utf-8", errors="surrogateescape")
        try:
            data = json.loads(text)
        except ValueError as exc:
            return Rejected(f"{where}: not JSON ({exc})", text.rstrip("\r\n"))
    if not isinstance(data, dict):
        return Rejected(f"{where}: not a JSON object",
                        line.decode("utf-8", errors="surrogateescape").rstrip("\r\n"))
    return _post(data, where)


def _post(data: dict[str, Any], where: str) -> Post | Rejected:
    result = post_from_reddit(data)
    if isinstance(result, Rejected):
        return Rejected(f"{where}: {result.reason}", result.raw)
    return result


def _listing_file(raw: IO[bytes], name: str) -> Iterator[Post | Rejected]:
    try:
        body = json.loads(raw.read().decode("utf-8", errors="surrogateescape"))
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
