"""``earnest import`` of a generated dump of mixed eras, killed midway, on both runtimes.

The dump (tests/dumps.py) has 20,000 posts of three eras, about 1% malformed lines, and
later retrievals that remove posts, bring them back, or come too late to count. The
import is SIGKILLed in the middle, run again to the end, the pipeline run until settled,
and the import run once more (resuming: nothing left; from the start: everything again).
Then the oracle, which knows the dump only from the generator:

- dead letters: exactly the malformed lines, each with its file and line;
- posts: every other post once, with its first line's text and its final removal status;
- scores and aggregates: a recomputation with ``earnest score``, removed posts left out,
  in the tables and in every page the API serves.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import zstandard
from tests.dumps import Dump, write_dump
from tests.oracle import Expected, assert_oracle, http_get, score_with_cli, snapshot

from earnest.config import Settings
from earnest.testing import EarnestProcess, free_port, run_cli, run_until_idle

POSTS = 20_000
BATCH = 50  # small batches: many checkpoints, an import long enough to be killed midway


def expected_from(dump: Dump, env: dict[str, str]) -> Expected:
    """The final state the generator knows, scored by ``earnest score``."""
    version, scores = score_with_cli(dump.posts.values(), env)
    return Expected(dump.posts, version, scores)


def import_position(database_url: str) -> int:
    """Records the import has checkpointed (0 before its first batch)."""
    try:
        with snapshot(database_url) as rows:
            states = rows("SELECT state FROM checkpoints WHERE name LIKE 'import:%'")
    except Exception:  # the database or its tables are not there yet
        return 0
    return max((_state(s)["position"] for (s,) in states), default=0)


def _state(value: str | dict) -> dict:
    return value if isinstance(value, dict) else json.loads(value)


def dead_lines(database_url: str) -> list[tuple[str, int]]:
    """(file, line) of every dead letter, from its reason."""
    with snapshot(database_url) as rows:
        reasons = [r for (r,) in rows("SELECT reason FROM dead_letters")]
    found = [re.match(r"(\S+) line (\d+): ", reason) for reason in reasons]
    assert all(found), [r for r, m in zip(reasons, found, strict=True) if not m][:5]
    return sorted((m.group(1), int(m.group(2))) for m in found if m)


def settle(settings: Settings) -> None:
    asyncio.run(run_until_idle(settings, timeout=300))


def test_killed_import_of_a_mixed_dump_matches_the_oracle(
    settings: Settings, earnest_env: dict[str, str], dataset: Path, tmp_path: Path
) -> None:
    dump = write_dump(tmp_path / "RS_2024-01.zst", dataset, POSTS, seed=7)
    assert dump.revisions > 500 and len(dump.malformed) > 100
    removed = sum(p.removed for p in dump.posts.values())
    assert 200 < removed < POSTS // 10
    expected = expected_from(dump, earnest_env)
    database = earnest_env["EARNEST_DATABASE_URL"]
    env = {**earnest_env, "EARNEST_BATCH_SIZE": str(BATCH)}
    args = ["import", str(dump.path)]

    with EarnestProcess(args, env, log=tmp_path / "import1.log") as first:
        deadline = time.monotonic() + 120
        while import_position(database) < dump.lines // 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        first.kill()
    killed_at = import_position(database)
    assert 0 < killed_at < dump.lines, f"the kill should land mid-import, not at {killed_at}"

    second = run_cli(args, env)
    assert second.returncode == 0, second.stderr
    assert "posts published" in second.stderr
    assert import_position(database) == dump.lines
    settle(settings)
    want_dead = sorted((dump.path.name, line) for line in dump.malformed)
    assert dead_lines(database) == want_dead
    assert_oracle(expected, database, dead_letters={"import": len(dump.malformed)})

    again = run_cli(args, env)
    assert again.returncode == 0 and "nothing left to import" in again.stderr, again.stderr
    from_start = run_cli([*args, "--from-start"], env)
    assert from_start.returncode == 0, from_start.stderr
    settle(settings)
    assert dead_lines(database) == want_dead
    port = free_port()
    with EarnestProcess(["serve", "--port", str(port)], earnest_env, port,
                        log=tmp_path / "serve.log") as api:
        api.wait_for_api(60)
        assert_oracle(expected, database, http_get(api.url),
                      dead_letters={"import": len(dump.malformed)})
        assert api.stop() == 0


def test_the_generator_is_deterministic_and_accounts_for_every_line(dataset: Path,
                                                                     tmp_path: Path) -> None:
    one = write_dump(tmp_path / "one.zst", dataset, 3_000, seed=3)
    two = write_dump(tmp_path / "two.zst", dataset, 3_000, seed=3)
    assert one.path.read_bytes() == two.path.read_bytes()
    assert (one.posts, one.malformed) == (two.posts, two.malformed)
    assert one.lines == len(one.posts) + one.revisions + len(one.malformed)
    lines = zstandard.ZstdDecompressor().stream_reader(one.path.read_bytes()).read()
    assert lines.count(b"\n") == one.lines
