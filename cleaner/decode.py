"""bytes -> str: byte-order marks, charset detection, binary refusal, line endings."""
from __future__ import annotations

import codecs
import os

BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
SNIFF = 8192
# control bytes that never occur in text (tab, newlines, form feed and ESC excluded)
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13, 27})


class BinaryInput(ValueError):
    """The bytes are not text (NUL bytes or a high share of control bytes)."""


def decode(data: bytes) -> tuple[str, list[str]]:
    """Return the text and warnings. Raises BinaryInput for data that is not text."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            return normalise_newlines(data.decode(enc, errors="replace")), []
    head = data[:SNIFF]
    if b"\x00" in head or (head and sum(head.count(c) for c in _CONTROL) / len(head) > 0.05):
        raise BinaryInput("looks like a binary file, not text")
    try:
        return normalise_newlines(data.decode("utf-8")), []
    except UnicodeDecodeError as e:
        bad = e.start
    from charset_normalizer import from_bytes   # only undecodable input pays for it
    best = from_bytes(data[:1_000_000]).best()
    enc = best.encoding if best is not None else "utf-8"
    if enc != "cp1252" and best is not None and _mostly_latin(str(best)) and _decodes(data, "cp1252"):
        # the detector cannot tell Western single-byte pages apart; on the web, Latin-script
        # text in a single-byte encoding is overwhelmingly windows-1252
        enc = "cp1252"
    try:
        text = data.decode(enc)
        note = f"input is not valid UTF-8 (byte {bad}); decoded as {enc}"
    except (UnicodeDecodeError, LookupError):
        text = data.decode("utf-8", errors="replace")
        note = f"input is not valid UTF-8 (byte {bad}); undecodable bytes replaced"
    return normalise_newlines(text), [note]


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF: output always uses LF line endings."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _mostly_latin(text: str) -> bool:
    import regex
    letters = regex.findall(r"\p{L}", text[:20000])
    return bool(letters) and sum(bool(regex.match(r"\p{Script=Latin}", c)) for c in letters) / len(letters) > 0.9


def _decodes(data: bytes, enc: str) -> bool:
    try:
        data.decode(enc)
        return True
    except UnicodeDecodeError:
        return False


def shown_name(name: str) -> str:
    """A file name fit to print or put in JSON: bytes that are not UTF-8 (which Python
    holds as lone surrogates) appear as \\xNN instead of breaking the output."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")
