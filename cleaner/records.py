"""The corpus layer that the local batch, Dask and datatrove share: one record (a dict
from a JSONL line, a Dask bag, a datatrove document) in, the same record out with cleaned
text and metadata; JSONL lines read and written with every other field as it came; the
reason a record failed; a run's Summary. All three call this, so their outputs are equal
by construction."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from .decode import BinaryInput
from .document import META_KEYS
from .engine import RuleTimeout
from .errors import CleanerError
from .pipeline import Cleaner


class RecordError(CleanerError, ValueError):
    """The record cannot be cleaned; the message is the reason written to errors.jsonl."""


@dataclass(frozen=True)
class Fields:
    text: str = "text"          # field holding plain text
    html: str = "html"          # field holding HTML (used when text is absent)
    url: str = "url"
    output: str | None = None   # where the cleaned text goes (default: replaces `text`)
    meta: str = "cleaner"       # key under which the metadata is added


def page_meta(result) -> dict:
    """The metadata written beside the cleaned text. Built item by item: it is a batch's
    largest cost per page after cleaning and JSON (half what comprehensions took)."""
    removals = result.removals
    removed = sum([len(r.line) for r in removals])
    if result.cuts:
        gone = {r.number for r in removals}    # a line a cut emptied counts once
        removed += sum(len(c.line) for c in result.cuts if c.number not in gone)
    out = {"outlet": result.outlet, "fallback": result.fallback, "title": result.title}
    get = result.metadata.get
    for k in META_KEYS:
        out[k] = get(k)
    out["removed_lines"] = len(removals)
    out["removed_chars"] = removed
    if result.warnings:      # e.g. bytes replaced, HTML text the parser dropped
        out["warnings"] = result.warnings
    return out


def clean_record(cleaner: Cleaner, record: object, fields: Fields = Fields()) -> dict:
    if not isinstance(record, dict):
        raise RecordError(f"record is a JSON {type(record).__name__}, not an object")
    url = record.get(fields.url)
    if url is not None and not isinstance(url, str):
        raise RecordError(f"field {fields.url!r} is not a string")
    if isinstance(record.get(fields.text), str):
        source, html = record[fields.text], False
    elif isinstance(record.get(fields.html), str):
        source, html = record[fields.html], True
    elif fields.text in record or fields.html in record:
        raise RecordError(f"field {fields.text!r} / {fields.html!r} is not a string")
    else:
        raise RecordError(f"record has no {fields.text!r} or {fields.html!r} field")
    try:
        result = cleaner.clean(source, url=url, html=True if html else None)
    except (BinaryInput, RuleTimeout) as e:
        raise RecordError(str(e)) from None
    out = dict(record)
    out[fields.output or fields.text] = result.text
    out[fields.meta] = page_meta(result)
    return out


def reason(e: BaseException) -> str:
    """Why a record or page failed, as errors.jsonl and the summary list it."""
    return str(e) or type(e).__name__


# ---- JSONL lines ---------------------------------------------------------------------

class Literal:
    """A JSON number that would not be written back as it was read (1e400 would become
    Infinity, 1E2 100.0, -0 0): kept as its text, so a record's other fields come out
    as they went in."""
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"Literal({self.text!r})"


def _float(text: str):
    value = float(text)
    return value if repr(value) == text else Literal(text)


def _int(text: str):
    if text == "-0":
        return Literal(text)
    try:
        return int(text)
    except ValueError:           # more digits than Python converts
        return Literal(text)


_NUMBERS = {"parse_float": _float, "parse_int": _int}
# One decoder and encoder for every record: `json.dumps(..., ensure_ascii=False)` builds
# an encoder per call. Circular references cannot come out of a JSON line.
_decode = json.JSONDecoder(**_NUMBERS).decode
_dump = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
_dump_ascii = json.JSONEncoder(check_circular=False).encode


def load_line(raw: bytes):
    """json.loads(raw), minus its encoding sniffing for the usual line: UTF-8 that
    decodes as JSON. Anything else (a BOM, UTF-16/32, encoded surrogates, bad JSON)
    goes through json.loads itself, so values and error messages are its own. Numbers
    that would not be written back as read come as Literal."""
    try:
        return _decode(raw.decode())
    except ValueError:
        return json.loads(raw, **_NUMBERS)


def dump_line(record: dict) -> bytes:
    """`json.dumps(record, ensure_ascii=False)` as a UTF-8 line, Literals as written."""
    try:
        return (_encode(record, _dump) + "\n").encode("utf-8")
    except UnicodeEncodeError:   # lone surrogates (from \ud800 escapes):
        return (_encode(record, _dump_ascii) + "\n").encode("ascii")   # ASCII escapes keep them


def _encode(record: dict, dump) -> str:
    try:
        return dump(record)
    except TypeError:            # a Literal in it: the rare record built piece by piece
        return _with_literals(record, dump)


def _with_literals(value, dump) -> str:
    """dump(value) with json.dumps's separators, each Literal as its text."""
    if isinstance(value, Literal):
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{dump(k)}: {_with_literals(v, dump)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_with_literals(v, dump) for v in value) + "]"
    return dump(value)


