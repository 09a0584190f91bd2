"""Turn a batch of posts into one sparse feature matrix.

Each post becomes ``\\x00 title \\x01 selftext \\x02`` (markers, so that "title
ends with ?" or "no selftext" are bigrams like any other), truncated for speed,
with links replaced by marker ``\\x03``. Its features are:

- hashed word unigrams and bigrams (``tokens.py``), plus one "SHOUTING" token
  per all-capitals word, weighted 1/sqrt(number of entries) so long posts do
  not dominate;
- style buckets (``style.py``) in a small block of columns after the hashed
  ones, weighted 1.

Subreddit names must not leak into the model (it is judged on subreddits it
has never seen), so the name after ``r/`` or ``u/`` and every word in
``FeatureSpec.masked_names`` hash like marker ``\\x04``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse

from earnest.model import style
from earnest.model.tokens import MARKERS, Tokens, mix, tokenize, word_hash

FEATURES_VERSION = 1
"""Bumped whenever the same spec would give different features."""

# A link runs to the next space or marker, never into the next post.
_LINK = re.compile(r"(?:https?://|www\.)[^\s\x00-\x04]+")
_MASKED = np.uint64(word_hash("\x04"))
_BIGRAM = np.uint64(0x9E3779B97F4A7C15)
_SALT_UNIGRAM = np.uint64(0x5A17_0001)
_SALT_BIGRAM = np.uint64(0x5A17_0002)
_SHOUTING = int(mix(np.array([0x5A17_0003], dtype=np.uint64))[0])


@dataclass(frozen=True)
class FeatureSpec:
    """How posts become features; saved with the model, so scoring matches training."""

    hash_bits: int = 18
    """The hashed n-grams get 2**hash_bits columns."""
    max_title_chars: int = 300
    max_body_chars: int = 1000
    """Only the start of a selftext counts: its tone shows early, and speed matters."""
    masked_names: tuple[str, ...] = field(default=())
    """Words hidden from the model, normally the training subreddits' names."""
    version: int = FEATURES_VERSION

    @property
    def n_features(self) -> int:
        """Total number of columns: hashed n-grams, then style buckets."""
        return (1 << self.hash_bits) + style.WIDTH

    def to_dict(self) -> dict[str, Any]:
        """Plain builtins, for saving in the model artifact."""
        spec = asdict(self)
        spec["masked_names"] = list(self.masked_names)
        return spec

    @classmethod
    def from_dict(cls, spec: dict[str, Any]) -> FeatureSpec:
        """Inverse of ``to_dict``."""
        return cls(**{**spec, "masked_names": tuple(spec["masked_names"])})


def featurize(
    titles: Sequence[str], selftexts: Sequence[str], spec: FeatureSpec
) -> sparse.csr_matrix:
    """Return the (len(titles), spec.n_features) float64 CSR matrix of a batch.

    Rows may hold a column more than once (the values then add up); that is
    valid CSR, and skipping ``sum_duplicates`` saves time when scoring.
    """
    if len(titles) != len(selftexts):
        raise ValueError(f"{len(titles)} titles but {len(selftexts)} selftexts")
    n = len(titles)
    if n == 0:
        return sparse.csr_matrix((0, spec.n_features), dtype=np.float64)
    buffer = _encode(titles, selftexts, spec)
    tokens = tokenize(buffer)
    doc = (np.cumsum(buffer == 0) - 1)[tokens.starts]
    hashes = _masked(tokens, buffer, spec.masked_names)
    rows, columns = _ngram_entries(hashes, tokens, doc, spec.hash_bits)
    title_lengths = np.fromiter(map(len, titles), dtype=np.float64, count=n)
    body_lengths = np.fromiter(map(len, selftexts), dtype=np.float64, count=n)
    styles = style.style_columns(tokens, doc, title_lengths, body_lengths)
    return _assemble(rows, columns, styles + (1 << spec.hash_bits), spec.n_features)


