"""Benchmark of the seriousness model: scoring speed on real posts, one core.

Reads posts of every subreddit in the dataset (shuffled with a fixed seed, so
titles and selftexts of all kinds mix as they do in a live stream), then scores
them with ``SeriousnessModel.score`` in batches of the sizes the score stage
uses (1,000 on RabbitMQ and for ``earnest score``, 5,000 on the embedded log).

Two sets: every post (most are links, with no selftext) and only posts with
a selftext, the slower kind (up to ``max_body_chars`` of body to read).

posts/s per core = posts / CPU seconds of this process (``time.process_time``),
which the other tenants of a shared machine disturb less than wall time; wall
posts/s is printed beside it. Medians of ``--runs`` runs.

Usage: python bench/bench_model.py --posts 100000 --runs 3 [--model PATH]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

# One core: keep BLAS and OpenMP pools (imported with numpy/scipy) to one thread.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from earnest.model.artifact import SeriousnessModel, default_model_path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts"


def read_posts(dataset: Path, count: int, seed: int) -> tuple[list[str], list[str]]:
    """``count`` (title, selftext) pairs drawn from every subreddit's file, shuffled."""
    csv.field_size_limit(sys.maxsize)
    posts: list[tuple[str, str]] = []
    for path in sorted(dataset.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as f:
            posts.extend((row["title"], row["selftext"]) for row in csv.DictReader(f))
    random.Random(seed).shuffle(posts)
    chosen = posts[:count]
    return [title for title, _ in chosen], [body for _, body in chosen]


def score_rate(model: SeriousnessModel, titles: list[str], bodies: list[str],
               batch: int) -> tuple[float, float]:
    """(posts per CPU second, posts per wall second) of one pass over the posts."""
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(0, len(titles), batch):
        model.score(titles[i : i + batch], bodies[i : i + batch])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return len(titles) / cpu, len(titles) / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--model", type=Path, default=default_model_path())
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    model = SeriousnessModel.load(args.model)
    titles, bodies = read_posts(args.dataset, args.posts, args.seed)
    selfposts = [i for i, body in enumerate(bodies) if body]
    sets = {
        "every post": (titles, bodies),
        "with selftext": ([titles[i] for i in selfposts], [bodies[i] for i in selfposts]),
    }
    score_rate(model, titles[:5000], bodies[:5000], 1000)  # warm caches and lazy imports
    print(f"model {model.version}, {args.runs} runs, max_body_chars {model.spec.max_body_chars}")
    for name, (some_titles, some_bodies) in sets.items():
        for batch in args.batch:
            rates = [score_rate(model, some_titles, some_bodies, batch) for _ in range(args.runs)]
            cpu = statistics.median(rate for rate, _ in rates)
            wall = statistics.median(rate for _, rate in rates)
            print(f"{name:<13} ({len(some_titles):>7,} posts), batch {batch:>5,}: "
                  f"{cpu:>9,.0f} posts/s per core (CPU time), {wall:>9,.0f} posts/s wall")


if __name__ == "__main__":
    main()
