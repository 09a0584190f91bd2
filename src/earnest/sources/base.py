"""What a source produces: posts, or rejected records with the reason."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

from earnest.records import Post

RAW_LIMIT = 64 * 1024
"""Bytes (UTF-8) of a rejected record's raw text that are kept, truncation note included."""


def storable_raw(raw: str) -> str:
    """``raw`` as text any backend can store: bytes that are not UTF-8 (read with
    ``surrogateescape``) shown as ``\\xNN`` escapes, and at most ``RAW_LIMIT`` bytes, cut
    on a character boundary and ending with a note of the full size."""
    try:
        original = raw.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no undecodable byte produced
        original = raw.encode("utf-8", "surrogatepass")
    text = original.decode("utf-8", "backslashreplace")
    if len(text) <= RAW_LIMIT // 4:  # short enough whatever its characters
        return text
    encoded = text.encode("utf-8")
    if len(encoded) <= RAW_LIMIT:
        return text
    # The note fits inside the limit, so that bounding the dead letter again keeps it.
    note = f" … [truncated, {len(original):,} bytes in all]"
    return encoded[: RAW_LIMIT - len(note.encode())].decode("utf-8", "ignore") + note


@dataclass(frozen=True)
class Rejected:
    """A record the source could not turn into a post; it goes to the dead letters.

    ``raw`` is stored as :func:`storable_raw` makes it: bounded, and valid UTF-8.
    """

    reason: str
    raw: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "raw", storable_raw(self.raw))


class Source(ABC):
    """A finite or endless sequence of records in a deterministic order.

    ``checkpoint_name`` identifies the sequence; the ingest stage saves how many
    records it has published under that name and resumes from there.
    """

    checkpoint_name: str
    stage = "ingest"

    @abstractmethod
    def records(self, start: int) -> Iterator[Post | Rejected]:
        """Records from position ``start`` (0-based) on."""

    def restore(self, state: dict) -> None:  # noqa: B027 - optional hook
        """Take back the extra state saved with a checkpoint, before ``records`` is called."""

    def checkpoint_state(self) -> dict:
        """Extra state to save with the position (e.g. a replay's time anchor)."""
        return {}
