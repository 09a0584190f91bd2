import collections
import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from sklearn.metrics import roc_auc_score

from earnest.errors import ModelError
from earnest.model.artifact import SeriousnessModel, default_model_path
from earnest.model.features import featurize
from earnest.model.labels import label_for

ReadPosts = Callable[[str, int], list[tuple[str, str, str]]]

VERSION = re.compile(r"^seriousness-\d{8}-[0-9a-f]{8}$")


def test_scores_are_probabilities_one_per_post(
    small_model: SeriousnessModel, read_posts: ReadPosts
) -> None:
    rows = read_posts("tifu", 100) + read_posts("WTF", 100)
    scores = small_model.score([r[1] for r in rows], [r[2] for r in rows])
    assert scores.shape == (200,)
    assert scores.dtype == np.float64
    assert np.all((scores >= 0) & (scores <= 1))
    assert small_model.score([], []).shape == (0,)


def test_scores_are_the_logistic_of_the_feature_matrix(
    small_model: SeriousnessModel, read_posts: ReadPosts
) -> None:
    rows = read_posts("DepthHub", 100) + read_posts("puns", 100) + read_posts("legaladvice", 100)
    titles, bodies = [r[1] for r in rows], [r[2] for r in rows]
    classifier = small_model.classifier
    expected = classifier.predict_proba(featurize(titles, bodies, small_model.spec))[:, 1]
    np.testing.assert_allclose(small_model.score(titles, bodies), expected, rtol=1e-12)


def test_large_batches_are_scored_in_slices_with_the_same_result(
    small_model: SeriousnessModel, read_posts: ReadPosts
) -> None:
    rows = read_posts("AskReddit", 1000)[:1000] * 12
    titles, bodies = [r[1] for r in rows], [r[2] for r in rows]
    scores = small_model.score(titles, bodies)
    assert scores.shape == (len(rows),)
    one = small_model.score(titles[:len(rows) // 12], bodies[:len(rows) // 12])
    np.testing.assert_array_equal(scores, np.tile(one, 12))


def test_save_and_load_give_the_same_model(
    small_model: SeriousnessModel, read_posts: ReadPosts, tmp_path: Path
) -> None:
    path = tmp_path / "models" / "small.skops"
    small_model.save(path)
    loaded = SeriousnessModel.load(path)
    rows = read_posts("changemyview", 100)
    titles, bodies = [r[1] for r in rows], [r[2] for r in rows]
    np.testing.assert_array_equal(loaded.score(titles, bodies), small_model.score(titles, bodies))
    assert loaded.version == small_model.version
    assert VERSION.match(loaded.version)
    assert loaded.metrics == small_model.metrics
    assert [p.name for p in path.parent.iterdir()] == ["small.skops"]


def test_a_missing_file_says_how_to_get_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model file at .*earnest train"):
        SeriousnessModel.load(tmp_path / "nothing.skops")


def test_a_garbage_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbage.skops"
    path.write_bytes(b"this is not a zip file" * 10)
    with pytest.raises(ModelError, match="not a readable earnest model"):
        SeriousnessModel.load(path)


def test_a_skops_file_of_something_else_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.skops"
    sio.dump({"weights": np.zeros(3)}, path)
    with pytest.raises(ModelError, match="not an earnest seriousness model"):
        SeriousnessModel.load(path)


def test_a_file_with_untrusted_types_is_refused_before_loading(tmp_path: Path) -> None:
    path = tmp_path / "untrusted.skops"
    sio.dump({"format": "earnest-seriousness/1", "x": collections.Counter("ab")}, path)
    with pytest.raises(ModelError, match="Counter"):
        SeriousnessModel.load(path)


def test_the_packaged_model_ranks_askscience_above_shittyaskscience(
    read_posts: ReadPosts,
) -> None:
    model = SeriousnessModel.load(default_model_path())
    assert VERSION.match(model.version)
    serious = read_posts("askscience", 100)
    banter = read_posts("shittyaskscience", 100)
    # Titles only: the packaged model must tell the two apart without selftexts too.
    scores = model.score([r[1] for r in serious + banter], [""] * 200)
    assert scores[:100].mean() > scores[100:].mean() + 0.2
    assert roc_auc_score([1] * 100 + [0] * 100, scores) > 0.8


# Subreddits no model is trained on (none is labelled), whose tone is clear.
NEVER_TRAINED_SERIOUS = ("changemyview", "netsec")
NEVER_TRAINED_BANTER = ("4chan", "firstworldproblems")


def test_the_packaged_model_ranks_subreddits_it_never_saw(read_posts: ReadPosts) -> None:
    names = NEVER_TRAINED_SERIOUS + NEVER_TRAINED_BANTER
    assert all(label_for(name) is None for name in names)
    model = SeriousnessModel.load(default_model_path())
    assert not set(names) & set(model.metrics["training_subreddits"])
    rows = [row for name in names for row in read_posts(name, 300)]
    labels = [int(name in NEVER_TRAINED_SERIOUS) for name, _, _ in rows]
    scores = model.score([r[1] for r in rows], [r[2] for r in rows])
    assert roc_auc_score(labels, scores) > 0.9


def test_scoring_is_vectorised(read_posts: ReadPosts) -> None:
    """A loose guard against a per-post Python loop; bench/bench_model.py measures speed."""
    model = SeriousnessModel.load(default_model_path())
    rows = read_posts("AskReddit", 500) + read_posts("askscience", 500)
    titles, bodies = [r[1] for r in rows], [r[2] for r in rows]
    model.score(titles, bodies)
    started = time.process_time()
    for _ in range(5):
        model.score(titles, bodies)
    assert 5 * len(rows) / (time.process_time() - started) > 5_000
