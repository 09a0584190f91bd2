"""Generated Reddit dumps of mixed eras, and what importing one must leave behind.

A dump is written the way Pushshift and Arctic Shift publish theirs (``RS_YYYY-MM.zst``:
zstandard NDJSON, one submission ``data`` object a line), with the real texts of the
shared dataset, and three eras of record shapes in ``created_utc`` order:

- Pushshift 2013: numeric ``created_utc`` (an integer or a float), ``edited`` false,
  ``retrieved_on``;
- Pushshift 2019: ``created_utc`` as a string, ``edited`` false or a timestamp,
  ``retrieved_on``;
- Arctic Shift 2024: ``_meta`` with ``is_edited``, ``retrieved_2nd_on``, and for a post
  deleted after its first retrieval ``was_deleted_later`` and ``removal_type``.

Some posts come again on a later line (same id, subreddit, creation time and title): a
later retrieval that finds them removed (``removed_by_category`` set, or the selftext
``[removed]``), one yet later that finds them back, one that finds them unchanged, and a
stale one (retrieved *before* the first line) that must not count. About 1% of the lines
are malformed: broken JSON, not an object, no or blank title, a bad ``created_utc``, an
invalid subreddit or id.

The generator keeps what it wrote: which lines are malformed, and every post's final
state (the first line's content; removed as the latest retrieval says, a removal winning a
tie), as the oracle's ``SourcePost``s. That knowledge is the oracle's input, so like
``tests/oracle.py`` this module imports nothing from ``earnest``: a dump read back through
the product's own mapping would agree with the product whatever it does.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import zstandard
from tests.oracle import SourcePost

REDDIT = "https://www.reddit.com"  # Reddit's permalinks are relative to its site
ERAS = (  # (name, first created_utc, last created_utc)
    ("pushshift-2013", 1_356_998_400, 1_388_534_399),
    ("pushshift-2019", 1_546_300_800, 1_577_836_799),
    ("arctic-shift-2024", 1_704_067_200, 1_735_689_599),
)
MALFORMED = ("broken json", "not an object", "no title", "blank title", "created_utc not a time",
             "created_utc implausible", "invalid subreddit", "invalid id", "title not text")
DAY = 86_400


@dataclass
class Dump:
    """A written dump and what it holds."""

    path: Path
    lines: int = 0
    posts: dict[str, SourcePost] = field(default_factory=dict)  # final states, by id
    malformed: dict[int, str] = field(default_factory=dict)  # line number (1-based) to kind
    revisions: int = 0  # lines that repeat a post


@dataclass
class _Seen:
    """What the generator wrote of one post so far."""

    record: dict
    era: str
    retrievals: list[tuple[float, bool]]  # (when retrieved, found removed)
    first_retrieved: float  # the earliest retrieval time the first line names

    @property
    def last_retrieved(self) -> float:
        return max(when for when, _ in self.retrievals)


def texts(dataset: Path, count: int) -> list[dict[str, str]]:
    """Rows of the dataset's ``<Subreddit>.csv`` files, interleaved across subreddits.

    Row ``j`` of each file comes before row ``j + 1`` of any, so a small dump still has
    every subreddit; each file's first ``count / files`` rows are read, at most. Rows
    whose text no Reddit post could have (an empty title, NUL) are left out.
    """
    files = sorted(dataset.glob("*.csv"))
    per_file = -(-count // len(files))
    columns: list[list[dict[str, str]]] = []
    for path in files:
        rows = []
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if len(rows) >= per_file:
                    break
                text = row["title"] + row["selftext"]
                if row["title"].strip() and "\x00" not in text and len(row["title"]) <= 1000:
                    rows.append({**row, "subreddit": path.stem})
        columns.append(rows)
    return [column[j] for j in range(per_file) for column in columns if j < len(column)]


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = digits[digit] + out
        if not number:
            return out


def _first_record(rng: random.Random, era: str, post_id: str, row: dict[str, str],
                  created: float) -> tuple[dict, float, bool]:
    """The post's first line in ``era``'s shape; its retrieval time and removal status."""
    sub = row["subreddit"]
    record = {
        "id": post_id, "name": f"t3_{post_id}", "subreddit": sub, "author": "someone",
        "title": row["title"], "selftext": row["selftext"], "url": row["url"],
        "permalink": f"/r/{sub}/comments/{post_id}/a_title/", "domain": row["domain"],
        "score": rng.randrange(0, 50_000), "num_comments": rng.randrange(0, 5_000),
        "over_18": row["over_18"] == "True", "is_self": row["is_self"] == "True",
    }
    retrieved = int(created) + rng.randrange(DAY, 30 * DAY)
    removed = False
    if era == "pushshift-2013":
        record["created_utc"] = created if rng.random() < 0.3 else int(created)
        record["edited"] = False
        record["retrieved_on"] = retrieved
    elif era == "pushshift-2019":
        record["created_utc"] = str(int(created))
        record["edited"] = int(created) + rng.randrange(60, DAY) if rng.random() < 0.2 else False
        record["retrieved_on"] = retrieved
    else:
        record["created_utc"] = int(created)
        record["retrieved_on"] = int(created) + rng.randrange(10, 3600)
        record["removed_by_category"] = None
        removed = rng.random() < 0.02
        meta: dict = {"is_edited": rng.random() < 0.1, "retrieved_2nd_on": retrieved,
                      "was_deleted_later": removed}
        if removed:
            meta["removal_type"] = rng.choice(["deleted", "moderator", "reddit"])
        record["_meta"] = meta
    return record, retrieved, removed


def _revision(seen: _Seen, retrieved: int, removed: bool, rng: random.Random) -> dict:
    """A later line of the same post, retrieved at ``retrieved``, removed or not."""
    record = {key: value for key, value in seen.record.items() if key != "_meta"}
    record["score"] = rng.randrange(0, 50_000)
    record["num_comments"] = rng.randrange(0, 5_000)
    category = rng.choice(["moderator", "deleted", "reddit"]) if removed else None
    if removed and seen.record["selftext"] and seen.era == "pushshift-2013":
        record["selftext"] = "[removed]"
    else:
        record["removed_by_category"] = category
    if seen.era == "pushshift-2019":
        del record["retrieved_on"]
        record["retrieved_utc"] = retrieved
    else:
        record["retrieved_on"] = retrieved
    if seen.era == "arctic-shift-2024":  # retrieved twice, a minute apart, the same both times
        record["retrieved_on"] = retrieved - 60
        record["_meta"] = {"is_edited": False, "retrieved_2nd_on": retrieved,
                           "was_deleted_later": removed}
        if removed:
            record["_meta"]["removal_type"] = category
    seen.retrievals.append((retrieved, removed))
    return record


def _malformed(rng: random.Random, kind: str, number: int, created: float) -> str:
    sub = "AskScience"
    record = {"id": f"m{_base36(number)}", "subreddit": sub, "title": "A bad line",
              "selftext": "", "url": "", "permalink": f"/r/{sub}/comments/x/", "score": 1,
              "num_comments": 0, "over_18": False, "created_utc": int(created),
              "retrieved_on": int(created) + DAY}
    if kind == "broken json":
        text = json.dumps(record)
        return text[: rng.randrange(1, len(text) - 1)]  # no proper prefix of an object parses
    if kind == "not an object":
        return rng.choice(["[1, 2, 3]", '"a string"', "42", "null", "true"])
    if kind == "no title":
        del record["title"]
    elif kind == "blank title":
        record["title"] = "   "
    elif kind == "created_utc not a time":
        record["created_utc"] = rng.choice(["yesterday", "", None, True])
    elif kind == "created_utc implausible":
        record["created_utc"] = rng.choice([-1, 12, 99_999_999_999])
    elif kind == "invalid subreddit":
        record["subreddit"] = rng.choice(["x", "no spaces allowed", "_leading", "a" * 30])
    elif kind == "invalid id":
        record["id"] = rng.choice(["", "not/an/id", "spaces in id"])
    elif kind == "title not text":
        record["title"] = rng.choice([12345, ["a", "list"], {"an": "object"}])
    return json.dumps(record)


def write_dump(path: Path, dataset: Path, posts: int, *, seed: int = 0,
               removals: bool = True, malformed: float = 0.01) -> Dump:
    """Write a dump of ``posts`` posts to ``path`` (zstandard); what it holds.

    ``removals`` off writes each post once, with no sign of removal; ``malformed`` is the
    share of posts followed by a malformed line.
    """
    compressor = zstandard.ZstdCompressor(level=3, write_content_size=False)
    with open(path, "wb") as fh, compressor.stream_writer(fh) as out:
        dump = Dump(path)
        _Writer(dump, out, random.Random(seed)).run(dataset, posts, removals, malformed)
    return dump


class _Writer:
    """Writes the lines of one dump and keeps what they say in ``dump``."""

    def __init__(self, dump: Dump, out: IO[bytes], rng: random.Random) -> None:
        self.dump, self.out, self.rng = dump, out, rng
        self.seen: dict[str, _Seen] = {}
        self.later: dict[int, list[tuple[str, float, bool]]] = {}  # post index: lines due

    def write(self, line: str) -> None:
        self.out.write(line.encode("utf-8") + b"\n")
        self.dump.lines += 1

    def run(self, dataset: Path, posts: int, removals: bool, malformed: float) -> None:
        rng = self.rng
        rows = texts(dataset, posts)
        per_era = -(-posts // len(ERAS))
        for index in range(posts):
            era, start, end = ERAS[index // per_era]
            created = start + (index % per_era) * (end - start) / per_era + rng.random()
            post_id = "g" + _base36(index)
            record, retrieved, removed = _first_record(rng, era, post_id,
                                                       rows[index % len(rows)], created)
            if not removals and removed:
                record["_meta"].update(was_deleted_later=False)
                del record["_meta"]["removal_type"]
                removed = False
            first = min(retrieved, record["retrieved_on"])
            self.seen[post_id] = _Seen(record, era, [(retrieved, removed)], first)
            self.write(json.dumps(record, ensure_ascii=rng.random() < 0.5))
            if removals:
                self.schedule(index, post_id, removed)
            for due in self.later.pop(index, []):
                self.revise(*due)
            if rng.random() < malformed:
                kind = rng.choice(MALFORMED)
                self.dump.malformed[self.dump.lines + 1] = kind
                self.write(_malformed(rng, kind, self.dump.lines + 1, created))
        for index in sorted(self.later):
            for due in self.later[index]:
                self.revise(*due)
        for post_id, state in self.seen.items():
            self.dump.posts[post_id] = _final(state)

    def schedule(self, index: int, post_id: str, removed: bool) -> None:
        """Decide which later lines repeat this post, after how many posts, with which
        delay after its last retrieval so far (``None``: stale, before its first)."""
        rng, roll = self.rng, self.rng.random()
        plan: list[tuple[float | None, bool]] = []
        if removed:  # deleted after its first retrieval (Arctic Shift's _meta)
            if roll < 0.4:
                plan = [(rng.randrange(DAY, 90 * DAY), False)]  # and back
        elif roll < 0.03:
            plan = [(rng.randrange(DAY, 90 * DAY), True)]
            if rng.random() < 0.3:
                plan.append((rng.randrange(DAY, 90 * DAY), False))  # and back
        elif roll < 0.04:
            plan = [(rng.randrange(DAY, 90 * DAY), False)]  # retrieved again, unchanged
        elif roll < 0.045:
            plan = [(None, True)]  # an old retrieval that found it removed: it must not count
        due = index
        for delay, gone in plan:
            due += rng.randrange(1, 2_000)
            self.later.setdefault(due, []).append((post_id, delay, gone))

    def revise(self, post_id: str, delay: float | None, removed: bool) -> None:
        seen = self.seen[post_id]
        if delay is None:
            created = float(seen.record["created_utc"])
            when = created + self.rng.uniform(1, seen.first_retrieved - created - 1)
        else:
            when = seen.last_retrieved + delay
        self.dump.revisions += 1
        self.write(json.dumps(_revision(seen, int(when), removed, self.rng)))


def _final(state: _Seen) -> SourcePost:
    """The post as the store keeps it: the first line's content, and removed as the
    latest retrieval found it (at a tie, the removal wins)."""
    record = state.record
    _, removed = max(state.retrievals)
    return SourcePost(id=record["id"], subreddit=record["subreddit"], title=record["title"],
                    selftext=record["selftext"], url=record["url"],
                    permalink=REDDIT + record["permalink"],
                    created_utc=float(record["created_utc"]), removed=removed)
