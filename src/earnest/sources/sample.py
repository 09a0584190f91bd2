"""The sample of real posts shipped in the package, so earnest has data with nothing else.

Posts of every subreddit of the reddit-top-2013 dataset (see the README for what it
holds), stored as a Reddit dump: zstandard NDJSON, one submission ``data`` object a
line, oldest first. It is read like any dump, through the one mapping
(:func:`earnest.sources.reddit_data.post_from_reddit`), and its ``data`` objects can feed
anything that takes submissions, such as a stream served as if live.
``scripts/build-sample`` rebuilds it from the dataset.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import zstandard

from earnest.records import Post
from earnest.sources.base import Rejected
from earnest.sources.dump import DumpSource
from earnest.sources.replay import Archive

SAMPLE_PATH = Path(__file__).with_name("sample.ndjson.zst")
LABEL = "the bundled sample of reddit-top-2013"


def submissions(path: Path = SAMPLE_PATH) -> Iterator[dict[str, Any]]:
    """The sample's submission ``data`` objects, oldest first."""
    with path.open("rb") as fh, zstandard.ZstdDecompressor().stream_reader(fh) as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            yield json.loads(line)


def records(path: Path = SAMPLE_PATH) -> Iterator[Post | Rejected]:
    """The sample's posts, mapped as ``earnest import`` maps a dump's lines."""
    return DumpSource([str(path)]).records(0)


def sample_archive(path: Path = SAMPLE_PATH) -> Archive:
    """The sample as a replay reads it; a new sample has another identity, so a replay
    of it starts afresh rather than resuming at a position of the old one."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return Archive(LABEL, f"sample:{digest}", lambda: records(path))
