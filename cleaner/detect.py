"""Which outlet a page is from: a forced id, the URL's domain, or the text's signatures."""
from __future__ import annotations

from bisect import bisect_right
from functools import cached_property
from itertools import accumulate
from urllib.parse import urlsplit

import regex

from .engine import RuleTimeout, _budget, guarded_search
from .errors import CleanerError
from .prefilter import Folded, Prefilter
from .ruleset import FLAGS, GENERIC_ID, Outlet, compile_union


class UnknownOutlet(CleanerError, ValueError):
    pass


WINDOW = 65536   # regex-scanned signatures sit in a page's header and footer: its two ends


class Detector:
    def __init__(self, outlets: list[Outlet]):
        self.outlets = {o.id: o for o in outlets}
        self._named = [o for o in outlets if o.signatures and o.id != GENERIC_ID]
        # every signature with the index of its outlet in _named
        self._sigs = [(n, sig) for n, o in enumerate(self._named) for sig in o.signatures]

    @cached_property
    def prefilter(self) -> Prefilter:
        """Signatures with literal atoms are found by the prefilter, anywhere in a page."""
        for o in self._named:
            compile_union(o.signatures)     # a bad signature is reported by name
        return Prefilter([sig.source for _, sig in self._sigs])

    @cached_property
    def scanners(self) -> list[regex.Pattern]:
        """The other signatures in one scan: ^-anchored ones in a scanner led by a newline
        (tried at line starts only), the rest in a plain one; a group per outlet."""
        out = []
        for anchored in (True, False):
            groups = []
            for n, o in enumerate(self._named):
                pats = [self._sigs[k][1].source for k in self.prefilter.unfiltered
                        if self._sigs[k][0] == n and self._sigs[k][1].anchored == anchored]
                if pats:
                    groups.append(f"(?P<o{n}>" + "|".join(f"(?:{p})" for p in pats) + ")")
            if groups:
                body = "|".join(groups)
                out.append(regex.compile(f"\\n(?:{body})" if anchored else body,
                                         FLAGS | regex.MULTILINE))
        return out

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

    def scan(self, lines: list[str], folded: Folded | None = None) -> list[tuple[int, int, str]]:
        """Signature hits as (line index, outlet index, matched text); `folded`: the lines
        as prefilter.Folded, if already built. A page is scanned once; later rounds of
        cleaning ask `pick` again with the lines still kept."""
        hits = []
        try:
            for line, ks in self.prefilter.scan(folded or Folded(lines)).items():
                for k in ks:
                    n, sig = self._sigs[k]
                    m = guarded_search(sig.compiled, lines[line])
                    # blank lines are layout: a signature matching "" says nothing
                    if m is not None and lines[line]:
                        hits.append((line, n, m.group()))
            if self.scanners:
                hits += self._scan_regex(lines)
        except TimeoutError:
            raise self._culprit(lines) from None
        return hits

    def _scan_regex(self, lines: list[str]) -> list[tuple[int, int, str]]:
        joined = "\n" + "\n".join(lines)
        nl = list(accumulate((len(t) + 1 for t in lines), initial=0))
        spans = ([(0, len(joined))] if len(joined) <= 2 * WINDOW
                 else [(0, WINDOW), (len(joined) - WINDOW, len(joined))])
        hits = []
        for scanner in self.scanners:
            for start, end in spans:
                for m in scanner.finditer(joined, start, end,
                                          timeout=_budget(joined[start:end])):
                    line = max(bisect_right(nl, m.start()) - 1, 0)
                    # (an empty match at the very end is past the last line)
                    if line < len(lines) and lines[line]:
                        hits.append((line, int(m.lastgroup[1:]), m.group()))
        return hits

    def pick(self, hits: list[tuple[int, int, str]], kept=None) -> Outlet | None:
        """The outlet with the most distinct signature hits on kept lines (ties: first
        in order); `kept(line)` says whether a line is still there."""
        found: dict[int, set[str]] = {}
        for line, outlet, text in hits:
            if kept is None or kept(line):
                found.setdefault(outlet, set()).add(text)
        if not found:
            return None
        return self._named[min(found, key=lambda n: (-len(found[n]), n))]

    def _culprit(self, lines: list[str]) -> "SignatureTimeout":
        """The signature that runs out of time on a line by itself (else the first one)."""
        for line in lines:
            for o in self._named:
                for sig in o.signatures:
                    try:
                        guarded_search(sig.compiled, line)
                    except TimeoutError:
                        return SignatureTimeout(o, sig)
        return SignatureTimeout(self._named[0], self._named[0].signatures[0])


class SignatureTimeout(RuleTimeout):
    """A RuleTimeout for a signature: caught wherever rule timeouts are."""

    def __init__(self, outlet: Outlet, sig):
        self.rule = None
        Exception.__init__(self, f"signature '{sig.source}' of outlet {outlet.id} ({sig.path}:"
                           f"{sig.line}) ran out of time: the pattern backtracks "
                           "catastrophically; rewrite it")
