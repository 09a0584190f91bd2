"""``earnest import`` reads dumps as bytes and says how far it is: compressed bytes of the
files' total, and which file; lines the fast JSON parser refuses are judged as before."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import zstandard
from rich.console import Console

from earnest.pipeline.ingest import IngestProgress
from earnest.progress import PublishDisplay
from earnest.records import Post
from earnest.sources.base import Rejected
from earnest.sources.dump import DumpSource

T0 = 1_700_000_000


def submission(i: int) -> dict:
    return {"id": f"p{i}", "subreddit": "AskScience", "title": f"Question {i}, {'x' * (i % 97)}?",
            "selftext": "why " * (i % 50), "created_utc": T0 + i, "score": i,
            "num_comments": 0, "permalink": f"/r/AskScience/comments/p{i}/q/"}


def write(folder: Path, count: int) -> list[Path]:
    lines = "".join(json.dumps(submission(i)) + "\n" for i in range(count)).encode()
    zst, gz = folder / "RS_2024-01.zst", folder / "more.ndjson.gz"
    zst.write_bytes(zstandard.ZstdCompressor(level=3, write_content_size=False).compress(lines))
    gz.write_bytes(gzip.compress(lines))
    return [zst, gz]


def test_progress_counts_compressed_bytes_of_every_file(tmp_path: Path) -> None:
    files = write(tmp_path, 60_000)
    source = DumpSource([str(f) for f in files])
    total = sum(f.stat().st_size for f in files)
    assert source.progress().done == 0
    seen = []
    for index, _ in enumerate(source.records(0)):
        if index % 5_000 == 0:
            seen.append(source.progress())
    end = source.progress()
    assert (end.done, end.total, end.file) == (total, total, "more.ndjson.gz")
    dones = [p.done for p in seen]
    assert dones == sorted(dones) and 0 < dones[3] < files[0].stat().st_size
    assert {p.file for p in seen} == {"RS_2024-01.zst", "more.ndjson.gz"}
    assert all(p.total == total for p in seen)


def test_lines_the_fast_parser_refuses_are_judged_by_the_standard_one(tmp_path: Path) -> None:
    good = json.dumps(submission(1)).encode()
    path = tmp_path / "odd.ndjson"
    path.write_bytes(b"\n".join([
        good,
        good.replace(b'"score": 1', b'"score": NaN'),
        good.replace(b'"score": 1', b'"score": ' + str(2**70).encode()),
        good.replace(b'"Question 1', b'"Question \xff'),  # not UTF-8
        good.replace(b'"Question 1', b'"Question \\ud800'),  # a lone surrogate
        b'{"id": "p9", "title": ',
        b"[1, 2]",
        good.replace(b'"p1"', b'"p2"') + b"\r",  # a CRLF line end
    ]) + b"\n")
    records = list(DumpSource([str(path)]).records(0))
    assert [r.id for r in records if isinstance(r, Post)] == ["p1", "p2"]
    reasons = [r.reason for r in records if isinstance(r, Rejected)]
    assert reasons[0].startswith("odd.ndjson line 2: score nan is not a number")
    assert reasons[1].startswith("odd.ndjson line 3: score ")
    assert reasons[1].endswith("does not fit in 64 bits")
    assert reasons[2] == reasons[3].replace("line 5", "line 4") == \
        "odd.ndjson line 4: title is not valid UTF-8"
    assert reasons[4].startswith("odd.ndjson line 6: not JSON (")
    assert reasons[5] == "odd.ndjson line 7: not a JSON object"
    assert len(reasons) == 6


def test_display_draws_a_bar_on_a_terminal_and_lines_elsewhere(tmp_path: Path) -> None:
    files = write(tmp_path, 2_000)
    source = DumpSource([str(f) for f in files])
    records = source.records(0)
    for _ in range(1_500):
        next(records)
    done = IngestProgress(position=1_500, published=1_500)
    screen = io.StringIO()
    with PublishDisplay(Console(file=screen, force_terminal=True, width=120),
                        source.progress, print) as display:
        display(done)
    drawn = screen.getvalue()
    assert "RS_2024-01.zst" in drawn and "1,500 posts" in drawn
    assert f"/{sum(f.stat().st_size for f in files) / 1e3:.1f} kB" in drawn

    replaying = io.StringIO()
    with PublishDisplay(Console(file=replaying, force_terminal=True, width=120),
                        lambda: None, print, "replay") as display:
        display(done)
    assert "replay" in replaying.getvalue() and "1,500 posts" in replaying.getvalue()
    assert " kB" not in replaying.getvalue() and "bytes" not in replaying.getvalue()

    lines: list[str] = []
    with PublishDisplay(Console(file=io.StringIO(), force_terminal=False), source.progress,
                        lines.append, every=0) as display:
        display(done)
    assert len(lines) == 1
    assert lines[0].startswith("1,500 posts published, 0 rejected (")
    assert "MB read (" in lines[0] and lines[0].endswith("reading RS_2024-01.zst")
