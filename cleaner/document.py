"""The page as a list of lines, each kept or removed with the reason why.

Every stage after decoding reads and marks this one object; `render` turns it
into the output text following docs/POLICY.md (blank-line rules, one final newline).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

META_KEYS = ("author", "agency", "published", "tags")


@dataclass(slots=True, init=False)
class Line:
    # trailing whitespace trimmed (by Document, and by cuts, which never leave a blank
    # line kept), so a blank line is exactly an empty one; fragments cut out
    text: str
    removed_by: str | None   # rule id, or "fallback: <reason>"
    cut_by: tuple[str, ...]  # ids of the cut rules that took fragments out

    def __init__(self, text: str, removed_by: str | None = None, cut_by: tuple[str, ...] = ()):
        # written out: one is made per input line, and this is faster than a field factory
        self.text = text
        self.removed_by = removed_by
        self.cut_by = cut_by

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def kept(self) -> bool:
        return bool(self.text) and self.removed_by is None


class Removal(NamedTuple):
    """One removed line (or cut fragment). Immutable; a named tuple, not a frozen
    dataclass, because one is made per removed line and this builds twice as fast."""
    line: str
    rule: str                 # rule id, or "fallback"
    number: int               # 1-based line number in the decoded input
    reason: str = ""          # the fallback's reason (rules: their id says it all)


@dataclass
class Result:
    """What `clean` returns: the text plus everything needed to explain it."""
    text: str
    outlet: str | None
    title: str | None
    metadata: dict[str, object]
    removals: list[Removal]
    cuts: list[Removal]
    fallback: bool = False
    detected_by: str | None = None   # "forced", "url", "evidence" or None (unknown)
    lang: str | None = None          # stoplist the fallback used, if it ran
    warnings: list[str] = field(default_factory=list)
    document: "Document | None" = field(default=None, repr=False, compare=False)
    # cues of outlets found in the text (detect.Evidence), whichever outlet was chosen
    evidence: list = field(default_factory=list)

    @property
    def how_chosen(self) -> str:
        """How the outlet was found, in words (--explain, reports)."""
        return {"forced": "forced (--outlet)", "url": "chosen by its URL",
                "evidence": "chosen by evidence"}.get(self.detected_by, "unknown")

    @property
    def author(self):
        return self.metadata.get("author")

    @property
    def agency(self):
        return self.metadata.get("agency")

    @property
    def published(self):
        return self.metadata.get("published")

    @property
    def tags(self):
        return self.metadata.get("tags")

    def cuts_by_line(self) -> dict[int, list[Removal]]:
        """The cut fragments grouped by their 1-based input line (--explain, reports)."""
        out: dict[int, list[Removal]] = {}
        for c in self.cuts:
            out.setdefault(c.number, []).append(c)
        return out

    def metadata_text(self) -> str:
        """The metadata found, as `key=value; ...`, lists joined with commas."""
        return "; ".join(f"{k}={', '.join(v) if isinstance(v, list) else v}"
                         for k, v in self.metadata.items() if v)

    def to_dict(self) -> dict:
        out = {"text": self.text, "outlet": self.outlet, "title": self.title}
        out.update({k: self.metadata.get(k) for k in META_KEYS})
        extra = {k: v for k, v in self.metadata.items() if k not in META_KEYS}
        if extra:
            out["metadata"] = extra
        out["fallback"] = self.fallback
        out["detected_by"] = self.detected_by
        out["evidence"] = [e._asdict() for e in self.evidence]
        out["removals"] = [{"line": r.line, "rule": r.rule, "number": r.number,
                            **({"reason": r.reason} if r.reason else {})}
                           for r in self.removals]
        out["cuts"] = [{"fragment": r.line, "rule": r.rule, "number": r.number}
                       for r in self.cuts]
        if self.warnings:
            out["warnings"] = self.warnings
        return out


class Document:
    """Lines of one page plus metadata gathered by `meta` rules."""

    def __init__(self, text: str):
        # Line endings are normalised by decode; splitting on "\n" alone keeps
        # other Unicode line separators inside their line, so no line is split
        # in a way the output could not reproduce.
        self.lines = list(map(Line, map(str.rstrip, text.split("\n"))))
        self.metadata: dict[str, object] = {}
        self.cuts: list[Removal] = []
        self.removed = 0         # lines removed so far: a round that changes nothing is seen
        self.scan_cache = None   # engine.page_scan's (lines, folded buffer) of this text
        # (first, last, kept lines) of each span a caption or block decision read and
        # declined on: a later rule removing a line there may change that decision
        self.windows: list[tuple[int, int, int]] = []

    def kept_between(self, first: int, last: int) -> int:
        return sum(ln.kept for ln in self.lines[first:last + 1])

    def windows_changed(self) -> bool:
        """Whether a line was removed, since, in a span a decision declined on."""
        return any(self.kept_between(a, b) < n for a, b, n in self.windows)

    def remove(self, index: int, reason: str) -> None:
        line = self.lines[index]
        if line.removed_by is None and line.text:
            line.removed_by = reason
            self.removed += 1

    def kept_indices(self) -> list[int]:
        return [i for i, ln in enumerate(self.lines) if ln.text and ln.removed_by is None]

    def add_meta(self, key: str, value: str) -> None:
        value = value.strip()
        if not value:
            return
        if key == "tags":
            tags = self.metadata.setdefault("tags", [])
            tags.extend(t for t in (s.strip() for s in _split_tags(value)) if t and t not in tags)
        else:
            self.metadata.setdefault(key, value)

    def removals(self) -> list[Removal]:
        out = []
        for i, ln in enumerate(self.lines):
            if ln.removed_by:
                rule, _, reason = ln.removed_by.partition(": ")
                out.append(Removal(ln.text.strip(), rule, i + 1, reason))
        return out

    def render(self) -> str:
        """Kept lines in order; one blank line wherever the input had a blank or a
        removed line between two kept lines; no leading/trailing blanks."""
        out: list[str] = []
        gap = False
        for ln in self.lines:     # the per-page floor: attributes only, no calls
            text = ln.text
            if not text or ln.removed_by:
                gap = bool(out)
                continue
            if gap:
                out.append("")
                gap = False
            out.append(text)
        return "\n".join(out) + "\n" if out else ""


def _split_tags(value: str) -> list[str]:
    for sep in (",", ";", "|", "•"):
        if sep in value:
            return value.split(sep)
    return [value]
