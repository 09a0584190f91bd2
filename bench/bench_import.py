"""Benchmark of ``earnest import`` on generated dumps (bench/make_dump.py), embedded default.

1. Import alone: ``earnest import DUMP`` on a fresh EARNEST_HOME, no pipeline running:
   decode, filter and publish onto the embedded log. posts/s = records published / the
   command's own import time (its summary line); ``wall`` includes start-up.
2. Peak memory of that process (``ru_maxrss`` from ``wait4``), for each dump size.
3. End to end: ``earnest up --no-replay`` on a fresh EARNEST_HOME, then the same import
   beside it, until ``/status`` shows every post stored, every post not removed counted,
   and no lag. posts/s = distinct
   posts / (settled - import started); the import's own time says which side waits.

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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests/ is not a package on the path of a script in bench/

from tests.dumps import Dump, write_dump  # noqa: E402

from earnest.testing import EarnestProcess, free_port  # noqa: E402

DATASET = REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts"
EARNEST = str(Path(sys.executable).parent / "earnest")


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
        imported = None
        counted = sum(not post.removed for post in dump.posts.values())  # what agg_all sums
        while True:
            if imported is None and importing.poll() is not None:
                imported = time.monotonic() - started
            status = up.get("/status").json()
            lagging = any(status["lag"].values())
            counts = (status["posts"], status["scores"])
            if imported is not None and counts == (len(dump.posts), counted) and not lagging:
                break
            time.sleep(poll)
        settled = time.monotonic() - started
        output = importing.stdout.read() if importing.stdout else ""
        assert importing.returncode == 0, output[-2000:]
        up.stop()
    return {"posts_per_s": len(dump.posts) / settled, "settled_s": settled,
            "import_s": imported, "import_posts_per_s": _summary(output)[0] / imported}


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
        dumps = [write_dump(folder / f"RS_{n}.zst", args.dataset.resolve(), n)
                 for n in (args.small, args.posts)]
        for dump in dumps:
            size = dump.path.stat().st_size / 1e6
            print(f"{dump.path.name}: {dump.lines:,} lines, {len(dump.posts):,} posts, "
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
