"""The API loads a registered version from the artifact the registry holds: no file needed."""

from __future__ import annotations

import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from earnest.model.artifact import SeriousnessModel, default_model_path
from earnest.model.registry import checked_types, earnest_card, examine, register
from earnest.records import Post
from earnest.store.base import ModelInfo, Store

POST = Post(id="e1", subreddit="Explained", title="Why do cats purr when they are happy?",
            selftext="Is it the same mechanism in big cats?", created_utc=time.time() - 3600)


async def _register_both(store: Store, now: int) -> None:
    import skops.io as sio

    # Earnest's own model, recorded under a path that does not exist on this machine.
    packaged = SeriousnessModel.load(default_model_path())
    artifact = default_model_path().read_bytes()
    card = earnest_card(packaged, checked_types(artifact))
    await store.add_model(ModelInfo(packaged.version, "/elsewhere/default.skops",
                                    packaged.metrics, now, card=card.to_dict()), artifact)
    texts = ["How do vaccines train the immune system?", "Why is the sky blue at noon?",
             "My cat sat on my keyboard lol", "What did the ocean say? Nothing, it waved"]
    pipeline = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, [1, 1, 0, 0])
    await register(store, examine(sio.dumps(pipeline), where="the pipeline", name="tiny"))
    await store.add_posts([POST])


def test_registered_versions_load_from_the_registry(api) -> None:
    async def scenario(client, now):
        versions = {m["version"]: m for m in (await client.get("/models")).json()["models"]}
        own = next(v for v in versions if v.startswith("seriousness-"))
        theirs = next(v for v in versions if v.startswith("sklearn-"))
        assert (versions[theirs]["state"], versions[theirs]["card"]["name"]) == (
            "registered", "tiny")
        assert versions[own]["card"]["kind"] == "earnest-linear"
        assert (versions["v1"]["state"], versions["v1"]["card"]) == ("live", None)
        body = (await client.get("/post/e1", params={"model": own})).json()
        assert body["explanation_unavailable"] is None, body
        assert body["explanation"]["model_version"] == own
        body = (await client.get("/post/e1", params={"model": theirs})).json()
        assert body["explanation"] is None
        assert body["explanation_unavailable"] == (
            f"model {theirs} is not a linear model: it explains no score")

    api(scenario, prepare=_register_both)
