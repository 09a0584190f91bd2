from collections.abc import Callable

import numpy as np
import pytest
from scipy import sparse

from earnest.model import style
from earnest.model.features import FeatureSpec, featurize

ReadPosts = Callable[[str, int], list[tuple[str, str, str]]]

SPEC = FeatureSpec(masked_names=("askscience", "Jokes"))


def dense(titles: list[str], selftexts: list[str], spec: FeatureSpec = SPEC) -> np.ndarray:
    return featurize(titles, selftexts, spec).toarray()


def test_one_row_per_post_with_the_spec_width() -> None:
    features = featurize(["a title", "another"], ["", "a body"], SPEC)
    assert features.shape == (2, SPEC.n_features)
    assert SPEC.n_features == 2**SPEC.hash_bits + style.WIDTH
    assert features.dtype == np.float64
    assert featurize([], [], SPEC).shape == (0, SPEC.n_features)


def test_a_post_gets_the_same_features_alone_or_in_a_batch(read_posts: ReadPosts) -> None:
    rows = read_posts("DepthHub", 50) + read_posts("legaladvice", 50) + read_posts("Jokes", 50)
    titles, bodies = [r[1] for r in rows], [r[2] for r in rows]
    together = featurize(titles, bodies, SPEC)
    alone = sparse.vstack([featurize([t], [b], SPEC) for t, b in zip(titles, bodies, strict=True)])
    assert (together != alone).nnz == 0


def hashed(titles: list[str], selftexts: list[str]) -> np.ndarray:
    """The n-gram columns only (the style columns see lengths, which names change)."""
    return dense(titles, selftexts)[:, : 2**SPEC.hash_bits]


def test_subreddit_and_user_names_are_masked() -> None:
    a = hashed(["Asked on r/askscience and /u/someone"], [""])
    b = hashed(["Asked on r/aww and /u/another_one"], [""])
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(hashed(["askscience rocks"], [""]), hashed(["Jokes rocks"], [""]))
    assert not np.array_equal(hashed(["physics rocks"], [""]), hashed(["jokes rocks"], [""]))


def test_links_are_hidden_behind_a_marker() -> None:
    a = dense(["Look"], ["see https://example.com/a?b=1 now"])
    b = dense(["Look"], ["see https://other.org/some/where now"])
    np.testing.assert_array_equal(a, b)
    c = dense(["Look"], ["see www.example.com/a now"])
    d = dense(["Look"], ["see www.other.org/b now"])
    np.testing.assert_array_equal(c, d)


def test_marker_bytes_in_a_post_do_not_leak_into_its_neighbours() -> None:
    both = dense(["odd\x00title\x02", "plain title"], ["body\x01\x03", "plain body"])
    np.testing.assert_array_equal(both[1:], dense(["plain title"], ["plain body"]))


def test_only_the_start_of_a_long_selftext_is_read() -> None:
    start = "word " * (SPEC.max_body_chars // 5)
    a = dense(["t"], [start + "tail one"])
    b = dense(["t"], [start + "rest two"])
    width = 2**SPEC.hash_bits
    np.testing.assert_array_equal(a[:, :width], b[:, :width])


def test_titles_and_selftexts_must_pair_up() -> None:
    with pytest.raises(ValueError, match="2 titles but 1 selftexts"):
        featurize(["a", "b"], ["x"], SPEC)


def test_the_spec_survives_a_round_trip_through_builtins() -> None:
    assert FeatureSpec.from_dict(SPEC.to_dict()) == SPEC
