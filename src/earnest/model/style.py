"""Style of a post, as one-hot buckets: how long, how wordy, how loud.

Length and word choice carry tone across topics: a joke has a short title and
a one-line punchline, a serious question explains itself in long words. Alone,
these buckets rank posts of held-out subreddits at about 0.83 ROC AUC; on top
of the n-grams they add about 0.01. Buckets (rather than raw numbers) let a
linear model learn that "very short" and "very long" can both mean something.
"""

from __future__ import annotations

import numpy as np

from earnest.model.tokens import Tokens

# (name, number of buckets); a post gets exactly one bucket of each.
BUCKETS: tuple[tuple[str, int], ...] = (
    ("title_length", 21),
    ("body_length", 29),
    ("mean_word_length", 25),
    ("long_word_share", 11),
    ("shouting_share", 11),
    ("punctuation_per_word", 21),
)
WIDTH = sum(size for _, size in BUCKETS)
"""Number of style columns."""


def style_columns(
    tokens: Tokens,
    post_starts: np.ndarray,
    title_lengths: np.ndarray,
    body_lengths: np.ndarray,
) -> np.ndarray:
    """Return an (n_posts, len(BUCKETS)) int array of style columns in 0..WIDTH-1.

    ``post_starts`` is the index of each post's first token; lengths are in
    characters, of the whole title and selftext (before truncation).
    """
    words = tokens.is_word
    per_token = np.stack(
        [words, tokens.lengths * words, words & (tokens.lengths >= 7), tokens.is_caps, ~words],
        axis=1,
    ).astype(np.int32)
    totals = np.add.reduceat(per_token, post_starts, axis=0)
    per_word = 1.0 / np.maximum(totals[:, 0], 1)
    raw = (
        2 * np.log2(title_lengths + 1.0),
        2 * np.log2(body_lengths + 1.0),
        2 * totals[:, 1] * per_word,
        10 * totals[:, 2] * per_word,
        10 * totals[:, 3] * per_word,
        10 * totals[:, 4] * per_word,
    )
    columns = np.empty((len(post_starts), len(BUCKETS)), dtype=np.int64)
    offset = 0
    for i, ((_, size), value) in enumerate(zip(BUCKETS, raw, strict=True)):
        columns[:, i] = offset + np.minimum(value.astype(np.int64), size - 1)
        offset += size
    return columns
