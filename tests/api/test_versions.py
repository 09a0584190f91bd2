"""Model versions in the API: ``?model=`` on the data routes, ``GET /models``, and
``GET /post/{id}`` with a post's score under each version and its explanation.

Beside the fill of ``conftest`` (``v1`` live), ``v2`` scores AskScience's a3 to a12 at 0.3,
its score of a5 is then retracted, a4 is removed by a later revision, and a post e1 holds
some text to explain. ``packaged`` is the packaged model, registered under its own version
and path: the one version here whose file loads.
"""

from __future__ import annotations

import math
import time
from datetime import datetime

import pytest

from earnest.model.artifact import SeriousnessModel, default_model_path
from earnest.model.features import featurize
from earnest.records import Post, Score
from earnest.store.base import ModelInfo, Store

from .conftest import SCORED, sample_posts

V2_SCORED = [f"a{i}" for i in range(3, 13)]
HOUR = 3600
E1 = Post(id="e1", subreddit="Explained", title="Why do CATS purr when they are happy?",
          selftext="I read on https://example.com that r/cats know, since 1865.",
          created_utc=time.time() - 10 * HOUR)


@pytest.fixture(scope="module")
def packaged() -> SeriousnessModel:
    return SeriousnessModel.load(default_model_path())


def _seconds(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def prepare(packaged: SeriousnessModel, live: str = "v1"):
    async def write(store: Store, now: int) -> None:
        await store.register_model(ModelInfo("v2", "v2.skops", {"auc": 0.5}, now + 1),
                                   activate=live == "v2")
        await store.register_model(
            ModelInfo(packaged.version, str(default_model_path()), packaged.metrics, now - 1),
            activate=False)
        posts = {p.id: p for p in sample_posts(now)}
        await store.add_scores([
            Score(post_id=i, model_version="v2", seriousness=0.3,
                  subreddit=posts[i].subreddit, created_utc=posts[i].created_utc)
            for i in V2_SCORED
        ])
        a5 = posts["a5"]
        await store.add_scores([Score(post_id="a5", model_version="v2", seriousness=0.3,
                                      subreddit=a5.subreddit, created_utc=a5.created_utc,
                                      sign=-1)])
        a4 = posts["a4"]
        await store.add_posts([Post(id="a4", subreddit=a4.subreddit, title=a4.title,
                                    created_utc=a4.created_utc, permalink=a4.permalink,
                                    removed="deleted", observed_at=now)])
        await store.add_posts([E1])

    return write


def test_model_picks_the_version_shown_and_the_default_is_the_live_one(api, packaged) -> None:
    async def scenario(client, now):
        default = await client.get("/subreddits")
        v1 = await client.get("/subreddits", params={"model": "v1"})
        v2 = await client.get("/subreddits", params={"model": "v2"})
        assert default.json() == v1.json()
        by_name = {s["name"]: s for s in v1.json()["subreddits"]}
        assert by_name["AskScience"]["posts"] == SCORED - 1  # a4 is removed
        assert by_name["AskScience"]["seriousness"] == pytest.approx(0.9)
        body = v2.json()
        assert body["model_version"] == "v2" and v2.headers["x-earnest-model"] == "v2"
        assert [(s["name"], s["posts"], s["seriousness"]) for s in body["subreddits"]] == [
            ("AskScience", len(V2_SCORED) - 2, pytest.approx(0.3))]  # a4 removed, a5 retracted

        detail = (await client.get("/subreddit/askscience",
                                   params={"model": "v2", "limit": 14})).json()
        assert detail["model_version"] == "v2" and detail["posts_count"] == len(V2_SCORED) - 2
        scores = {p["id"]: p["seriousness"] for p in detail["posts"]}
        assert {i for i, s in scores.items() if s is not None} == set(V2_SCORED) - {"a5"}
        assert sum(h["count"] for h in detail["hourly"]) == len(V2_SCORED) - 2
        series = (await client.get("/subreddit/askscience/series",
                                   params={"model": "v2", "width": "1h", "hours": 168})).json()
        assert series["model_version"] == "v2"
        assert sum(p["count"] for p in series["points"]) == len(V2_SCORED) - 2
        # The packaged model is registered but scored nothing: an empty view, not an error.
        empty = await client.get("/subreddits", params={"model": packaged.version})
        assert empty.status_code == 200 and empty.json()["subreddits"] == []
        assert empty.json()["freshness"] == {"newest_post_utc": None, "last_update_utc": None}
        assert "x-earnest-fresh-at" not in empty.headers
        assert (await client.get("/subreddit/askscience",
                                 params={"model": packaged.version})).status_code == 404

    api(scenario, prepare=prepare(packaged))


def test_the_default_follows_the_live_version(api, packaged) -> None:
    async def scenario(client, now):
        for path in ("/subreddits", "/subreddit/askscience", "/subreddit/askscience/series"):
            response = await client.get(path)
            assert response.json()["model_version"] == "v2"
            assert response.headers["x-earnest-model"] == "v2"

    api(scenario, prepare=prepare(packaged, live="v2"))


def test_every_response_says_how_fresh_its_version_is(api, packaged) -> None:
    async def scenario(client, now):
        for version, newest in (("v1", now), ("v2", now - 3 * 3 * HOUR)):
            for path in ("/subreddits", "/subreddit/askscience", "/subreddit/askscience/series",
                         "/post/a3"):
                response = await client.get(path, params={"model": version})
                fresh = response.json().get("freshness")
                headers = response.headers
                assert headers["x-earnest-model"] == version
                assert _seconds(headers["x-earnest-newest-post"]) == newest
                updated = _seconds(headers["x-earnest-fresh-at"])
                assert now - 60 < updated < time.time() + 1
                if fresh is not None:  # a post's body says which version it explains
                    assert _seconds(fresh["newest_post_utc"]) == newest
                    assert _seconds(fresh["last_update_utc"]) == updated

    api(scenario, prepare=prepare(packaged))


@pytest.mark.parametrize("path", ["/subreddits", "/subreddit/askscience",
                                  "/subreddit/askscience/series", "/post/a1"])
def test_an_unknown_version_is_a_404_that_says_where_versions_are(api, path) -> None:
    async def scenario(client, now):
        response = await client.get(path, params={"model": "v9"})
        assert response.status_code == 404
        assert response.json()["detail"] == (
            "model version 'v9' is not known; GET /models lists the versions")
        assert (await client.get(path, params={"model": ""})).status_code == 422

    api(scenario)


def test_models_lists_every_version_with_its_figures(api, packaged) -> None:
    async def scenario(client, now):
        response = await client.get("/models")
        assert response.status_code == 200
        models = response.json()["models"]
        assert [(m["version"], m["live"], m["posts"]) for m in models] == [
            ("v1", True, SCORED + 2 - 1),  # a4 is removed
            ("v2", False, len(V2_SCORED) - 2),
            (packaged.version, False, 0),
        ]
        assert models[1]["metrics"] == {"auc": 0.5}
        assert _seconds(models[1]["created_at"]) == now + 1
        assert _seconds(models[0]["freshness"]["newest_post_utc"]) == now
        assert _seconds(models[1]["freshness"]["newest_post_utc"]) == now - 9 * HOUR
        assert models[2]["freshness"] == {"newest_post_utc": None, "last_update_utc": None}
        assert (await client.get("/models", params={"model": "v1"})).status_code == 422

    api(scenario, prepare=prepare(packaged))


def test_a_post_has_its_score_under_each_version(api, packaged) -> None:
    async def scenario(client, now):
        a3 = (await client.get("/post/a3")).json()
        assert a3["scores"] == [
            {"model_version": "v1", "seriousness": 0.9, "live": True},
            {"model_version": "v2", "seriousness": 0.3, "live": False},
        ]
        assert (a3["title"], a3["subreddit"], a3["removed"]) == ("Why 3?", "AskScience", None)
        assert _seconds(a3["created_utc"]) == now - 9 * HOUR
        a4 = (await client.get("/post/a4")).json()
        assert a4["removed"] == "deleted" and _seconds(a4["observed_at"]) == now
        assert [s["model_version"] for s in a4["scores"]] == ["v1", "v2"]
        a5 = (await client.get("/post/a5")).json()
        assert a5["scores"] == [{"model_version": "v1", "seriousness": 0.9, "live": True}]
        e1 = (await client.get("/post/e1")).json()
        assert e1["scores"] == [] and e1["selftext"] == E1.selftext
        missing = await client.get("/post/nosuch")
        assert missing.status_code == 404 and missing.json()["detail"] == (
            "post 'nosuch' is not stored")
        assert (await client.get("/post/bad-id")).status_code == 422

    api(scenario, prepare=prepare(packaged))


def test_a_post_is_explained_by_the_version_asked_for(api, packaged) -> None:
    async def scenario(client, now):
        body = (await client.get("/post/e1", params={"model": packaged.version})).json()
        assert body["model_version"] == packaged.version
        assert body["explanation_unavailable"] is None
        explanation = body["explanation"]
        assert explanation["model_version"] == packaged.version
        contributions = explanation["contributions"]
        assert len(contributions) == 10
        total = explanation["intercept"] + sum(c["weight"] for c in contributions)
        assert total + explanation["rest"] == pytest.approx(explanation["logit"], abs=1e-9)
        logit = packaged.classifier.decision_function(
            featurize([E1.title], [E1.selftext], packaged.spec))[0]
        assert explanation["logit"] == pytest.approx(logit, abs=1e-9)
        text = (E1.title + " " + E1.selftext).lower()
        for c in contributions:
            assert c["towards"] == ("serious" if c["weight"] > 0 else "banter")
            if c["kind"] in ("word", "title word"):
                assert c["feature"].lower() in text

    api(scenario, prepare=prepare(packaged))


def test_a_model_that_cannot_explain_says_why(api, packaged) -> None:
    async def scenario(client, now):
        body = (await client.get("/post/a3")).json()  # v1's file, m.skops, is not there
        assert body["model_version"] == "v1" and body["explanation"] is None
        assert body["explanation_unavailable"].startswith(
            "model v1 cannot be loaded to explain its scores: no model file at m.skops")

    api(scenario, prepare=prepare(packaged))


def test_a_page_of_posts_explains_each_on_demand(api, packaged) -> None:
    async def scenario(client, now):
        plain = (await client.get("/subreddit/askscience", params={"limit": 5})).json()
        assert all("explanation" not in p for p in plain["posts"])
        explained = (await client.get(
            "/subreddit/askscience",
            params={"limit": 5, "explain": "true", "model": packaged.version})).json()
        # The packaged model scored nothing here: a 404, as for any untracked view.
        assert explained["detail"]
        v1 = (await client.get("/subreddit/askscience",
                               params={"limit": 5, "explain": "true"})).json()
        assert [p["explanation"] for p in v1["posts"]] == [None] * 5
        assert v1["posts"][0]["explanation_unavailable"].startswith("model v1 cannot be loaded")

    api(scenario, prepare=prepare(packaged))


def test_a_page_explained_by_a_model_that_loads(api, packaged) -> None:
    async def more(store: Store, now: int) -> None:
        await prepare(packaged)(store, now)
        posts = sample_posts(now)[:5]
        scores = packaged.score([p.title for p in posts], [p.selftext for p in posts])
        await store.add_scores([
            Score(post_id=p.id, model_version=packaged.version, seriousness=float(s),
                  subreddit=p.subreddit, created_utc=p.created_utc)
            for p, s in zip(posts, scores, strict=True)
        ])

    async def scenario(client, now):
        body = (await client.get(
            "/subreddit/askscience",
            params={"limit": 5, "explain": "true", "model": packaged.version})).json()
        for post in body["posts"]:
            explanation = post["explanation"]
            assert post["explanation_unavailable"] is None
            assert len(explanation["contributions"]) == 3
            logit = explanation["intercept"] + explanation["rest"] + sum(
                c["weight"] for c in explanation["contributions"])
            assert 1 / (1 + math.exp(-logit)) == pytest.approx(
                post["seriousness"], abs=1e-9)

    api(scenario, prepare=more)
