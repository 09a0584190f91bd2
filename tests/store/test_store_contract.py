"""The store contract, on every backend: idempotent writes, exact aggregates, reads."""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import replace

import msgspec
import pytest

from earnest.errors import DataRejected, NotFound, StateConflict
from earnest.records import Post, Score, dead_letter, fingerprint
from earnest.runtime import make_store
from earnest.sources.base import Gap
from earnest.store.base import Backfill, ModelInfo

T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def post(i: int, subreddit: str = "AskScience", at: float | None = None) -> Post:
    return Post(id=f"p{i}", subreddit=subreddit, title=f"title {i}",
                created_utc=T0 + i * 97 if at is None else at, url=f"https://x/{i}",
                permalink=f"https://reddit/{i}")


def score(p: Post, value: float, version: str = "v1") -> Score:
    return Score(post_id=p.id, model_version=version, seriousness=value,
                 subreddit=p.subreddit, created_utc=p.created_utc, post_hash=fingerprint(p))


def run(settings, scenario):
    async def go():
        async with make_store(settings.resolved_database_url()) as store:
            return await scenario(store)

    return asyncio.run(go())


def test_posts_are_stored_once(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(i) for i in range(10)]
        assert (await store.add_posts(posts)).new == 10
        assert (await store.add_posts(posts[5:] + [post(10)])).new == 1
        assert (await store.counts()).posts == 11

    run(settings, scenario)


def test_redelivered_scores_are_counted_once(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(i) for i in range(50)]
        await store.add_posts(posts)
        scores = [score(p, (i % 10) / 10) for i, p in enumerate(posts)]
        assert (await store.add_scores(scores[:30])).new == 30
        assert (await store.add_scores(scores[20:] + scores[:5])).new == 20
        assert (await store.add_scores(scores + scores)).new == 0
        stats = await store.subreddit("v1", "askscience")
        assert stats.posts == 50
        assert math.isclose(stats.seriousness, sum(s.seriousness for s in scores) / 50)
        assert await store.verify() == []

    run(settings, scenario)


def test_a_batch_with_a_nul_character_is_refused_whole(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(1), msgspec.structs.replace(post(2), id="p\x002", title="a\x00b")]
        with pytest.raises(DataRejected):
            await store.add_posts(posts)
        assert (await store.counts()).posts == 0
        with pytest.raises(DataRejected):
            await store.add_scores([score(post(1), 0.5), score(posts[1], 0.5)])
        assert (await store.counts()).scores == 0

    run(settings, scenario)


def test_a_conflicting_copy_of_a_post_loses_to_the_first_stored(settings) -> None:
    async def scenario(store) -> None:
        first = post(1)
        other = msgspec.structs.replace(first, subreddit="Jokes", title="another title")
        added = await store.add_posts([first, post(2), first, other])
        assert (added.new, added.conflicts) == (2, [3])
        added = await store.add_posts([other, post(3), first])
        assert (added.new, added.conflicts) == (1, [0])
        # The score of the losing copy is not counted; the winner's is, under its subreddit.
        result = await store.add_scores([score(other, 0.9), score(first, 0.1)])
        assert (result.new, result.superseded, result.waiting) == (1, 1, 0)
        assert (await store.subreddit("v1", "askscience")).posts == 1
        assert await store.subreddit("v1", "jokes") is None
        assert await store.verify() == []

    run(settings, scenario)


def test_a_score_waits_for_its_post(settings) -> None:
    async def scenario(store) -> None:
        early, never = post(1), post(2)
        result = await store.add_scores([score(early, 0.25), score(never, 0.5)])
        assert (result.new, result.waiting) == (0, 2)
        assert (await store.add_scores([score(early, 0.25)])).waiting == 0  # parked already
        assert (await store.counts()).waiting_scores == 2
        await store.add_posts([early])
        assert (await store.add_scores([])).new == 1
        assert (await store.subreddit("v1", "askscience")).posts == 1
        assert await store.expire_waiting_scores(3600, "store-scores") == 0
        assert await store.expire_waiting_scores(0, "store-scores") == 1
        counts = await store.counts()
        assert (counts.waiting_scores, counts.dead_letters, counts.scores) == (0, 1, 1)
        [letter] = await store.dead_letters(5)
        assert letter.stage == "store-scores" and "no post with id 'p2'" in letter.reason
        assert '"post_id":"p2"' in letter.raw
        assert await store.verify() == []

    run(settings, scenario)


