"""Which lines of a page each of many patterns may match: the one line scanner that
detection and the rule engine share.

A literal prefilter (prefilter.py: one Aho-Corasick pass over the page) names, per line,
the patterns whose literal atoms it holds; patterns without atoms are joined into regex
scanners over the whole page (^-anchored ones led by a literal newline, so they are
tried at line starts only). Either way a candidate is only a candidate: callers confirm
each pattern on its line alone (`guarded_search`), so no hit ever spans a line break.
"""
from __future__ import annotations

from bisect import bisect_right
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property
from itertools import accumulate
from time import monotonic

import regex

from .errors import CleanerError
from .prefilter import Folded, Prefilter
from .ruleset import Pat, compile_union

TIMEOUT = 2.0          # seconds a pattern may spend on one ordinary line
TIMEOUT_PER_MB = 0.5   # extra seconds per MB, so a 50 MB line is not a false alarm
PAGE_TIMEOUT = 10.0    # seconds all patterns together may spend on one ordinary page

# When the page being cleaned must be done by (monotonic clock), if a page is being
# cleaned: a context variable, so threads sharing a Cleaner keep their own.
_deadline: ContextVar[float | None] = ContextVar("page_deadline", default=None)


@contextmanager
def page_budget(text: str):
    """Bound the time patterns may take on this page (on top of each line's budget), so
    that many slow lines cannot add up to minutes."""
    token = _deadline.set(monotonic() + PAGE_TIMEOUT + len(text) * TIMEOUT_PER_MB / 1e6)
    try:
        yield
    finally:
        _deadline.reset(token)


def page_spent() -> bool:
    """The page being cleaned has used up its time (so a timeout is the page's, not a
    line's)."""
    deadline = _deadline.get()
    return deadline is not None and monotonic() >= deadline


def budget(s: str) -> float:
    """Seconds a pattern may spend on `s`: its own budget, within what is left of the
    page's."""
    own = TIMEOUT + len(s) * TIMEOUT_PER_MB / 1e6
    deadline = _deadline.get()
    if deadline is None:
        return own
    # a spent page budget still gives the regex module a positive timeout, which it
    # then reports at once
    return max(min(own, deadline - monotonic()), 1e-9)


def guarded_search(pattern: regex.Pattern, s: str, pos: int | None = None):
    """pattern.search(s, pos) within the time budget of s (TimeoutError past it). The
    timeout goes by position (string, pos, endpos, concurrent, partial, timeout): as a
    keyword, the regex module's argument parsing costs as much as searching a short line."""
    return pattern.search(s, pos, None, None, False, budget(s))


class ScanTimeout(CleanerError):
    """A whole-page scan ran out of time: one of `patterns` (indices) backtracks, on
    line `line` (0-based) or after it. Callers name the culprit by trying each alone."""
    exit_code = 1

    def __init__(self, patterns: list[int], line: int):
        self.patterns, self.line = patterns, line
        super().__init__(f"scan ran out of time at line {line + 1}")


class LineScanner:
    """Candidate lines for many patterns (`finders`), found in one pass per page."""

    def __init__(self, finders: list[Pat], trimmed: bool = False):
        """`trimmed`: the patterns run on lines as they are (with leading spaces) but are
        looked for in the page's stripped lines (see Prefilter)."""
        self.finders = finders
        self.trimmed = trimmed

    @cached_property
    def prefilter(self) -> Prefilter:
        return Prefilter([p.source for p in self.finders], self.trimmed)

    @cached_property
    def scanners(self) -> tuple[tuple[regex.Pattern, list[int]], ...]:
        """Whole-page regex scans for the finders the prefilter cannot narrow, each with
        the indices it stands for: one for ^-anchored patterns, one for the others."""
        out = []
        for anchored in (True, False):
            ks = [k for k in self.prefilter.unfiltered if self.finders[k].anchored == anchored]
            if ks:
                out.append((compile_union([self.finders[k] for k in ks], regex.MULTILINE,
                                          "\\n" if anchored else ""), ks))
        return tuple(out)

    def candidates(self, texts: list[str], folded: Folded) -> dict[int, set[int]]:
        """Line index -> indices of the finders that may match it, in line order.
        `texts`: the lines the regex scanners read; `folded`: the page's stripped lines
        as the prefilter reads them. A scanner match may run across a line break: the
        scan resumes at the next line, and the caller confirms on the line alone."""
        hits = self.prefilter.scan(folded)
        if not self.scanners:
            return dict(sorted(hits.items()))
        hits = {i: set(ks) for i, ks in hits.items()}     # the prefilter's own stays as it is
        joined = "\n" + "\n".join(texts)
        # joined[nl[i]] is the newline in front of line i
        nl = list(accumulate((len(t) + 1 for t in texts), initial=0))
        for scanner, ks in self.scanners:
            pos = 0
            while True:
                try:
                    m = guarded_search(scanner, joined, pos)
                except TimeoutError:
                    raise ScanTimeout(ks, max(bisect_right(nl, pos) - 1, 0)) from None
                if m is None:
                    break
                i = max(bisect_right(nl, m.start()) - 1, 0)
                hits.setdefault(i, set()).update(ks)
                if i + 1 >= len(texts):
                    break
                pos = nl[i + 1]
        return dict(sorted(hits.items()))
