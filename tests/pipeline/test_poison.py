"""The poison suite: hostile input mixed into a stream of real posts, on both runtimes.

Bad CSV rows and files, duplicate and conflicting ids, and records published straight
onto each topic (invalid UTF-8 inside JSON, truncated and oversized records, NUL
characters, numbers no database holds, posts of a subreddit the API cannot serve,
scores for a post that never comes). At the end:

- the dead letters are the injected records, one for one, each with its reason;
- no stage exited;
- the independent oracle finds every valid post stored, scored and aggregated, in the
  tables and over HTTP, and nothing else.
"""

from __future__ import annotations

import asyncio
import csv
import json
from dataclasses import dataclass
from pathlib import Path

from tests.oracle import Expected, assert_oracle, http_get

from earnest.records import POSTS, SCORES
from earnest.run import ReplayOptions, start_replay
from earnest.runtime import connect
from earnest.testing import EarnestProcess, free_port, run_until_idle


@dataclass(frozen=True)
class Poison:
    """One injected bad record: which stages may reject it, and what the letter says."""

    stages: tuple[str, ...]
    reason: str  # a part of the dead letter's reason
    raw: str  # a part of the dead letter's raw record


def _real_rows(dataset: Path, name: str, start: int, count: int) -> list[dict[str, str]]:
    with open(dataset / f"{name}.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return rows[start:start + count]


class Folder:
    """A dataset folder written file by file, remembering the rows in publish order."""

    def __init__(self, path: Path, columns: list[str], now: float) -> None:
        self.path = path
        self.columns = columns
        self.now = now
        self.count = 0
        path.mkdir(parents=True)

    def timed(self, row: dict[str, str]) -> dict[str, str]:
        """``row`` moved into the last few days, so the hourly API series shows it."""
        self.count += 1
        return {**row, "created_utc": f"{self.now - self.count * 197.0:.3f}"}

    def write(self, name: str, rows: list[dict[str, str]], raw_lines: list[bytes] = ()) -> None:
        with open(self.path / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=self.columns)
            writer.writeheader()
            writer.writerows(rows)
        with open(self.path / f"{name}.csv", "ab") as fh:
            for line in raw_lines:
                fh.write(line)


def _csv_line(row: dict[str, str], columns: list[str]) -> bytes:
    out = []
    for column in columns:
        value = row.get(column, "")
        out.append('"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n')
                   else value)
    return (",".join(out) + "\r\n").encode("utf-8", "surrogateescape")


