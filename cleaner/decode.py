"""bytes -> str: byte-order marks, charset detection, binary refusal, line endings."""
from __future__ import annotations

import codecs
import os
import re
import threading

from .errors import CleanerError

BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
SNIFF = 8192
# control bytes that never occur in text (tab, newlines, form feed and ESC excluded)
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13, 27})
_ASCII = bytes(range(128))
SHOWN_OFFSETS = 3      # a warning names where the first few bad bytes are


def _cp1252_letter(byte: int) -> str:
    try:
        c = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:      # 0x81, 0x8d, 0x8f, 0x90, 0x9d: unassigned
        return "\ufffd"
    return c if c.isalpha() else "\ufffd"


# a stray byte in UTF-8 is most often a cp1252 letter (an "é" saved by another program);
# anything else is not guessed at
_STRAY = [_cp1252_letter(b) if b >= 0x80 else "\ufffd" for b in range(256)]
_bad = threading.local()


class Bad:
    """The undecodable bytes of a page: how many, and where the first few are."""

    def __init__(self):
        self.count = 0
        self.first: list[int] = []      # byte offsets of the first SHOWN_OFFSETS runs
        self.more = False

    def note(self, start: int, end: int) -> None:
        self.count += end - start
        if len(self.first) < SHOWN_OFFSETS:
            self.first.append(start)
        else:
            self.more = True

    def where(self) -> str:
        return ", ".join(map(str, self.first)) + (", ..." if self.more else "")


def _per_byte(e: UnicodeDecodeError) -> tuple[str, int]:
    """codecs error handler: each undecodable byte on its own (not one U+FFFD for a
    run), noted for the warning."""
    _bad.found.note(e.start, e.end)
    return "".join(_STRAY[b] for b in e.object[e.start:e.end]), e.end


codecs.register_error("cleaner-per-byte", _per_byte)


class BinaryInput(CleanerError, ValueError):
    """The bytes are not text (NUL bytes or a high share of control bytes)."""


def decode(data: bytes) -> tuple[str, list[str]]:
    """Return the text and warnings. Raises BinaryInput for data that is not text.

    Valid UTF-8 stays as it is; a page that is UTF-8 apart from some bytes keeps every
    valid character and only those bytes are replaced; a page in another encoding
    (most of its non-ASCII bytes not UTF-8) is decoded as that encoding."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            return normalise_newlines(data.decode(enc, errors="replace")), []
    head = data[:SNIFF]
    if b"\x00" in head or (head and sum(head.count(c) for c in _CONTROL) / len(head) > 0.05):
        raise BinaryInput("looks like a binary file, not text")
    try:
        return normalise_newlines(data.decode("utf-8")), []
    except UnicodeDecodeError as e:
        first = e.start
    high = len(data.translate(None, _ASCII))
    # Each undecodable run is at least one byte: a page with more runs than other
    # non-ASCII bytes is in another encoding, found without a Python call per bad byte
    # (a 30 MB cp1251 page has 15 M of them).
    runs = data.decode("utf-8", "replace").count("\ufffd") - data.count("\ufffd".encode())
    if runs <= high - runs:
        text, bad = decode_per_byte(data)
        if high - bad.count >= bad.count:      # as many UTF-8 bytes as bad ones, at least
            return normalise_newlines(text), [
                f"input is not valid UTF-8: {_count(bad.count, 'byte')} replaced (at byte "
                f"{bad.where()}); the rest decoded as UTF-8"]
        del text    # a big page need not be held twice while it is decoded again
    enc = _detect(data)
    try:
        other = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        other = None
    # with no UTF-8 text to go by, an encoding that would eat ASCII is not taken
    if other is not None and (high > runs or _keeps_ascii(data, other)):
        text, note = other, f"decoded as {enc}"
    else:
        text, note = decode_per_byte(data)[0], "undecodable bytes replaced"
    return normalise_newlines(text), [f"input is not valid UTF-8 (byte {first}); {note}"]


def decode_per_byte(data: bytes) -> tuple[str, Bad]:
    """UTF-8 with each invalid byte replaced by its cp1252 letter or U+FFFD, and what
    was replaced."""
    _bad.found = found = Bad()
    try:
        return data.decode("utf-8", "cleaner-per-byte"), found
    finally:
        del _bad.found


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes   # only undecodable input pays for it
    best = from_bytes(data[:1_000_000]).best()
    enc = best.encoding if best is not None else "utf-8"
    if enc != "cp1252" and best is not None and _mostly_latin(str(best)) and _decodes(data, "cp1252"):
        # the detector cannot tell Western single-byte pages apart; on the web, Latin-script
        # text in a single-byte encoding is overwhelmingly windows-1252
        enc = "cp1252"
    return enc


def _keeps_ascii(data: bytes, text: str) -> bool:
    """Whether decoding kept every ASCII byte as itself (a multi-byte encoding can take
    an ASCII byte as the second half of a character)."""
    return data.translate(None, bytes(range(128, 256))) == text.encode("ascii", "ignore")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


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


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """A message fit for a terminal: file names in it may hold ESC, newlines and other
    control characters, which are shown as escapes (\\x1b, \\n) instead of being obeyed,
    and bytes that are not UTF-8 (held as lone surrogates), which are shown as \\xNN."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(m: re.Match) -> str:
    c = m.group()
    if "\udc80" <= c <= "\udcff":
        return f"\\x{ord(c) - 0xdc00:02x}"
    return c.encode("unicode_escape").decode("ascii")
