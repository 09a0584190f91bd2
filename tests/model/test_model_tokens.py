import numpy as np

from earnest.model.tokens import tokenize, word_hash


def tokens_of(text: str):
    return tokenize(np.frombuffer(text.encode("utf-8"), dtype=np.uint8))


def test_words_and_single_punctuation_are_tokens() -> None:
    text = "Why is it?! Café_au_lait..."
    tokens = tokens_of(text)
    raw = text.encode("utf-8")
    spans = zip(tokens.starts, tokens.lengths, strict=True)
    pieces = [raw[s : s + n].decode("utf-8") for s, n in spans]
    assert pieces == ["Why", "is", "it", "?", "!", "Café_au_lait", ".", ".", "."]
    assert tokens.is_word.tolist() == [True] * 3 + [False] * 2 + [True] + [False] * 3


def test_a_token_hashes_the_same_anywhere_and_in_any_case() -> None:
    tokens = tokens_of("serious SERIOUS x Serious, serious")
    words = tokens.hashes[tokens.is_word]
    assert len(set(words.tolist())) == 2  # "serious" four times, and "x"
    assert words[0] == word_hash("SeRiOuS")


def test_numbers_are_one_shape_whatever_their_digits() -> None:
    assert word_hash("1865") == word_hash("2013")
    assert word_hash("1865") != word_hash("186")


def test_shouting_is_all_capitals_of_two_letters_or_more() -> None:
    tokens = tokens_of("WHY would I DO this A OK")
    assert tokens.is_caps.tolist() == [True, False, False, True, False, False, True]