def build_dataset(dataset: Path, folder: Path, now: float
                  ) -> tuple[list[dict[str, str]], list[Poison]]:
    """Write the poisoned dataset; returns the well-formed rows in publish order (the
    oracle applies "first of an id wins" itself) and the expected dead letters."""
    with open(dataset / "askscience.csv", newline="", encoding="utf-8") as fh:
        columns = next(csv.reader(fh))
    data = Folder(folder, columns, now)
    science = [data.timed(r) for r in _real_rows(dataset, "askscience", 0, 40)]
    jokes = [data.timed(r) for r in _real_rows(dataset, "Jokes", 0, 40)]
    more_jokes = [data.timed(r) for r in _real_rows(dataset, "Jokes", 40, 10)]
    politics = [data.timed(r) for r in _real_rows(dataset, "NeutralPolitics", 0, 30)]
    after_quote = [data.timed(r) for r in _real_rows(dataset, "askscience", 40, 3)]
    template = data.timed(_real_rows(dataset, "askscience", 50, 1)[0])
    bad = dict(template, id="zzbad")

    # NeutralPolitics.csv sorts before askscience.csv: its copy of an askscience id comes
    # first, so askscience's own row is the conflicting copy.
    stolen = dict(politics[0], id=science[5]["id"])
    politics_rows = [stolen, *politics[1:]]
    conflicting = dict(science[3], title="A different title under the same id")
    identical = dict(science[7])
    science_lines = [
        _csv_line(dict(bad, id="zzutf8"), columns).replace(b"zzutf8,", b"zzutf8,\xff\xfe", 1),
        _csv_line(dict(bad, id="zznul", title="nul \x00 inside"), columns),
        _csv_line(dict(bad, id="p\x00x"), columns),
        _csv_line(dict(bad, id="zzhuge", selftext="x" * 200_000), columns),
        _csv_line(dict(bad, id="zzbig", score="1e30"), columns),
        _csv_line(dict(bad, id="zznuls", title="\x00\x00"), columns),
        _csv_line(conflicting, columns),
        _csv_line(identical, columns),
        _csv_line(dict(bad, id="zzquote", title='"an unbalanced quote'), columns)
        .replace(b'"""an unbalanced quote"', b'"an unbalanced quote'),
        *(_csv_line(r, columns) for r in after_quote),
    ]
    data.write("askscience", science, science_lines)
    data.write("Jokes", jokes)
    data.write("jokes", more_jokes)  # the same subreddit, another spelling
    data.write("NeutralPolitics", politics_rows)
    bad_names = ["a", "x" * 38, "ñandú", "..%2f..%2fetc"]
    for name in bad_names:
        data.write(name, [dict(bad, id=f"zzname{len(name)}")])

    rows = [*({**r, "subreddit": "Jokes"} for r in jokes),
            *({**r, "subreddit": "NeutralPolitics"} for r in politics_rows),
            *({**r, "subreddit": "askscience"} for r in science),
            {**conflicting, "subreddit": "askscience"},
            {**identical, "subreddit": "askscience"},
            *({**r, "subreddit": "askscience"} for r in after_quote),
            *({**r, "subreddit": "Jokes"} for r in more_jokes)]
    replay = ("replay",)
    poisons = [
        Poison(replay, "not valid UTF-8", "zzutf8"),
        Poison(replay, "title contains a NUL character", "zznul,"),
        Poison(replay, "post id 'p\\x00x' is invalid", "p\\x00x"),
        Poison(replay, "selftext has 200,000 characters", "zzhuge"),
        Poison(replay, "score", "zzbig"),
        Poison(replay, "title contains a NUL character", "zznuls,"),
        Poison(replay, "fields than the header", "an unbalanced quote"),
        Poison(("store-posts",), "is stored already with other content", science[5]["title"]),
        Poison(("store-posts",), "is stored already with other content", conflicting["title"]),
        *(Poison(replay, "subreddit name", f"zzname{len(name)}") for name in bad_names),
    ]
    return rows, poisons


def _post_json(row: dict[str, str], subreddit: str, **changes: object) -> bytes:
    record = {"id": row["id"], "subreddit": subreddit, "title": row["title"],
              "selftext": row["selftext"], "url": row["url"], "permalink": row["permalink"],
              "created_utc": float(row["created_utc"]), **changes}
    return json.dumps(record).encode()


def topic_poison(dataset: Path, now: float) -> tuple[list[dict[str, str]], list[bytes],
                                                      list[bytes], list[Poison]]:
    """Records published straight onto the topics: valid posts packed with bad ones."""
    good = [dict(r, created_utc=f"{now - 90_000 - i * 60.0:.3f}")
            for i, r in enumerate(_real_rows(dataset, "funny", 0, 3))]
    template = good[0]
    truncated = _post_json(template, "funny", id="zztrunc")[:40]
    posts = [
        _post_json(good[0], "funny"),
        _post_json(template, "funny", id="zzjson").replace(b'"zzjson"', b'"zz\xffjson"'),
        _post_json(good[1], "funny"),
        truncated,
        _post_json(template, "funny", id="zzoversized", selftext="y" * (1 << 20)),
        _post_json(template, "funny", id="p\x00y"),
        _post_json(template, "funny", id="zzfloat", score=1e30),
        _post_json(template, "..%2f..%2fetc", id="zzpath"),
        _post_json(good[2], "funny"),
    ]
    scores = [
        b'{"post_id": "zzs1", "model_version": "v", "seriousn',
        json.dumps({"post_id": good[0]["id"], "model_version": "v", "seriousness": 7,
                    "subreddit": "funny", "created_utc": now}).encode(),
        json.dumps({"post_id": "zzorphan", "model_version": "v", "seriousness": 0.5,
                    "subreddit": "funny", "created_utc": now - 100, "post_hash": "0" * 32}
                   ).encode(),
    ]
    on_posts = ("store-posts", "score")
    poisons = [
        Poison(on_posts, "post is not valid", "zz\\xffjson"),
        Poison(on_posts, "post is not valid", '"zztrunc'),
        Poison(on_posts, "exceeds the limit", "zzoversized"),
        Poison(on_posts, "post id 'p\\x00y' is invalid", "p\\u0000y"),
        Poison(on_posts, "post is not valid", "zzfloat"),
        Poison(on_posts, "subreddit name '..%2f..%2fetc' is invalid", "zzpath"),
        Poison(("store-scores",), "score is not valid", "zzs1"),
        Poison(("store-scores",), "seriousness 7.0 is outside [0, 1]", "seriousness"),
        Poison(("store-scores",), "no post with id 'zzorphan'", "zzorphan"),
    ]
    return [{**r, "subreddit": "funny"} for r in good], posts, scores, poisons


