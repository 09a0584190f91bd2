"""Turn a batch of posts into features, vectorised over the whole batch.

Each post becomes ``\\x00 title \\x01 selftext \\x02`` (markers, so that "title
ends with ?" or "no selftext" are bigrams like any other), with the selftext
cut after ``max_body_chars`` for speed and links replaced by marker ``\\x03``.
Its features are:

- hashed word unigrams and bigrams (``tokens.py``), the title's unigrams once
  more on their own (a word can mean one thing in a title and another in a
  body), and one "SHOUTING" token per all-capitals word; all weighted
  1/sqrt(number of entries) so long posts do not dominate;
- style buckets (``style.py``) in a small block of columns after the hashed
  ones, weighted 1.

``featurize`` gives one matrix (for training); ``extract`` gives the two parts,
which scoring combines with the weights without building the matrix.

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
from earnest.model.tokens import MARKERS, Tokens, tokenize, word_hash

FEATURES_VERSION = 2
"""Bumped whenever the same spec would give different features."""

# A link runs to the next space or marker, never into the next post. Two
# patterns with a literal start are several times faster than one with "|".
_SCHEME = re.compile(rb"://[^\s\x00-\x04]+")
_WWW = re.compile(rb"www\.[^\s\x00-\x04]+")
_MASKED = np.uint64(word_hash("\x04"))
_PAIR = np.uint64(0x9E3779B97F4A7C15)
_SPREAD = np.uint64(0xC2B2AE3D27D4EB4F)
_SALT_UNIGRAM = np.uint64(0x5A17_0001)
_SALT_BIGRAM = np.uint64(0x5A17_0002)
_SALT_TITLE = 0x5A17_0004
_SALT_SHOUTING = np.uint64(0x5A17_0003)


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


@dataclass(frozen=True)
class Features:
    """A batch's features in the two parts that are computed differently.

    ``ngrams`` is (n_posts, 2**hash_bits) CSR. It may hold explicit zeros and a
    column more than once (values add up): both are valid CSR and cost less
    than cleaning them up when scoring. ``styles`` is (n_posts, len(BUCKETS)):
    each post's style columns, 0..style.WIDTH-1, whose value is 1.
    """

    ngrams: sparse.csr_matrix
    styles: np.ndarray

    def matrix(self) -> sparse.csr_matrix:
        """Both parts as one (n_posts, spec.n_features) CSR matrix, for training."""
        n, width = self.styles.shape
        styles = sparse.csr_matrix(
            (np.ones(n * width), self.styles.ravel(), np.arange(0, n * width + 1, width)),
            shape=(n, style.WIDTH),
        )
        return sparse.hstack([self.ngrams, styles], format="csr")


def featurize(
    titles: Sequence[str], selftexts: Sequence[str], spec: FeatureSpec
) -> sparse.csr_matrix:
    """Return the (len(titles), spec.n_features) float64 CSR matrix of a batch."""
    return extract(titles, selftexts, spec).matrix()


def extract(titles: Sequence[str], selftexts: Sequence[str], spec: FeatureSpec) -> Features:
    """The features of a batch of posts, as two parts (see ``Features``)."""
    return describe(titles, selftexts, spec).features


@dataclass(frozen=True)
class Described:
    """A batch's features with what each n-gram entry stands for, to explain a score.

    Entry ``j`` of ``features.ngrams`` (in storage order, ``.data[j]``) belongs to token
    ``j // SLOTS`` of ``tokens`` and is its slot ``j % SLOTS`` (see ``_ngrams``).
    """

    features: Features
    buffer: np.ndarray
    tokens: Tokens
    hashes: np.ndarray
    """Token hashes as the model saw them (names masked)."""

    def entry_keys(self) -> np.ndarray:
        """One uint64 per entry, equal for entries that stand for the same n-gram of the
        same slot (the same word in any case, say), different otherwise."""
        count = len(self.hashes)
        pairs = np.zeros(count, dtype=np.uint64)
        pairs[:-1] = self.hashes[:-1] * _PAIR + self.hashes[1:]
        keys = np.empty((count, SLOTS), dtype=np.uint64)
        keys[:, 0] = self.hashes
        keys[:, 1] = pairs
        keys[:, 2] = self.hashes
        keys[:, 3] = 0
        return keys.ravel() * np.uint64(SLOTS) + np.tile(np.arange(SLOTS, dtype=np.uint64), count)

    def entry_label(self, entry: int) -> tuple[str, str]:
        """(kind, text) of an entry: the n-gram as written in the post, markers named."""
        token, slot = divmod(entry, SLOTS)
        if slot == 3:
            return "shouting", "WORDS IN CAPITALS"
        word, marker = self._token_text(token)
        if slot == 1 and token + 1 < len(self.hashes):
            return "bigram", f"{word} {self._token_text(token + 1)[0]}"
        if marker:
            return "marker", word
        return ("title word" if slot == 2 else "word"), word

    def _token_text(self, token: int) -> tuple[str, bool]:
        """The token as written, or the name of the marker it is (and whether it is one)."""
        if self.hashes[token] == _MASKED:
            return MARKER_NAMES[4], True
        start = int(self.tokens.starts[token])
        raw = self.buffer[start : start + int(self.tokens.lengths[token])].tobytes()
        if len(raw) == 1 and raw[0] < MARKERS:
            return MARKER_NAMES[raw[0]], True
        return raw.decode("utf-8", "replace"), False


SLOTS = 4
"""N-gram entries per token: unigram, bigram with the next token, title unigram, SHOUTING."""

MARKER_NAMES = ("<start of title>", "<end of title>", "<end of post>", "<link>", "<name>")
"""What markers 0-4 stand for, in explanations."""


def describe(titles: Sequence[str], selftexts: Sequence[str], spec: FeatureSpec) -> Described:
    """The features of a batch of posts, with what each n-gram entry stands for."""
    if len(titles) != len(selftexts):
        raise ValueError(f"{len(titles)} titles but {len(selftexts)} selftexts")
    n = len(titles)
    if n == 0:
        empty = sparse.csr_matrix((0, 1 << spec.hash_bits), dtype=np.float64)
        no_bytes = np.zeros(0, dtype=np.uint8)
        return Described(Features(empty, np.zeros((0, len(style.BUCKETS)), dtype=np.int64)),
                         no_bytes, tokenize(no_bytes), np.zeros(0, dtype=np.uint64))
    buffer = _encode(titles, selftexts, spec)
    tokens = tokenize(buffer)
    first = buffer[tokens.starts]
    # Every post is exactly one \x00 token, its title, one \x01 token, its body, one \x02.
    post_starts = np.flatnonzero(first == 0)
    title_ends = np.flatnonzero(first == 1)
    edges = np.zeros(len(first), dtype=np.int8)
    edges[post_starts] += 1
    edges[title_ends] -= 1
    in_title = np.cumsum(edges, dtype=np.int8)
    hashes = _masked(tokens, buffer, spec.masked_names)
    ngrams = _ngrams(hashes, tokens, in_title, post_starts, title_ends, spec)
    title_lengths = np.fromiter(map(len, titles), dtype=np.float64, count=n)
    body_lengths = np.fromiter(map(len, selftexts), dtype=np.float64, count=n)
    styles = style.style_columns(tokens, post_starts, title_lengths, body_lengths)
    return Described(Features(ngrams, styles), buffer, tokens, hashes)


def _encode(titles: Sequence[str], selftexts: Sequence[str], spec: FeatureSpec) -> np.ndarray:
    title_max, body_max = spec.max_title_chars, spec.max_body_chars
    text = "".join(
        [
            f"\x00{title[:title_max]}\x01{body[:body_max]}\x02"
            for title, body in zip(titles, selftexts, strict=True)
        ]
    ).encode("utf-8", "ignore")
    # Markers inside the text would split or merge posts; they are rare, so
    # check the whole batch at once and clean post by post only if needed.
    if np.count_nonzero(np.frombuffer(text, dtype=np.uint8) < MARKERS) != 3 * len(titles):
        text = "".join(
            f"\x00{_clean(title[:title_max])}\x01{_clean(body[:body_max])}\x02"
            for title, body in zip(titles, selftexts, strict=True)
        ).encode("utf-8", "ignore")
    text = _WWW.sub(b"\x03", _SCHEME.sub(b"\x03", text))
    return np.frombuffer(text, dtype=np.uint8)


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


def _ngrams(
    hashes: np.ndarray,
    tokens: Tokens,
    in_title: np.ndarray,
    post_starts: np.ndarray,
    title_ends: np.ndarray,
    spec: FeatureSpec,
) -> sparse.csr_matrix:
    """The n-gram part: ``SLOTS`` per token (unigram, bigram, title unigram, SHOUTING).

    A slot that does not apply (the bigram of a post's last token, the title
    unigram of a body token, ...) stays in the matrix with value 0, so every
    post's entries are contiguous without any sorting or selection.
    """
    count = len(hashes)
    shift = np.uint64(64 - spec.hash_bits)
    pairs = np.zeros(count, dtype=np.uint64)
    pairs[:-1] = hashes[:-1] * _PAIR + hashes[1:]
    columns = np.empty((count, 4), dtype=np.int32)
    # Multiply-shift hashing: the token hashes are already well spread.
    columns[:, 0] = ((hashes ^ _SALT_UNIGRAM) * _SPREAD) >> shift
    columns[:, 1] = ((pairs ^ _SALT_BIGRAM) * _SPREAD) >> shift
    # A fixed permutation of the unigram column: as good as another hash, and free.
    columns[:, 2] = columns[:, 0] ^ (_SALT_TITLE & ((1 << spec.hash_bits) - 1))
    columns[:, 3] = (int(_SALT_SHOUTING) * int(_SPREAD) % 2**64) >> (64 - spec.hash_bits)

    per_post = np.diff(np.append(post_starts, count))
    caps = np.add.reduceat(tokens.is_caps.view(np.int8), post_starts, dtype=np.int64)
    entries = 2 * per_post - 1 + (title_ends - post_starts) + caps
    weight = np.repeat(1.0 / np.sqrt(entries), per_post)
    weights = np.empty((count, 4), dtype=np.float64)
    weights[:, 0] = weight
    weights[:, 1] = weight
    weights[post_starts[1:] - 1, 1] = 0.0
    weights[-1, 1] = 0.0
    np.multiply(weight, in_title, out=weights[:, 2])
    np.multiply(weight, tokens.is_caps, out=weights[:, 3])
    indptr = np.append(post_starts, count).astype(np.int32) * 4
    return sparse.csr_matrix(
        (weights.ravel(), columns.ravel(), indptr),
        shape=(len(post_starts), 1 << spec.hash_bits),
    )