def _aggregates(store):
    """Every aggregate row, read through the store's own queries (all-time and hourly)."""
    async def read(version: str):
        hours = {(p.subreddit, p.start): (p.count, round(p.total, 9))
                 for p in await store.series(version, 0, 3600)}
        stats = {s.name: (s.posts, round(s.seriousness, 9))
                 for s in await store.subreddits(version)}
        return stats, hours
    return read


AGGREGATE_CASES = {
    # name: (scores to add in order, expected all-time {subreddit: (count, mean)} of v1)
    "additions": ([("p1", 0.2, 1), ("p2", 0.4, 1), ("p3", 0.9, 1)],
                  {"AskScience": (2, 0.3), "Jokes": (1, 0.9)}),
    "a retraction takes its score back out": (
        [("p1", 0.2, 1), ("p2", 0.4, 1), ("p3", 0.9, 1), ("p2", 0.4, -1)],
        {"AskScience": (1, 0.2), "Jokes": (1, 0.9)}),
    "a retracted score does not come back when redelivered": (
        [("p1", 0.2, 1), ("p1", 0.2, -1), ("p1", 0.2, 1), ("p1", 0.2, -1), ("p3", 0.9, 1)],
        {"Jokes": (1, 0.9)}),
    "a retraction ahead of its score leaves it retired": (
        [("p3", 0.9, -1), ("p3", 0.9, 1), ("p1", 0.2, 1)],
        {"AskScience": (1, 0.2)}),
    "the last retraction of a subreddit removes it": (
        [("p3", 0.9, 1), ("p3", 0.9, -1), ("p1", 0.2, 1)],
        {"AskScience": (1, 0.2)}),
}


@pytest.mark.parametrize("case", sorted(AGGREGATE_CASES))
def test_aggregate_cases_through_the_one_write_path(settings, case: str) -> None:
    changes, want = AGGREGATE_CASES[case]

    async def scenario(store) -> None:
        posts = {"p1": post(1), "p2": post(2, at=T0 + 7200), "p3": post(3, "Jokes")}
        await store.add_posts(list(posts.values()))
        for post_id, value, sign in changes:
            change = msgspec.structs.replace(score(posts[post_id], value), sign=sign)
            await store.add_scores([change])
        stats, hours = await _aggregates(store)("v1")
        assert {name: (n, pytest.approx(mean)) for name, (n, mean) in stats.items()} == want
        assert sum(n for n, _ in hours.values()) == sum(n for n, _ in want.values())
        # A second model version is the same path with another version: kept apart.
        await store.add_scores([score(p, 0.5, "v2") for p in posts.values()])
        stats2, _ = await _aggregates(store)("v2")
        assert stats2 == {"AskScience": (2, 0.5), "Jokes": (1, 0.5)}
        assert (await _aggregates(store)("v1"))[0] == stats
        assert (await store.counts()).scores == sum(n for n, _ in want.values()) + 3
        assert await store.verify() == []

    run(settings, scenario)


def test_retractions_in_one_batch_with_their_scores(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(i) for i in range(6)]
        await store.add_posts(posts)
        batch = [score(p, i / 10) for i, p in enumerate(posts)]
        result = await store.add_scores(batch)
        assert (result.new, result.retracted) == (6, 0)
        retract = [msgspec.structs.replace(s, sign=-1) for s in batch[:4]]
        result = await store.add_scores([*retract, *retract, score(post(9), 0.3)])
        assert (result.new, result.retracted, result.waiting) == (0, 4, 1)
        stats = await store.subreddit("v1", "askscience")
        assert stats.posts == 2 and stats.seriousness == pytest.approx(0.45)
        page = await store.posts_page("v1", "askscience", 10, None)
        assert {p.id: p.seriousness for p in page if p.seriousness is not None} == {
            "p4": pytest.approx(0.4), "p5": pytest.approx(0.5)}
        assert await store.verify() == []

    run(settings, scenario)


