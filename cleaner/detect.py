"""Which outlet a page is from: a forced id, the URL's domain, or the evidence in its text.

An outlet's file lists its evidence (ruleset.Cue): signatures, each decisive alone, and
weaker cues with weights (its name in a byline, its timestamp style, its appeal wording).
A page is the outlet's when the weights of the distinct cues found on it reach the
outlet's threshold; of several such outlets, the one furthest past its threshold wins.
Cues are found by the line scanner the rule engine uses (scan.py), each confirmed on
its own line.
"""
from __future__ import annotations

from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlsplit

from .engine import RuleTimeout
from .errors import CleanerError
from .prefilter import Folded, Prefilter
from .ruleset import GENERIC_ID, Cue, Outlet
from .scan import LineScanner, ScanTimeout, guarded_search


class UnknownOutlet(CleanerError, ValueError):
    pass


class Hit(NamedTuple):
    """A cue found on a page: its line (0-based), its outlet and cue (indices into the
    detector's tables) and the matched text."""
    line: int
    outlet: int
    cue: int
    text: str


class Evidence(NamedTuple):
    """One cue as `--explain` shows it."""
    outlet: str
    cue: str
    weight: int
    line: int          # 1-based
    text: str


class Detector:
    def __init__(self, outlets: list[Outlet]):
        self.outlets = {o.id: o for o in outlets}
        self._named = [o for o in outlets if o.cues and o.id != GENERIC_ID]
        # every cue with the index of its outlet in _named
        self._cues: list[tuple[int, Cue]] = [(n, c) for n, o in enumerate(self._named)
                                             for c in o.cues]

    @cached_property
    def scanner(self) -> LineScanner:
        return LineScanner([c.pattern for _, c in self._cues])

    @property
    def prefilter(self) -> Prefilter:
        return self.scanner.prefilter

    def forced(self, outlet_id: str) -> Outlet:
        try:
            return self.outlets[outlet_id]
        except KeyError:
            known = ", ".join(sorted(self.outlets))
            raise UnknownOutlet(f"unknown outlet {outlet_id!r} (known: {known})") from None

    def by_url(self, url: str) -> Outlet | None:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
        best = None
        for o in self.outlets.values():
            for d in o.domains:
                if (host == d or host.endswith("." + d)) and (best is None or len(d) > best[0]):
                    best = (len(d), o)
        return best[1] if best else None

    def scan(self, lines: list[str], folded: Folded | None = None,
             every: bool = True) -> list[Hit]:
        """The cues found on the page, each confirmed on its line alone; `folded`: the
        lines as prefilter.Folded, if already built. A cue counts once per page, so
        unless `every` hit is wanted (to judge a subset of the lines later) each is
        confirmed on its first line only."""
        hits, found = [], set()
        try:
            candidates = self.scanner.candidates(lines, folded or Folded(lines))
        except ScanTimeout as e:     # one of e.patterns, on e.line or after it
            raise self._culprit(lines[e.line:], e.patterns) from None
        cues = self._cues
        for line, ks in candidates.items():
            s = lines[line]
            if not s:     # blank lines are layout: a cue matching "" says nothing
                continue
            for k in (sorted(ks) if len(ks) > 1 else ks):
                if k in found:
                    continue
                try:
                    m = guarded_search(cues[k][1].pattern.compiled, s)
                except TimeoutError:
                    raise self._timeout(k) from None
                if m is not None:
                    hits.append(Hit(line, cues[k][0], k, m.group()))
                    if not every:
                        found.add(k)
        return hits

    def pick(self, hits: list[Hit], kept=None) -> Outlet | None:
        """The outlet whose evidence on kept lines (`kept(line)`: is it still there)
        passes its threshold by the largest factor (ties: first in order)."""
        scores = self._scores(hits, kept)
        passed = [n for n, s in scores.items() if s >= self._named[n].needed]
        if not passed:
            return None
        return self._named[min(passed, key=lambda n: (-scores[n] / self._named[n].needed, n))]

    def scores(self, hits: list[Hit]) -> dict[str, int]:
        """Each outlet's evidence weight on the page (outlets with none left out)."""
        return {self._named[n].id: w for n, w in self._scores(hits).items()}

    def _scores(self, hits: list[Hit], kept=None) -> dict[int, int]:
        seen: dict[int, set[int]] = {}
        for h in hits:
            if kept is None or kept(h.line):
                seen.setdefault(h.outlet, set()).add(h.cue)
        return {n: sum(self._cues[k][1].weight for k in ks) for n, ks in seen.items()}

    def evidence(self, hits: list[Hit]) -> list[Evidence]:
        """The hits as `--explain` lists them: each cue once, at its first line."""
        out, seen = [], set()
        for h in sorted(hits):
            if h.cue not in seen:
                seen.add(h.cue)
                cue = self._cues[h.cue][1]
                out.append(Evidence(self._named[h.outlet].id, cue.id, cue.weight, h.line + 1,
                                    h.text))
        return out

    def _culprit(self, lines: list[str], ks: list[int]) -> "SignatureTimeout":
        """The cue of `ks` that runs out of time on one of `lines` by itself (else the
        first of them)."""
        for line in lines:
            for k in ks:
                try:
                    guarded_search(self._cues[k][1].pattern.compiled, line)
                except TimeoutError:
                    return self._timeout(k)
        return self._timeout(ks[0])

    def _timeout(self, k: int) -> "SignatureTimeout":
        n, cue = self._cues[k]
        return SignatureTimeout(self._named[n], cue)


class SignatureTimeout(RuleTimeout):
    """A RuleTimeout for a cue (signature or evidence): caught wherever rule timeouts are."""

    def __init__(self, outlet: Outlet, cue: Cue):
        self.rule = None
        p = cue.pattern
        what = "signature" if cue.id == "signature" else f"evidence {cue.id}"
        Exception.__init__(self, f"{what} '{p.source}' of outlet {outlet.id} ({p.path}:"
                                 f"{p.line}) ran out of time: the pattern backtracks "
                                 "catastrophically; rewrite it")
