"""Benchmark of ``earnest import`` on generated dumps (bench/make_dump.py), embedded default.

1. Import alone: ``earnest import DUMP`` on a fresh EARNEST_HOME, no pipeline running:
   decode, filter and publish onto the embedded log. posts/s = records published / the
   command's own import time (its summary line); ``wall`` includes start-up.
2. Peak memory of that process (``ru_maxrss`` from ``wait4``), for each dump size.
3. End to end: ``earnest up --no-replay`` on a fresh EARNEST_HOME, then the same import
   beside it, until ``/status`` shows every post stored, every post not removed counted,
   and no lag. posts/s = distinct posts / (settled - import started); the import's own
   time, and the stages' lag when it ends, say which side waits for the other.

Usage: python bench/bench_import.py --posts 1000000 --small 250000
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from earnest.testing import EarnestProcess, free_port

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts"
EARNEST = str(Path(sys.executable).parent / "earnest")


@dataclass(frozen=True)
class Dump:
    """A dump bench/make_dump.py wrote, as its summary line tells it."""

    path: Path
    lines: int
    posts: int
    removed: int


def make_dump(path: Path, posts: int, dataset: Path) -> Dump:
    """Written by bench/make_dump.py in a process of its own: the generator holds every
    post it wrote (gigabytes for a million), and a child forked from a large process
    reports the parent's size as its own peak (``ru_maxrss`` survives ``exec``)."""
    done = subprocess.run([sys.executable, str(REPO / "bench" / "make_dump.py"), str(path),
                           "--posts", str(posts), "--dataset", str(dataset)],
                          capture_output=True, text=True, check=True)
    found = re.search(r"([\d,]+) lines, ([\d,]+) posts \(([\d,]+) removed", done.stdout)
    assert found, done.stdout + done.stderr
    lines, count, removed = (int(found[i].replace(",", "")) for i in (1, 2, 3))
    return Dump(path, lines, count, removed)


def import_alone(dump: Dump, home: Path) -> dict[str, float]:
    """One ``earnest import`` with nothing else running; its rate and peak RSS."""
    started = time.monotonic()
    with open(home / "import.log", "wb") as log:
        proc = subprocess.Popen([EARNEST, "import", str(dump.path)], stderr=log, stdout=log,
                                env={**os.environ, "EARNEST_HOME": str(home)})
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    output = (home / "import.log").read_text()
    assert os.waitstatus_to_exitcode(status) == 0, output[-2000:]
    published, rejected, seconds = _summary(output)
    return {"lines": published + rejected, "posts_per_s": published / seconds,
            "import_s": seconds, "wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024}


def _summary(output: str) -> tuple[int, int, float]:
    found = re.search(r"([\d,]+) posts published, ([\d,]+) rejected in ([\d.]+) s", output)
    assert found, output[-2000:]
    return int(found[1].replace(",", "")), int(found[2].replace(",", "")), float(found[3])


def end_to_end(dump: Dump, home: Path, poll: float = 0.5) -> dict[str, float]:
    """The import beside ``earnest up``, until every post is scored and nothing lags."""
    port = free_port()
    env = {"EARNEST_HOME": str(home)}
    with EarnestProcess(["up", "--no-replay", "--port", str(port)], env, port,
                        home / "up.log") as up:
        up.wait_for_api(120)
        started = time.monotonic()
        importing = subprocess.Popen([EARNEST, "import", str(dump.path)],
                                     env={**os.environ, **env}, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        imported, lag_then = None, 0
        counted = dump.posts - dump.removed  # what agg_all sums
        while True:
            status = up.get("/status").json()
            if imported is None and importing.poll() is not None:
                imported = time.monotonic() - started
                lag_then = sum(status["lag"].values())
            lagging = any(status["lag"].values())
            counts = (status["posts"], status["scores"])
            if imported is not None and counts == (dump.posts, counted) and not lagging:
                break
            time.sleep(poll)
        settled = time.monotonic() - started
        output = importing.stdout.read() if importing.stdout else ""
        assert importing.returncode == 0, output[-2000:]
        up.stop()
    return {"posts_per_s": dump.posts / settled, "settled_s": settled,
            "import_s": imported, "import_posts_per_s": _summary(output)[0] / imported,
            "lag_when_imported": lag_then}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=250_000, help="a second size, for RSS")
    parser.add_argument("--runs", type=int, default=3, help="runs of the import alone")
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--no-end-to-end", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        dumps = [make_dump(folder / f"RS_{n}.zst", n, args.dataset.resolve())
                 for n in (args.small, args.posts)]
        for dump in dumps:
            size = dump.path.stat().st_size / 1e6
            print(f"{dump.path.name}: {dump.lines:,} lines, {dump.posts:,} posts, "
                  f"{size:,.1f} MB", flush=True)
            for run in range(args.runs if dump is dumps[-1] else 1):
                home = folder / f"home-{dump.lines}-{run}"
                home.mkdir()
                result = import_alone(dump, home)
                print(f"  import alone, run {run + 1}: " + _show(result), flush=True)
        if not args.no_end_to_end:
            home = folder / "home-e2e"
            home.mkdir()
            print(f"  end to end ({dumps[-1].path.name}): " + _show(end_to_end(dumps[-1], home)),
                  flush=True)


def _show(result: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:,.1f}" for k, v in result.items())


if __name__ == "__main__":
    main()