def test_subreddit_view_agrees_with_the_separate_reads(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(i, at=T0 + i * 1800) for i in range(30)] + [post(99, "Jokes")]
        await store.add_posts(posts)
        await store.add_scores([score(p, (i % 4) / 4) for i, p in enumerate(posts)])
        since = int(T0) + 3600 * 5
        view = await store.subreddit_view("v1", "ASKSCIENCE", 10, None, since)
        assert view.stats == await store.subreddit("v1", "askscience")
        assert view.posts == await store.posts_page("v1", "askscience", 10, None)
        assert view.hours == await store.series("v1", since, 3600, "askscience")
        assert len(view.posts) == 10 and view.hours and view.stats.posts == 30
        assert await store.subreddit_view("v1", "nosuch", 10, None, since) is None
        assert await store.subreddit_view("v2", "askscience", 10, None, since) is None

    run(settings, scenario)


def test_buckets_follow_post_creation_time(settings) -> None:
    async def scenario(store) -> None:
        late = post(1, at=T0 + 5 * 3600 + 1)  # arrives first but belongs 5 h later
        early = post(2, at=T0 + 1)
        await store.add_posts([late, early])
        await store.add_scores([score(late, 1.0), score(early, 0.0)])
        hours = {p.start: (p.count, p.total) for p in await store.series("v1", 0, 3600)}
        start = int(T0 // 3600 * 3600)
        assert hours == {start: (1, 0.0), start + 5 * 3600: (1, 1.0)}
        days = await store.series("v1", 0, 86400, "ASKSCIENCE")
        assert sum(p.count for p in days) == 2
        assert await store.verify() == []

    run(settings, scenario)


def test_versions_are_aggregated_apart(settings) -> None:
    async def scenario(store) -> None:
        p = post(1)
        await store.add_posts([p])
        await store.add_scores([score(p, 0.2, "v1"), score(p, 0.8, "v2")])
        assert (await store.subreddit("v1", "AskScience")).seriousness == pytest.approx(0.2)
        assert (await store.subreddit("v2", "askscience")).seriousness == pytest.approx(0.8)
        assert await store.subreddit("v3", "askscience") is None

    run(settings, scenario)


def test_verify_reports_tampered_aggregates(settings) -> None:
    async def scenario(store) -> None:
        p = post(1)
        await store.add_posts([p])
        await store.add_scores([score(p, 0.5)])
        assert await store.verify() == []
        await _alter_one_aggregate_row(store)
        [difference] = await store.verify()
        assert difference.startswith("agg_1h ") and "stored count=2" in difference

    run(settings, scenario)


async def _alter_one_aggregate_row(store) -> None:
    sql = "UPDATE agg_1h SET count = count + 1"
    if hasattr(store, "_db"):
        await store._db.write(lambda conn: conn.execute(sql))
    else:
        await store._execute(sql)


def test_posts_page_newest_first_with_cursor(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(i) for i in range(7)] + [post(99, "Jokes")]
        await store.add_posts(posts)
        await store.add_scores([score(p, 0.1 * i) for i, p in enumerate(posts[:3])])
        first = await store.posts_page("v1", "askscience", 4, None)
        assert [p.id for p in first] == ["p6", "p5", "p4", "p3"]
        assert first[0].seriousness is None
        rest = await store.posts_page("v1", "askscience", 4, (first[-1].created_utc, first[-1].id))
        assert [p.id for p in rest] == ["p2", "p1", "p0"]
        assert rest[0].seriousness == pytest.approx(0.2)

    run(settings, scenario)


def test_dead_letters_checkpoints_and_models(settings) -> None:
    async def scenario(store) -> None:
        letter = dead_letter("replay", "replay", "title is missing", "x,y")
        again = dead_letter("score", "replay", "title is missing", "x,y")  # same record, reason
        await store.add_dead_letters([letter, letter])
        await store.add_dead_letters([again])
        letters = await store.dead_letters(10)
        assert [(d.stage, d.reason, d.raw) for d in letters] == [("replay", "title is missing",
                                                                   "x,y")]
        assert await store.get_checkpoint("replay:a") is None
        await store.put_checkpoint("replay:a", {"position": 3})
        await store.put_checkpoint("replay:a", {"position": 5, "anchor": 1.5})
        assert await store.get_checkpoint("replay:a") == {"position": 5, "anchor": 1.5}
        await store.register_model(ModelInfo("v1", "a.skops", {"auc": 0.9}, T0), activate=True)
        await store.register_model(ModelInfo("v2", "b.skops", {}, T0 + 1), activate=False)
        assert (await store.active_model()).version == "v1"
        await store.register_model(ModelInfo("v2", "b.skops", {}, T0 + 1), activate=True)
        assert (await store.active_model()).version == "v2"
        assert [m.version for m in await store.models()] == ["v2", "v1"]

    run(settings, scenario)


def test_model_registry_keeps_cards_artifacts_and_one_live_version(settings) -> None:
    async def scenario(store) -> None:
        card = {"name": "tfidf", "kind": "sklearn"}
        artifact = bytes(range(256)) * 40  # any bytes, NUL included, come back as they went
        info = ModelInfo("m1", "m1.skops", {"held_out_roc_auc": 0.9}, T0, "registered", card)
        assert await store.add_model(info, artifact) is True
        assert await store.add_model(info, b"other bytes") is False  # same version: a no-op
        assert await store.model_artifact("m1") == artifact
        assert await store.model_artifact("unknown") is None
        # A version recorded without card or artifact gets them when added again.
        await store.register_model(ModelInfo("m0", "m0.skops", {}, T0 - 1), activate=True)
        assert await store.model_artifact("m0") is None
        await store.add_model(ModelInfo("m0", "m0.skops", {}, T0 - 1, card=card), b"m0")
        assert await store.model_artifact("m0") == b"m0"
        assert [(m.version, m.state, m.card) for m in await store.models()] == [
            ("m1", "registered", card), ("m0", "live", card)]
        await store.set_live("m1")  # the version it replaces stays current, to roll back to
        assert [(m.version, m.state) for m in await store.models()] == [
            ("m1", "live"), ("m0", "shadow")]
        assert (await store.active_model()).metrics == {"held_out_roc_auc": 0.9}
        with pytest.raises(NotFound, match="no model version 'nope'"):
            await store.set_live("nope")
        assert (await store.active_model()).version == "m1"

    run(settings, scenario)


def test_model_states_change_only_from_the_states_expected(settings) -> None:
    async def scenario(store) -> None:
        await store.add_model(ModelInfo("m1", "", {}, T0), None)
        await store.set_model_state("m1", "shadow", ("registered",))
        with pytest.raises(StateConflict, match="model m1 is shadow, so it cannot become "
                                                "retired .only a model that is registered"):
            await store.set_model_state("m1", "retired", ("registered",))
        with pytest.raises(NotFound, match="'nope'"):
            await store.set_model_state("nope", "shadow", ("registered",))
        (m1,) = await store.models()
        assert (m1.state, m1.live_since) == ("shadow", None)
        assert m1.changed_at is not None and m1.changed_at > T0

    run(settings, scenario)


def test_a_promoting_version_becomes_live_only_once_it_counts_as_many_posts(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(i) for i in range(6)]
        await store.add_posts(posts)
        await store.register_model(ModelInfo("old", "", {}, T0), activate=True)
        await store.add_model(ModelInfo("new", "", {}, T0 + 1), None)
        await store.add_scores([score(p, 0.5, "old") for p in posts])
        assert await store.switch_live("new") is False  # registered, not promoting
        await store.set_model_state("new", "promoting", ("registered",))
        assert [p.id for p in await store.unscored_posts("new", "", 4)] == [
            "p0", "p1", "p2", "p3"]
        assert [p.id for p in await store.unscored_posts("new", "p3", 4)] == ["p4", "p5"]
        await store.add_scores([score(p, 0.9, "new") for p in posts[:5]])
        (left,) = await store.unscored_posts("new", "", 10)
        assert (left.id, left.subreddit, left.created_utc, left.title, left.content_hash) == (
            "p5", "AskScience", posts[5].created_utc, "title 5", fingerprint(posts[5]))
        assert await store.switch_live("new") is False  # 5 posts counted against 6
        assert (await store.active_model()).version == "old"
        await store.add_scores([score(posts[5], 0.9, "new")])
        assert await store.switch_live("new") is True
        assert await store.switch_live("new") is True  # live already
        states = {m.version: (m.state, m.live_since is not None) for m in await store.models()}
        assert states == {"new": ("live", True), "old": ("shadow", True)}

    run(settings, scenario)


def test_a_backfill_is_run_by_one_holder_at_a_time(settings) -> None:
    async def scenario(store) -> None:
        await store.start_backfill(Backfill("v2", total=10, started_at=T0, updated_at=T0))
        now = time.time()
        first = await store.claim_backfill("v2", "a", now + 30)
        assert first is not None and (first.holder, first.scored) == ("a", 0)
        assert await store.claim_backfill("v2", "b", now + 30) is None  # a holds it
        assert await store.save_backfill(replace(first, scored=4, cursor="p3")) is True
        assert await store.save_backfill(replace(first, holder="b", scored=9)) is False
        renewed = await store.claim_backfill("v2", "a", now + 60)
        assert (renewed.scored, renewed.cursor, renewed.lease_until) == (4, "p3", now + 60)
        # An expired lease goes to whoever asks.
        await store.save_backfill(replace(renewed, lease_until=now - 1))
        taken = await store.claim_backfill("v2", "b", now + 30)
        assert taken is not None and (taken.holder, taken.scored) == ("b", 4)
        await store.save_backfill(replace(taken, finished_at=now))
        assert await store.claim_backfill("v2", "b", now + 30) is None  # finished
        # Promoting again starts afresh.
        await store.start_backfill(Backfill("v2", total=12, started_at=now, updated_at=now))
        (again,) = await store.backfills()
        assert (again.total, again.scored, again.finished_at, again.holder) == (12, 0, None, None)

    run(settings, scenario)


def test_training_posts_by_subreddit(settings) -> None:
    async def scenario(store) -> None:
        await store.add_posts([post(1, "askscience"), post(2, "Jokes"), post(3, "pics")])
        rows = await store.training_posts(["AskScience", "jokes"])
        assert sorted(r[0] for r in rows) == ["Jokes", "askscience"]

    run(settings, scenario)


def test_post_rows_filtered_with_one_versions_scores(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(i, "AskScience" if i % 2 else "Jokes") for i in range(10)]
        await store.add_posts(posts)
        await store.add_scores([score(p, i / 10) for i, p in enumerate(posts[:6])])
        await store.add_scores([score(posts[0], 0.9, version="v2")])
        await store.add_scores([msgspec.structs.replace(score(posts[2], 0.2), sign=-1)])
        gone = msgspec.structs.replace(posts[4], removed="moderator", score=7, observed_at=5.0)
        await store.add_posts([gone])

        every = await store.post_rows("v1")
        assert [p.id for p in every] == [f"p{i}" for i in reversed(range(10))]
        by_id = {p.id: p for p in every}
        assert [by_id[f"p{i}"].seriousness for i in range(10)] == [
            0.0, 0.1, None, 0.3, 0.4, 0.5, None, None, None, None]
        assert (by_id["p4"].removed, by_id["p4"].score, by_id["p3"].removed) == ("moderator", 7, "")
        assert by_id["p1"] == (
            "p1", "AskScience", "title 1", "", T0 + 97, 0, 0, False, "", 0.1)
        assert [p.seriousness for p in await store.post_rows("v2", ["jokes"])] == [
            None, None, None, None, 0.9]
        assert [p.id for p in await store.post_rows(None, ["askscience"], limit=2)] == [
            "p9", "p7"]
        window = await store.post_rows("v1", since=T0 + 2 * 97, until=T0 + 5 * 97)
        assert [p.id for p in window] == ["p4", "p3", "p2"]
        assert await store.post_rows("v1", []) == []
        assert all(p.seriousness is None for p in await store.post_rows(None))

    run(settings, scenario)


def test_gaps_are_recorded_once_and_listed_newest_first(settings) -> None:
    async def scenario(store) -> None:
        first = Gap("AskScience", T0, T0 + 60, found_at=T0 + 100)
        second = Gap("science", T0 + 10.5, T0 + 20.25, found_at=T0 + 200)
        await store.add_gaps([first])
        await store.add_gaps([second, first])  # a batch delivered again after a crash
        assert await store.gaps(10) == [second, first]
        assert await store.gaps(1) == [second]

    run(settings, scenario)


def test_a_gap_is_filled_only_by_a_range_that_holds_it(settings) -> None:
    async def scenario(store) -> None:
        science = Gap("AskScience", T0, T0 + 60, found_at=T0 + 100)
        jokes = Gap("Jokes", T0, T0 + 60, found_at=T0 + 101)
        later = Gap("AskScience", T0 + 500, T0 + 600, found_at=T0 + 700)
        await store.add_gaps([science, jokes, later])
        assert await store.fill_gaps(["askscience"], T0 + 1, T0 + 400) == 0  # starts late
        assert await store.fill_gaps(["askscience"], T0, T0 + 59) == 0  # ends early
        assert await store.fill_gaps(["ASKSCIENCE", "pics"], T0, T0 + 60) == 1
        assert await store.gaps(10) == [later, jokes]
        assert await store.fill_gaps([], T0 - 1, T0 + 600) == 2  # every subreddit
        assert await store.gaps(10) == []
        await store.add_gaps([science])  # found again after a crash: stays filled
        assert await store.gaps(10) == []

    run(settings, scenario)


def test_version_figures_come_from_each_versions_aggregates(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(i) for i in range(6)] + [post(6, "Jokes")]
        await store.add_posts(posts)
        before = time.time()
        await store.add_scores([score(p, 0.5) for p in posts])
        between = time.time()
        await store.add_scores([score(p, 0.2, "v2") for p in posts[:3]])
        figures = await store.version_figures(["v1", "v2", "v3"])
        assert (figures["v1"].posts, figures["v1"].newest_post_utc) == (7, posts[6].created_utc)
        assert (figures["v2"].posts, figures["v2"].newest_post_utc) == (3, posts[2].created_utc)
        assert before <= figures["v1"].last_update_at <= between <= figures["v2"].last_update_at
        assert (figures["v3"].posts, figures["v3"].newest_post_utc,
                figures["v3"].last_update_at) == (0, None, None)
        assert await store.version_figures([]) == {}

    run(settings, scenario)


def test_posts_by_id_as_stored_with_their_counted_scores(settings) -> None:
    async def scenario(store) -> None:
        first = Post(id="p1", subreddit="AskScience", title="t", created_utc=T0,
                     selftext="body", url="https://x", permalink="https://r", score=3,
                     num_comments=4, over_18=True, published_at=T0 + 1)
        await store.add_posts([first, post(2)])
        await store.add_posts([msgspec.structs.replace(first, score=9, removed="moderator",
                                                       observed_at=T0 + 50)])
        await store.add_scores([score(first, 0.5), score(first, 0.7, "v2"), score(post(2), 0.1)])
        await store.add_scores([msgspec.structs.replace(score(first, 0.7, "v2"), sign=-1)])
        found = await store.posts(["p1", "p2", "nope", "p1"])
        assert [s.post.id for s in found] == ["p1", "p2"]
        assert found[0].post == msgspec.structs.replace(first, score=9, removed="moderator",
                                                         observed_at=T0 + 50)
        assert found[0].scores == {"v1": 0.5} and found[1].scores == {"v1": 0.1}
        assert found[0].stored_at > T0
        assert await store.posts([]) == []

    run(settings, scenario)


def test_the_data_version_grows_with_every_write_that_changes_a_row(settings) -> None:
    """And stays put for the calls an idle pipeline makes (empty batches, expiries)."""

    async def scenario(store) -> None:
        async def grew(write) -> bool:
            before, seen = await store.data_version(), store.committed_changes
            await write
            after = await store.data_version()
            assert (after > before) == (store.committed_changes > seen)
            return after > before

        posts = [post(i) for i in range(3)]
        assert await grew(store.add_posts(posts))
        await grew(store.add_posts(posts))  # may count: PostgreSQL locks the rows it weighs
        assert await grew(store.add_scores([score(p, 0.5) for p in posts]))
        assert not await grew(store.add_scores([]))
        assert not await grew(store.expire_waiting_scores(60, "store-scores"))
        assert await grew(store.register_model(ModelInfo("v2", "m", {}, T0), activate=True))
        assert await grew(store.put_checkpoint("source", {"at": 1}))
        with pytest.raises(NotFound):
            await grew(store.set_live("nope"))
        assert await grew(store.add_posts([msgspec.structs.replace(posts[0], removed="moderator",
                                                   observed_at=T0 + 10)]))

    run(settings, scenario)