async def _publish_truncated_message(broker_url: str) -> None:
    """A packed RabbitMQ message cut short, straight onto the posts exchange."""
    import aio_pika
    import msgspec

    from earnest.bus.rabbitmq import PACKED

    body = msgspec.msgpack.encode([b'{"id": "zzpacked"}', b'{"id": "zzpacked2"}'])[:-7]
    connection = await aio_pika.connect(broker_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(f"earnest.{POSTS}")
        await exchange.publish(aio_pika.Message(body, content_type=PACKED), routing_key="")


def _match(letters, poisons: list[Poison]) -> list[str]:
    """Pair every expected poison with one dead letter; describe what is left over."""
    left = list(letters)
    problems = []
    for poison in poisons:
        found = next((d for d in left if d.stage in poison.stages and poison.reason in d.reason
                      and poison.raw in d.raw), None)
        if found is None:
            problems.append(f"no dead letter for {poison}")
        else:
            left.remove(found)
    problems += [f"unexpected dead letter: {d.stage}: {d.reason} | {d.raw[:120]!r}"
                 for d in left]
    return problems


def test_poison_is_dead_lettered_one_for_one_and_the_rest_is_exact(
    settings, dataset: Path, tmp_path: Path
) -> None:
    import time

    now = time.time()
    settings = settings.model_copy(update={"post_wait": 2.0})
    rows, poisons = build_dataset(dataset, tmp_path / "data", now)
    topic_rows, post_records, score_records, topic_poisons = topic_poison(dataset, now)
    poisons += topic_poisons
    services = settings.resolved_broker_url().startswith("amqp")
    if services:
        poisons.append(Poison(("store-posts", "score"), "post is not valid", ""))

    async def replay_and_inject() -> None:
        stop = asyncio.Event()
        async with connect(settings) as (bus, store):
            job = await start_replay(ReplayOptions(tmp_path / "data"), bus, store, settings,
                                     stop)
            await job
            await bus.publish(POSTS, post_records)  # one message on RabbitMQ
            await bus.publish(SCORES, score_records)
        if services:
            await _publish_truncated_message(settings.resolved_broker_url())

    asyncio.run(replay_and_inject())
    asyncio.run(run_until_idle(settings, timeout=180))  # raises if any stage exited

    async def letters():
        async with connect(settings) as (_, store):
            return await store.dead_letters(1000)

    problems = _match(asyncio.run(letters()), poisons)
    assert not problems, "\n".join(problems)

    env = {"EARNEST_HOME": str(settings.home),
           "EARNEST_DATABASE_URL": settings.resolved_database_url(),
           "EARNEST_BROKER_URL": settings.resolved_broker_url()}
    expected = Expected.from_rows([*rows, *topic_rows], env)
    port = free_port()
    with EarnestProcess(["serve", "--port", str(port)], env, port,
                        log=tmp_path / "serve.log") as api:
        api.wait_for_api(60)
        assert_oracle(expected, settings.resolved_database_url(), http_get(api.url))
        served = {s["name"] for s in api.get("/subreddits").json()["subreddits"]}
        assert served == {"askscience", "Jokes", "NeutralPolitics", "funny"}
        assert api.stop() == 0
