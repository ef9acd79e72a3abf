"""The batch reads and writes JSONL lines by faster routes than json.loads/json.dumps
(load_line, dump_line: one reused decoder and encoder, no encoding sniffing);
what they produce must be exactly what those give, for every input, except that a
number which would not be written back as read (1e400, 1E2, -0) is kept as written."""
import json
import math

from hypothesis import given, strategies as st

from cleaner.records import Literal, dump_line, load_line

# every code point, lone surrogates (which \ud800 escapes put in a JSON string) included
any_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                                 blacklist_categories=())
                   | st.sampled_from("\ud800\udfff\ud83d\x00\x1f\x7f\u2028\ufeff\"\\é😀"))
scalars = (st.none() | st.booleans() | st.integers() | st.integers(-2**70, 2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | any_text)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(any_text, inner, max_size=4), max_leaves=12)
records = st.dictionaries(any_text, values, max_size=6)


def reference_line(record: dict) -> bytes:
    """What the batch wrote before it had a faster route: UTF-8, and ASCII escapes when
    a lone surrogate cannot be UTF-8."""
    try:
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record) + "\n").encode("ascii")


@given(records)
def test_line_is_json_dumps(record):
    assert dump_line(record) == reference_line(record)


def test_line_of_a_cleaned_record_with_lone_surrogates():
    record = {"text": "body \ud800 tail\n", "id": "\udc80", "cleaner": {"title": "\ud83d"},
              "n": [1.5, math.inf, 10**30, None, True], "\u00e9": "\U0001F600"}
    assert dump_line(record) == reference_line(record)
    assert dump_line({"text": "é😀\u2028\x7f\x00\n\"\\"}) == reference_line(
        {"text": "é😀\u2028\x7f\x00\n\"\\"})


def plain(value):
    """The value json.loads gives where the batch kept a number's text."""
    if isinstance(value, Literal):
        return json.loads(value.text)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def outcome(fn, raw: bytes):
    """(value as its repr, so NaN equals NaN and key order counts) or the error."""
    try:
        return "ok", repr(plain(fn(raw)))
    except Exception as e:             # the message goes into errors.jsonl
        return type(e).__name__, str(e)


def encodings(record):
    text = json.dumps(record)
    return st.sampled_from([text.encode(), json.dumps(record, ensure_ascii=False).encode(
        "utf-8", "surrogatepass"), b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16-le"),
        text.encode("utf-32-be"), text.encode()[:-1], b" " + text.encode() + b"\r\n"])


@given(records.flatmap(encodings))
def test_load_is_json_loads(raw):
    assert outcome(load_line, raw) == outcome(json.loads, raw)


@given(st.binary(max_size=40) | st.text(max_size=40).map(str.encode))
def test_load_of_any_bytes_is_json_loads(raw):
    assert outcome(load_line, raw) == outcome(json.loads, raw)


@given(records.map(lambda r: json.dumps(r).encode()),
       st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(
           [b"", b'"', b"\\", b",", b"}", b"{", b"]", b":", b" ", b"\t", b"\x0c", b"\x00",
            b"\x1f", b"\xff", b"\xc3", b"\xed\xa0\x80", b"0", b"9" * 20, b"-", b".", b"e", b"E",
            b"\\u", b"\\ud800", b"NaN", b"1e400", b"\xef\xbb\xbf", b"\xc2\xa0"])),
           max_size=3), st.booleans())
def test_load_of_damaged_lines_is_json_loads(raw, edits, insert):
    for at, piece in edits:
        at %= len(raw) + 1
        raw = raw[:at] + piece + raw[at + (0 if insert else 1):]
    assert outcome(load_line, raw) == outcome(json.loads, raw)


def test_load_edge_cases_are_json_loads():
    for raw in [b'{"a": 18446744073709551616}', b'{"a": -9223372036854775809}',
                b'{"a": 18446744073709551615, "b": -9223372036854775808, "c": -0}',
                b'{"a": 1, "b": 2, "a": 3}', b'{"a": 1.5}', b'{"a": [1]}', b'{"a": {}}',
                b'{"a": NaN}', b'{"a": "\\ud800"}', b'{"a": "\\ud83d\\ude00\\u00e9\\/"}',
                b'\xef\xbb\xbf{"a": 1}', b'{"a": 1}\r\n', b'\x0c{"a": 1}', b'{"a": 1}\xc2\xa0',
                b'{"a":\t1 }', b'{"a": "\x7f\xe2\x80\xa8"}', b'{"a": "\x1f"}', b'[]', b'7']:
        assert outcome(load_line, raw) == outcome(json.loads, raw), raw


def test_numbers_come_out_as_they_went_in():
    raw = (b'{"a": 1e400, "b": 1E2, "c": -0, "d": [1.50, {"x": -1e-400}, {}, []], '
           b'"e": 0.1, "f": 100000000000000000000000000001, "g": NaN, "h": -Infinity, '
           b'"i": ' + b"9" * 5000 + b', "text": "x\\ud800"}')
    assert dump_line(load_line(raw)) == raw + b"\n"
    assert dump_line(load_line(raw.replace(b"\\ud800", b""))) \
        == raw.replace(b"\\ud800", b"") + b"\n"


number_literals = st.from_regex(r"-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,20})?([eE][-+]?[0-9]{1,4})?",
                                fullmatch=True)


@given(st.lists(st.tuples(any_text, number_literals), max_size=6))
def test_any_number_literal_is_kept(pairs):
    record = {"text": "body"} | {k: None for k, _ in pairs}
    raw = json.dumps(record, ensure_ascii=False)
    for k, literal in pairs:     # put each literal where its key's null is
        raw = raw.replace(json.dumps(k, ensure_ascii=False) + ": null",
                          json.dumps(k, ensure_ascii=False) + ": " + literal, 1)
    line = raw.encode("utf-8", "surrogatepass")
    got = dump_line(load_line(line))
    if not any(0xd800 <= ord(c) <= 0xdfff for c in raw):   # else ASCII escapes, as before
        assert got == line + b"\n"
    assert json.loads(got) == json.loads(raw)
