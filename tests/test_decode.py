from pathlib import Path

import pytest
from hypothesis import example, given, strategies as st

from cleaner.decode import BinaryInput, decode, normalise_newlines


def test_utf8_plain():
    assert decode("héllo\n".encode()) == ("héllo\n", [])


@pytest.mark.parametrize("enc", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks(enc):
    text, warnings = decode("Привет\r\nмир".encode(enc))
    assert text == "Привет\nмир" and warnings == []


def test_latin1_is_decoded_with_a_warning():
    text, warnings = decode("Café au lait, naïve façade and déjà vu.\n".encode("latin-1") * 5)
    assert "Café" in text
    assert warnings and "not valid UTF-8" in warnings[0]


def test_binary_is_refused():
    with pytest.raises(BinaryInput):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_lone_cr_line_endings():
    assert decode(b"a\rb\r\nc")[0] == "a\nb\nc"


def test_empty():
    assert decode(b"") == ("", [])


SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize("seed, byte, reading", [
    ("002_bd2f4c37c13cce80.txt", b"\xff", "ÿ"),      # was decoded as mac_iceland
    ("004_c630794e0e8874ab.txt", b"\xe9", "é"),      # was decoded as cp1252: â€” for —
])
def test_one_bad_byte_keeps_the_utf8_page(seed, byte, reading):
    data = (SEEDS / seed).read_bytes()
    text, warnings = decode(data + byte)
    assert text == data.decode("utf-8") + reading
    assert warnings == [f"input is not valid UTF-8: 1 byte replaced (at byte {len(data)}); "
                        "the rest decoded as UTF-8"]


def test_bad_bytes_replaced_one_by_one_and_named():
    text, warnings = decode("“a” ".encode() + b"\x93\xe2\x80 \x81 b \xc3\xa9\xff \xe9")
    # a truncated sequence (\xe2\x80) is two bad bytes, each read on its own
    assert text == "“a” \ufffdâ\ufffd \ufffd b éÿ é"
    assert "6 bytes replaced (at byte 8, 9, 12, ...)" in warnings[0]


def test_cp1251_page_is_decoded_as_cp1251():
    page = "Агентство «ТАСС» сообщило: в Москве прошёл дождь — и снег.\n" * 20
    text, warnings = decode(page.encode("cp1251"))
    assert text == page and "decoded as cp1251" in warnings[0]


@pytest.mark.parametrize("enc", ["latin-1", "cp1252"])
def test_western_single_byte_page(enc):
    page = "Le café était fermé, dit-il, à cause de la grève générale.\n" * 5
    text, warnings = decode(page.encode(enc))
    assert text == page and "decoded as cp1252" in warnings[0]


def test_an_encoding_that_would_eat_ascii_is_not_taken():
    # the detector proposes cp932 here, where \x81 would swallow the "a" after it
    text, warnings = decode(b"aaaaaaaaaa\x81a")
    assert text == "aaaaaaaaaa\ufffda"


def _is_subsequence(small: str, big: str) -> bool:
    rest = iter(big)
    return all(c in rest for c in small)


# single bytes that can never start a valid character where they are put (at a
# character boundary, before ASCII, a lead byte or the end) nor finish one
_bad_bytes = st.integers(0x80, 0xFF)
_texts = st.text(st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from("\n\r\t"),
                 max_size=60)


@given(_texts, st.data())
@example("“Quote” — dash", None)
def test_valid_characters_survive_inserted_bad_bytes(text, data):
    raw = text.encode("utf-8")
    high = sum(b >= 0x80 for b in raw)
    spots = (data.draw(st.lists(st.integers(0, len(text)), unique=True, max_size=high or 5))
             if data else [0])
    chunks = [c.encode() for c in text]
    inserted = {}
    for i in sorted(spots, reverse=True):
        b = data.draw(_bad_bytes) if data else 0x93
        chunks.insert(i, bytes([b]))
        inserted[i] = b
    out, warnings = decode(b"".join(chunks))
    if not inserted:
        assert out == normalise_newlines(text) and not warnings
    elif high:      # a UTF-8 page with a few bad bytes: exactly those are replaced
        pieces = list(text)
        for i in sorted(inserted, reverse=True):
            pieces.insert(i, _reading(inserted[i]))
        assert out == normalise_newlines("".join(pieces))
    else:           # ASCII and stray bytes: a whole-page encoding, ASCII kept as it is
        assert _is_subsequence(normalise_newlines(text), out)


def _reading(byte: int) -> str:
    c = bytes([byte]).decode("cp1252", "replace")
    return c if c.isalpha() else "\ufffd"


@pytest.mark.parametrize("data", [
    ("word " * 600_000).encode()[:-1] + b"\xff",                   # ASCII, one bad byte
    ("Агентство «ТАСС» сообщило " * 120_000).encode("cp1251"),    # a bad byte in two
    ("слово " * 250_000).encode() + b"\xe9",                        # UTF-8, one bad byte
])
def test_decoding_a_big_page_holds_a_few_copies_at_most(data):
    # issue 14: a 30 MB line peaked at 300-600 MB. Decoding holds a few copies at most
    # (the bytes, the text, one transient), whatever the encoding, and no record per bad
    # byte (a cp1251 page has one in two)
    import tracemalloc
    tracemalloc.start()
    try:
        decode(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * len(data) + 12_000_000    # + the charset detector's, on 1 MB at most