def error_line(entry: dict) -> bytes:
    """A line of errors.jsonl."""
    return json.dumps(entry, ensure_ascii=False).encode() + b"\n"


def dump_page(page: dict) -> bytes:
    """A page's JSON (folder mode's --format json) as UTF-8, lone surrogates kept."""
    return (_dump(page) + "\n").encode("utf-8", "surrogatepass")


def read_lines(src, limit: int):
    """(line, bytes read) for each line of a binary stream. A line over `limit` bytes is
    read through without being kept: its reason comes in its place, as a str."""
    while rec := src.readline(limit + 1):
        if len(rec) <= limit:
            yield rec, len(rec)
            continue
        n = len(rec)
        while not rec.endswith(b"\n") and (rec := src.readline(1 << 20)):
            n += len(rec)
        yield (f"record is over the {limit / 2**20:g} MB limit (--max-record-mb raises "
               "it)"), n


def clean_lines(cleaner: Cleaner, lines: list[bytes | str], first: int,
                fields: Fields) -> tuple[bytes, list, dict]:
    """Clean a run of JSONL lines numbered from `first`: the output lines, the errors,
    the counters (new_stats). A str in place of a line is the reason it was not read
    (read_lines); blank lines are skipped."""
    text_key = fields.output or fields.text
    out, errors, stats = [], [], new_stats()
    for n, raw in enumerate(lines, first):
        if isinstance(raw, str):
            errors.append({"line": n, "error": raw})
            continue
        stats["bytes_in"] += len(raw)
        if not raw.strip():
            continue
        try:
            try:
                record = load_line(raw)
            except ValueError as e:        # includes invalid UTF-8
                raise ValueError(f"malformed JSON line: {e}") from None
            cleaned = clean_record(cleaner, record, fields)
            out.append(dump_line(cleaned))
        except Exception as e:             # one bad record never stops the batch
            errors.append({"line": n, "error": reason(e)})
            continue
        count_page(stats, cleaned[fields.meta], len(cleaned[text_key]))
    return b"".join(out), errors, stats


# ---- what a run did ------------------------------------------------------------------

FAILURES_SHOWN = 20                # failures a Summary keeps to show; errors.jsonl has all


def new_stats() -> dict:
    """The counters of a run of pages, as workers return them and Summary.add takes."""
    return {"pages": 0, "fallback": 0, "warned": 0, "chars_in": 0, "chars_removed": 0,
            "bytes_in": 0, "outlets": Counter()}


def count_page(stats: dict, meta: dict, chars_out: int) -> None:
    stats["pages"] += 1
    stats["fallback"] += bool(meta["fallback"])
    stats["warned"] += "warnings" in meta
    stats["chars_in"] += chars_out + meta["removed_chars"]
    stats["chars_removed"] += meta["removed_chars"]
    stats["outlets"][meta["outlet"] or "unknown"] += 1


@dataclass
class Summary:
    """What a run did (folder, JSONL or shards): it owns the failure count and keeps the
    first FAILURES_SHOWN failures to show."""
    mode: str = ""
    pages: int = 0                      # cleaned now
    skipped: int = 0                    # up to date, not redone
    failed: int = 0
    outlets: dict = field(default_factory=dict)    # outlet id (or "unknown") -> pages
    fallback: int = 0
    warned: int = 0                     # pages cleaned with a warning (their meta says which)
    chars_in: int = 0
    chars_removed: int = 0
    bytes_in: int = 0
    wall_seconds: float = 0.0
    errors_file: str | None = None
    failures: list = field(default_factory=list)   # the first few, for the summary
    earlier_failed: int = 0             # of `failed`: left by earlier runs, not redone now
    resumed_at_line: int | None = None  # JSONL: this run went on from this input line
    earlier_pages: int = 0              # of `pages`: cleaned by the runs it went on from

    def add(self, part: dict) -> None:
        """Add the counters of a run of pages (new_stats, or another Summary's dict)."""
        self.pages += part["pages"]
        self.fallback += part["fallback"]
        self.warned += part.get("warned", 0)
        self.chars_in += part["chars_in"]
        self.chars_removed += part["chars_removed"]
        self.bytes_in += part["bytes_in"]
        for k, v in part["outlets"].items():
            self.outlets[k] = self.outlets.get(k, 0) + v

    def add_failures(self, failures: list) -> None:
        self.failed += len(failures)
        room = FAILURES_SHOWN - len(self.failures)
        if room > 0:
            self.failures = self.failures + failures[:room]

    def to_dict(self) -> dict:
        return asdict(self)
