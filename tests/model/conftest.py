"""Fixtures for the model tests: real posts from the shared dataset, and one small trained model.

The small model is trained once per session on a few hundred posts of twelve
subreddits, with two serious and two banter subreddits held out, so each test
stays fast while still exercising a real fit on real text.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from earnest.model.artifact import SeriousnessModel
from earnest.model.train import train

Row = tuple[str, str, str]

SMALL_TRAINING = {
    "askphilosophy": 250, "legaladvice": 250, "explainlikeimfive": 250, "personalfinance": 250,
    "AdviceAnimals": 250, "shittyadvice": 250, "3amjokes": 250, "ShittyLifeProTips": 250,
}
SMALL_HELD_OUT = {"askscience": 200, "NeutralPolitics": 200, "shittyaskscience": 200, "Jokes": 200}


def read_rows(dataset: Path, subreddit: str, limit: int) -> list[Row]:
    """The first ``limit`` posts of a subreddit as (subreddit, title, selftext)."""
    rows: list[Row] = []
    with open(dataset / f"{subreddit}.csv", newline="", encoding="utf-8") as f:
        for record in csv.DictReader(f):
            if len(rows) == limit:
                break
            rows.append((subreddit, record["title"], record["selftext"]))
    return rows


@pytest.fixture(scope="session")
def read_posts(dataset: Path) -> Callable[[str, int], list[Row]]:
    """``read_posts(subreddit, limit)``: the first posts of one subreddit, read in place."""
    return lambda subreddit, limit: read_rows(dataset, subreddit, limit)


@pytest.fixture(scope="session")
def small_slices() -> tuple[dict[str, int], dict[str, int]]:
    """Posts per subreddit of the small model: (evaluation training, held out)."""
    return SMALL_TRAINING, SMALL_HELD_OUT


@pytest.fixture(scope="session")
def small_model(read_posts: Callable[[str, int], list[Row]]) -> SeriousnessModel:
    """A model trained on all the small slices, evaluated on the held-out ones."""
    rows = [row for name, n in {**SMALL_TRAINING, **SMALL_HELD_OUT}.items()
            for row in read_posts(name, n)]
    return train(rows, held_out=sorted(SMALL_HELD_OUT), seed=0)
