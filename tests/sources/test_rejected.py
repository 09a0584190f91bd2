"""A rejected record's raw text is storable and bounded."""

from __future__ import annotations

from pathlib import Path

from tests.sources.csv_files import csv_text, line_of, real_rows, replay, row, write

from earnest.sources.base import RAW_LIMIT, Rejected


def test_raw_text_is_cut_to_64_kib_with_a_note_of_its_size() -> None:
    note = " … [truncated, 5,242,880 bytes in all]"
    assert Rejected("r", "x" * 5 * 2**20).raw == "x" * (RAW_LIMIT - len(note.encode())) + note


def test_raw_text_is_cut_on_a_character_boundary() -> None:
    raw = Rejected("r", "é" * 3_000_000).raw
    kept, note = raw.split(" … ")
    assert set(kept) == {"é"}
    assert note == "[truncated, 6,000,000 bytes in all]"
    assert len(raw.encode()) <= RAW_LIMIT


def test_short_raw_text_is_kept_whole_with_undecodable_bytes_escaped() -> None:
    assert Rejected("r", "café").raw == "café"
    assert Rejected("r", "caf\udce9 \udcff").raw == "caf\\xe9 \\xff"
    assert Rejected("r", "é" * (RAW_LIMIT // 2)).raw == "é" * (RAW_LIMIT // 2)


def test_a_megabytes_long_row_is_one_bounded_rejection(dataset: Path, tmp_path) -> None:
    rows = real_rows(dataset, "funny", 6)
    big = csv_text(row(id="big", selftext="s" * 5 * 2**20))
    pieces = [rows.header, *rows.texts[:3], big, *rows.texts[3:]]
    write(tmp_path, "funny.csv", pieces)
    posts, rejected = replay(tmp_path)
    assert [p.id for p in posts] == rows.ids
    assert [r.reason for r in rejected] == [
        f"funny.csv line {line_of(pieces, 4)}: selftext has 5,242,880 characters; "
        "at most 100,000 are kept"]
    assert rejected[0].raw.startswith("1356613589.0,10,,big,A fine title,")
    size = len(big.removesuffix("\r\n"))
    assert rejected[0].raw.endswith(f"s … [truncated, {size:,} bytes in all]")
    assert len(rejected[0].raw.encode()) <= RAW_LIMIT
