"""Text features: what of a post the model reads, hashed into a fixed-width vector.

The title and the start of the body are read; long bodies are cut, because tone
shows early and the cost of hashing grows with the text. Mentions of subreddits
(``r/askscience``) are replaced by one placeholder so the model cannot learn
names. Punctuation runs are tokens of their own: "?!?!" and "..." carry tone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sklearn.feature_extraction.text import HashingVectorizer

MAX_BODY_CHARS = 300
N_FEATURES = 2**18
_SUBREDDIT_MENTION = re.compile(r"/?\br/[A-Za-z0-9_]+")
TOKEN_PATTERN = r"(?u)\b\w+\b|[!?]+|\.\.+|[:;]-?[()DPp]"


def prepare(titles: Sequence[str], selftexts: Sequence[str]) -> list[str]:
    """One text per post: title, a separator, the start of the body."""
    return [
        _SUBREDDIT_MENTION.sub(" subredditmention ", f"{title} \n {body[:MAX_BODY_CHARS]}")
        for title, body in zip(titles, selftexts, strict=True)
    ]


def vectorizer() -> HashingVectorizer:
    """Stateless: the same text always maps to the same features, with no vocabulary to fit."""
    return HashingVectorizer(
        n_features=N_FEATURES,
        ngram_range=(1, 2),
        token_pattern=TOKEN_PATTERN,
        lowercase=True,
        alternate_sign=False,
        norm="l2",
    )
