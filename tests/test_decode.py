import pytest

from cleaner.decode import BinaryInput, decode


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
