"""Split a batch of UTF-8 bytes into hashed tokens, with numpy and no Python loop.

Scoring must keep up with tens of thousands of posts a second on one core,
which rules out a per-token Python loop (scikit-learn's HashingVectorizer
manages about 7,000 posts/s here). Instead the whole batch is one byte array:

- a token is a run of word bytes (ASCII letters, digits, ``_`` and every
  non-ASCII byte, so accented words stay whole) or a single punctuation byte;
- ASCII letters are lowercased and digits all become ``0``, so "1865" and
  "2013" are one token: numbers say little about tone and a lot about topic;
- each token's hash is a polynomial hash of its bytes, computed for all tokens
  at once from one prefix sum (see ``_polynomial_hashes``).

Hashes are 32-bit: the arithmetic wraps modulo 2**32 on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_BASE = np.uint32(0x01000193)
_BASE_INVERSE = np.uint32(pow(0x01000193, -1, 2**32))
_SPACE, _WORD, _PUNCT = 0, 1, 2
MARKERS = 5
"""Bytes 0-4 are reserved as markers (post start, title end, ...)."""


def _byte_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    normal = np.arange(256, dtype=np.uint32)
    normal[ord("A") : ord("Z") + 1] += 32
    normal[ord("0") : ord("9") + 1] = ord("0")
    kind = np.full(256, _PUNCT, dtype=np.int8)
    for byte in range(MARKERS, 256):
        char = chr(byte)
        if byte >= 128 or char.isalnum() or char == "_":
            kind[byte] = _WORD
        elif char.isspace() or byte < 32 or byte == 127:
            kind[byte] = _SPACE
    upper = np.zeros(256, dtype=bool)
    upper[ord("A") : ord("Z") + 1] = 1
    return normal + 1, kind, upper


# +1 so that a token made of byte 0 (a marker) still hashes to non-zero.
_VALUE, _KIND, _UPPER = _byte_tables()
_powers_cache: list[np.ndarray] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i for i < n, cached and grown by doubling."""
    if not _powers_cache or len(_powers_cache[0]) < n:
        size = max(1 << 16, 1 << (n - 1).bit_length())
        forward = np.full(size, _BASE, dtype=np.uint32)
        backward = np.full(size, _BASE_INVERSE, dtype=np.uint32)
        forward[0] = backward[0] = 1
        _powers_cache[:] = [
            np.cumprod(forward, dtype=np.uint32),
            np.cumprod(backward, dtype=np.uint32),
        ]
    return _powers_cache[0], _powers_cache[1]


@dataclass(frozen=True)
class Tokens:
    """The tokens of a byte buffer, in order, one entry per token."""

    hashes: np.ndarray
    """32-bit hash of the normalised bytes (held as uint64, ready for mixing)."""
    starts: np.ndarray
    """Offset of the first byte in the buffer."""
    lengths: np.ndarray
    """Length in bytes."""
    is_word: np.ndarray
    """True for words, False for punctuation and markers."""
    is_caps: np.ndarray
    """True for words of two or more letters in capitals (SHOUTING): the first
    two and the last letter are checked."""


def tokenize(buffer: np.ndarray) -> Tokens:
    """Split a uint8 buffer into tokens and hash each one."""
    kind = np.take(_KIND, buffer)  # np.take: several times faster than kind[buffer]
    word = kind == _WORD
    punct = kind == _PUNCT
    # A word starts where the previous byte is not a word byte, and ends where
    # the next one is not; every punctuation byte is a token of its own.
    first = word.copy()
    first[1:] &= ~word[:-1]
    first |= punct
    last = word  # word is not needed any more: reuse its memory
    last[:-1] &= ~word[1:]
    last |= punct
    starts = np.flatnonzero(first)
    ends = np.flatnonzero(last)
    lengths = ends - starts + 1
    is_word = ~punct[starts]
    # Shouting, checked on a word's first two letters and its last: all the
    # letters would cost a pass over every byte, for the rare "HeLLO".
    is_caps = (
        is_word
        & (lengths >= 2)
        & _UPPER[buffer[starts]]
        & _UPPER[buffer[np.minimum(starts + 1, len(buffer) - 1)]]
        & _UPPER[buffer[ends]]
    )
    hashes = _polynomial_hashes(np.take(_VALUE, buffer), starts, ends)
    return Tokens(hashes, starts, lengths, is_word, is_caps)


def _polynomial_hashes(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """sum(values[j] * BASE**(end - j) for j in start..end) mod 2**32, for every token at once.

    With G[k] = sum(values[j] * BASE**-j for j < k), a token's hash is
    BASE**end * (G[end + 1] - G[start]); BASE is odd, so its inverse exists
    modulo 2**32. 32 bits halve the memory traffic; collisions between words
    are negligible next to those of the 2**18 feature columns.
    """
    forward, backward = _powers(len(values))
    prefix = np.zeros(len(values) + 1, dtype=np.uint32)
    np.cumsum(values * backward[: len(values)], dtype=np.uint32, out=prefix[1:])
    return ((prefix[ends + 1] - prefix[starts]) * forward[ends]).astype(np.uint64)


def word_hash(word: str) -> int:
    """The hash ``tokenize`` gives ``word`` (one word, any case)."""
    tokens = tokenize(np.frombuffer(word.encode("utf-8"), dtype=np.uint8))
    if len(tokens.hashes) != 1:
        raise ValueError(f"{word!r} is not a single token")
    return int(tokens.hashes[0])
