"""Explanations of a linear model's scores: the shares add up to the model's own logit
(scikit-learn's ``decision_function``), and name words the post really holds."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pytest
from sklearn.linear_model import SGDClassifier

from earnest.model.artifact import SeriousnessModel, default_model_path
from earnest.model.explain import explain
from earnest.model.features import MARKER_NAMES, FeatureSpec, featurize

ReadPosts = Callable[[str, int], list[tuple[str, str, str]]]

ODD_POSTS = [
    ("Why do CATS purr when they are happy?",
     "I read on https://example.com/cats that r/cats and u/someone know. Since 1865!"),
    ("", ""),
    ("lol", ""),
    ("Ünïcödé wörds — and \x00 a marker inside \x03 the text", "ok " * 400),
    ("A title " * 60, "www.example.org ???"),
]


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+|[^\w\s]", text)}


def _check(model: SeriousnessModel, titles: list[str], bodies: list[str]) -> None:
    explanations = explain(model, titles, bodies, top=10)
    assert explanations is not None and len(explanations) == len(titles)
    logits = model.classifier.decision_function(featurize(titles, bodies, model.spec))
    for title, body, explanation, logit in zip(titles, bodies, explanations, logits,
                                               strict=True):
        assert explanation.logit == pytest.approx(logit, abs=1e-9)
        weights = [abs(c.weight) for c in explanation.contributions]
        assert len(weights) <= 10 and weights == sorted(weights, reverse=True)
        assert all(w > 0 for w in weights)
        # The model reads the start of the title and of the body only.
        title, body = title[: model.spec.max_title_chars], body[: model.spec.max_body_chars]
        words = _words(title + " " + body) | {name.lower() for name in MARKER_NAMES}
        for c in explanation.contributions:
            if c.kind in ("word", "title word"):
                assert c.feature.lower() in words, c
            if c.kind == "title word":
                assert c.feature.lower() in _words(title) | {"<start of title>"}, c
            if c.kind == "bigram":
                unmarked = c.feature
                for name in MARKER_NAMES:
                    unmarked = unmarked.replace(name, " ")
                assert all(part.lower() in words for part in unmarked.split()), c


def test_the_packaged_models_shares_add_up_to_its_logit(read_posts: ReadPosts) -> None:
    model = SeriousnessModel.load(default_model_path())
    rows = read_posts("askscience", 60) + read_posts("Jokes", 60) + read_posts("tifu", 60)
    _check(model, [r[1] for r in rows] + [t for t, _ in ODD_POSTS],
           [r[2] for r in rows] + [b for _, b in ODD_POSTS])


def test_a_model_of_another_feature_spec_is_explained_by_its_own_spec() -> None:
    """Fewer hash bits, a shorter body and a masked name: the explanation follows them."""
    spec = FeatureSpec(hash_bits=10, max_title_chars=40, max_body_chars=20,
                       masked_names=("cats",))
    rng = np.random.default_rng(0)
    titles = [f"post {i} about {w}" for i, w in enumerate(rng.choice(
        ["cats", "taxes", "memes", "law", "jokes", "science"], 200))]
    bodies = ["serious question here" if "law" in t or "taxes" in t else "haha" for t in titles]
    labels = np.array([1 if "law" in t or "taxes" in t or "science" in t else 0
                       for t in titles])
    classifier = SGDClassifier(loss="log_loss", random_state=0)
    classifier.fit(featurize(titles, bodies, spec), labels)
    model = SeriousnessModel(classifier, spec,
                             {"trained_at": datetime.now(UTC).isoformat(timespec="seconds")})
    _check(model, titles[:50] + [t for t, _ in ODD_POSTS], bodies[:50] + [b for _, b in ODD_POSTS])
    (cats,) = explain(model, ["all about cats"], [""], top=100) or []
    features = {c.feature for c in cats.contributions}
    assert "<name>" in features and "cats" not in features


def test_repeated_words_add_up_into_one_contribution() -> None:
    model = SeriousnessModel.load(default_model_path())
    (once,) = explain(model, ["banana"], [""], top=100) or []
    (twice,) = explain(model, ["banana"], ["banana banana"], top=100) or []
    assert sum(c.feature.lower() == "banana" and c.kind == "word"
               for c in twice.contributions) == 1
    assert any(c.kind == "title word" and c.feature == "banana" for c in once.contributions)


def test_a_model_that_is_not_linear_has_no_explanation() -> None:
    assert explain(object(), ["a title"], [""], top=10) is None