def _encode(titles: Sequence[str], selftexts: Sequence[str], spec: FeatureSpec) -> np.ndarray:
    title_max, body_max = spec.max_title_chars, spec.max_body_chars
    parts = [
        f"\x00{title[:title_max]}\x01{body[:body_max]}\x02"
        for title, body in zip(titles, selftexts, strict=True)
    ]
    text = "".join(parts)
    # Markers inside the text would split or merge posts; they are rare, so
    # check the whole batch at C speed and clean post by post only if needed.
    n = len(parts)
    if not all(text.count(chr(m)) == (n if m < 3 else 0) for m in range(MARKERS)):
        text = "".join(
            f"\x00{_clean(title[:title_max])}\x01{_clean(body[:body_max])}\x02"
            for title, body in zip(titles, selftexts, strict=True)
        )
    text = _LINK.sub("\x03", text)
    return np.frombuffer(text.encode("utf-8", "ignore"), dtype=np.uint8)


_NO_MARKERS = {m: " " for m in range(MARKERS)}


def _clean(text: str) -> str:
    return text.translate(_NO_MARKERS)


@lru_cache(maxsize=8)
def _mask_table(names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The names' hashes, and a 2**16-entry table of their low bits for a quick first test."""
    hashes = np.array([word_hash(name) for name in names], dtype=np.uint64)
    table = np.zeros(1 << 16, dtype=bool)
    table[(hashes & np.uint64(0xFFFF)).astype(np.int64)] = True
    return hashes, table


def _masked(tokens: Tokens, buffer: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """Token hashes with subreddit and user names replaced by the mask."""
    hashes = tokens.hashes.copy()
    if names:
        # np.isin sorts; the table lookup leaves it only a handful of candidates.
        name_hashes, table = _mask_table(names)
        maybe = np.flatnonzero(table[(hashes & np.uint64(0xFFFF)).astype(np.int64)])
        hashes[maybe[np.isin(hashes[maybe], name_hashes)]] = _MASKED
    # r/name or u/name: a one-letter word, "/" right after it, then a word.
    starts = tokens.starts
    letter = buffer[starts] | 0x20
    prefix = (tokens.lengths == 1) & ((letter == ord("r")) | (letter == ord("u")))
    i = np.flatnonzero(prefix[:-2])
    slash = (buffer[starts[i + 1]] == ord("/")) & (starts[i + 1] == starts[i] + 1)
    name = tokens.is_word[i + 2] & (starts[i + 2] == starts[i] + 2)
    hashes[i[slash & name] + 2] = _MASKED
    return hashes


def _ngram_entries(
    hashes: np.ndarray, tokens: Tokens, doc: np.ndarray, hash_bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every unigram, bigram and SHOUTING entry, rows ascending."""
    count = len(hashes)
    bigrams = np.zeros(count, dtype=np.uint64)
    bigrams[:-1] = mix(hashes[:-1]) * _BIGRAM + hashes[1:]
    keys = np.stack([hashes ^ _SALT_UNIGRAM, bigrams ^ _SALT_BIGRAM], axis=1)
    columns = np.empty((count, 3), dtype=np.int64)
    columns[:, :2] = mix(keys) & np.uint64((1 << hash_bits) - 1)
    columns[:, 2] = _SHOUTING & ((1 << hash_bits) - 1)
    valid = np.ones(columns.shape, dtype=bool)
    valid[:-1, 1] = doc[:-1] == doc[1:]
    valid[-1:, 1] = False
    valid[:, 2] = tokens.is_caps
    # Row-major selection keeps the entries in token order, hence by post.
    rows = np.broadcast_to(doc[:, None], columns.shape)[valid]
    return rows, columns[valid]


def _assemble(
    rows: np.ndarray, columns: np.ndarray, styles: np.ndarray, n_features: int
) -> sparse.csr_matrix:
    """CSR with each post's n-gram entries, then its style entries, without sorting."""
    n, width = styles.shape
    per_post = np.bincount(rows, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_post + width, out=indptr[1:])
    indices = np.empty(indptr[-1], dtype=np.int64)
    data = np.ones(indptr[-1], dtype=np.float64)
    ngram_at = np.arange(len(rows)) + width * rows
    indices[ngram_at] = columns
    data[ngram_at] = (1.0 / np.sqrt(np.maximum(per_post, 1)))[rows]
    style_at = indptr[1:, None] - width + np.arange(width)
    indices[style_at] = styles
    return sparse.csr_matrix((data, indices, indptr), shape=(n, n_features))
