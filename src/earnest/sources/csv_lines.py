"""CSV rows, each with the physical lines it was parsed from, resynchronised after a stray quote.

A stray quote (a field opened with ``"`` and not closed on its line) makes the csv
module read on across line ends until some later quote closes the field, so one
parsed "row" swallows the real rows after it. Such a row spans several lines and
either has the wrong number of fields or has a line that starts as rows do; only its
first line is given up as unparseable, and the lines after it are parsed again as
rows. Legitimate multi-line fields (selftext and titles with line breaks) parse as
the csv module parses them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from itertools import chain
from typing import TextIO

# Far above any real field (the largest in the dataset is 40,000 characters), so an
# over-long field is read whole and refused by the data contract with its reason. The
# csv module takes a C long, 32 bits on Windows: this value fits on every platform.
FIELD_SIZE_LIMIT = 256 * 1024 * 1024
BATCH_CHARS = 64 * 1024  # lines are read about this much at a time

ROW_START = re.compile(r"\d{9,10}\.\d+,-?\d+,")
"""How a row of the dataset begins: ``created_utc`` then ``score`` (its first columns), as
``1361498798.0,4757,``. No line inside a multi-line field of the real dataset does."""

UNBALANCED_QUOTE = (
    "unbalanced quote: a field opened with '\"' ran on over {count} lines into what "
    "look like further rows; this line is rejected alone and the lines after it are "
    "read again as rows"
)

Row = tuple[int, list[str], list[str] | None, str]
"""A row: its first physical line (1-based), the physical lines it was parsed from, and
its fields, or ``None`` and why it could not be parsed."""


def swallowed_rows(values: list[str], lines: list[str], width: int) -> bool:
    """Whether a row parsed from several lines is a stray quote that ran on into other rows."""
    return len(values) != width or any(map(ROW_START.match, lines[1:]))


def read_rows(fh: TextIO) -> Iterator[Row]:
    """Every row of a CSV file (opened with ``newline=""``), in order, blank lines left out.

    The first row is the header; its width is the number of fields other rows should have.
    """
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    # The csv module reads lines straight from these batches (no Python code runs per
    # line); a row's lines are found again by counting: reader.line_num.
    kept: list[str] = []  # the lines read so far, from line number `base` (0-based) on
    base = start = 0  # start: the first line of the row being parsed

    def batches() -> Iterator[list[str]]:
        nonlocal base
        while batch := fh.readlines(BATCH_CHARS):
            del kept[: start - base]
            base = start
            kept.extend(batch)
            yield batch

    more = batches()
    width: int | None = None
    offset = 0  # the line number the current reader began at
    reader = csv.reader(chain.from_iterable(more))
    while True:
        try:
            for values in reader:
                end = offset + reader.line_num
                lines = kept[start - base : end - base]
                if width is None:
                    width = len(values) or None  # the header: the first row not blank
                elif len(lines) > 1 and swallowed_rows(values, lines, width):
                    yield start + 1, lines[:1], None, UNBALANCED_QUOTE.format(count=len(lines))
                    start = offset = start + 1
                    # The csv module keeps no state between rows, so a new reader can start
                    # on the lines after the rejected one, then read on from the file.
                    reader = csv.reader(chain(kept[start - base :], chain.from_iterable(more)))
                    break
                if values:
                    yield start + 1, lines, values, ""
                start = end
            else:
                return
        except csv.Error as exc:
            # The reader drops the rest of the failing line and goes on at the next one.
            end = offset + reader.line_num
            yield start + 1, kept[start - base : end - base], None, f"not readable as CSV: {exc}"
            start = end
