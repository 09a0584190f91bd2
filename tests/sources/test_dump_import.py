"""``earnest import``: dumps of several formats and eras in, malformed lines dead-lettered
with file and line, filters applied, a rerun changing nothing, on both runtimes."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path

import zstandard

from earnest.runtime import connect
from earnest.sources.base import Gap
from earnest.sources.dump import DumpSource
from earnest.testing import run_cli, run_until_idle

T0 = 1_700_000_000


def submission(i: int, subreddit: str = "AskScience", **changes: object) -> dict:
    return {"id": f"d{i}", "subreddit": subreddit, "title": f"Question {i}?",
            "selftext": "", "created_utc": T0 + i * 60, "score": i, "num_comments": 1,
            "permalink": f"/r/{subreddit}/comments/d{i}/q/", "url": "", "over_18": False,
            **changes}


def write_dumps(folder: Path) -> tuple[list[Path], set[str], list[str]]:
    """Three files; returns them, the ids expected stored, and the expected reasons."""
    folder.mkdir()
    zst_lines = [json.dumps(submission(i)) for i in range(40)]
    zst_lines[5] = '{"id": "broken", "title": '  # truncated line
    zst_lines[9] = json.dumps(submission(9, created_utc=str(T0 + 540)))  # a string, as in 2008
    zst_lines.insert(20, "[1, 2, 3]")
    zst = folder / "RS_2023-11.zst"
    zst.write_bytes(zstandard.ZstdCompressor(level=3, write_content_size=False).compress(
        ("\n".join(zst_lines) + "\n").encode()))
    gz = folder / "more.ndjson.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        for i in range(40, 60):
            fh.write(json.dumps(submission(i, "Jokes")) + "\n")
        fh.write(json.dumps(submission(60, "a")) + "\n")  # a name no API can serve
    listing = folder / "listing.json"
    listing.write_text(json.dumps({"kind": "Listing", "data": {"after": None, "children": [
        {"kind": "t3", "data": submission(i, "NeutralPolitics")} for i in range(61, 66)]}}))
    stored = {f"d{i}" for i in range(66) if i not in (5, 60)}
    reasons = ["RS_2023-11.zst line 6: not JSON", "RS_2023-11.zst line 21: not a JSON object",
               "more.ndjson.gz line 21: subreddit name 'a' is invalid"]
    return [zst, gz, listing], stored, reasons


def test_import_stores_every_post_once_and_dead_letters_the_rest(settings, tmp_path) -> None:
    files, stored, reasons = write_dumps(tmp_path / "dumps")
    env = {"EARNEST_HOME": str(settings.home), "EARNEST_DATABASE_URL":
           settings.resolved_database_url(), "EARNEST_BROKER_URL": settings.resolved_broker_url()}
    first = run_cli(["import", *map(str, files)], env)
    assert first.returncode == 0, first.stderr
    assert f"{len(stored)} posts published, 3 rejected" in first.stderr
    again = run_cli(["import", *map(str, files)], env)
    assert "nothing left to import" in again.stderr
    asyncio.run(run_until_idle(settings))

    async def check() -> None:
        async with connect(settings) as (_, store):
            counts = await store.counts()
            assert (counts.posts, counts.scores) == (len(stored), len(stored))
            letters = await store.dead_letters(10)
            assert await store.verify() == []
            jokes = await store.subreddit(
                (await store.active_model()).version, "jokes")
            assert jokes.posts == 20
        assert len(letters) == len(reasons)
        for reason in reasons:
            assert sum(letter.reason.startswith(reason) for letter in letters) == 1, reason

    asyncio.run(check())


def test_filters_and_positions(tmp_path) -> None:
    files, _, _ = write_dumps(tmp_path / "dumps")
    source = DumpSource([str(f) for f in files], subreddits=["jokes"],
                        since=T0 + 45 * 60, until=T0 + 50 * 60)
    ids = [item.id for item in source.records(0) if hasattr(item, "id")]
    assert ids == [f"d{i}" for i in range(45, 50)]
    # Rejected lines are records too (they are not filtered): two come first here.
    later = [getattr(item, "id", None) for item in source.records(4)]
    assert later[:3] == ["d47", "d48", "d49"]
    other = DumpSource([str(f) for f in files], subreddits=["askscience"])
    assert other.checkpoint_name != source.checkpoint_name


def test_standard_input_never_resumes_an_earlier_import() -> None:
    assert DumpSource(["-"]).checkpoint_name != DumpSource(["-"]).checkpoint_name


def test_an_import_over_a_gap_fills_it(settings, tmp_path) -> None:
    """A gap of the live source is filled once an import read files that hold its range
    (for its subreddit, or every one), and only then."""
    files, _, _ = write_dumps(tmp_path / "dumps")  # posts of T0 .. T0 + 65 min
    inside = Gap("AskScience", T0 + 600, T0 + 1200, found_at=T0 + 9000)
    other = Gap("Jokes", T0 + 600, T0 + 1200, found_at=T0 + 9001)
    beyond = Gap("AskScience", T0 + 3000, T0 + 9000, found_at=T0 + 9002)
    env = {"EARNEST_HOME": str(settings.home), "EARNEST_DATABASE_URL":
           settings.resolved_database_url(), "EARNEST_BROKER_URL": settings.resolved_broker_url()}

    async def gaps(*add: Gap) -> list[Gap]:
        async with connect(settings) as (_, store):
            await store.add_gaps(add)
            return await store.gaps(10)

    asyncio.run(gaps(inside, other, beyond))
    done = run_cli(["import", str(files[0]), "--subreddit", "askscience",
                    "--since", "2023-11-14T22:23:20", "--until", "2023-11-14T22:33:21"], env)
    assert done.returncode == 0, done.stderr
    assert "1 gaps of the live source filled" in done.stderr
    assert asyncio.run(gaps()) == [beyond, other]
    assert run_cli(["import", *map(str, files)], env).returncode == 0
    assert asyncio.run(gaps()) == [beyond]  # the files end before it does
