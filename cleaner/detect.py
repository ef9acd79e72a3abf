"""Which outlet a page is from: a forced id, the URL's domain, or the text's signatures."""
from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from urllib.parse import urlsplit

import regex

from .ruleset import FLAGS, GENERIC_ID, Outlet, compile_union


class UnknownOutlet(ValueError):
    pass


WINDOW = 65536   # signatures sit in a page's header and footer: scan its two ends only


class Detector:
    def __init__(self, outlets: list[Outlet]):
        self.outlets = {o.id: o for o in outlets}
        self._named = [o for o in outlets if o.signatures and o.id != GENERIC_ID]
        self._scanners = None

    @property
    def scanners(self) -> list[regex.Pattern]:
        """One scan finds every outlet's signatures at once: ^-anchored signatures in a
        scanner led by a newline (tried at line starts only), the others in a plain one.
        Compiled on first use; a bad signature is reported by name."""
        if self._scanners is None:
            for o in self._named:
                compile_union(o.signatures)
            self._scanners = []
            for anchored in (True, False):
                groups = []
                for n, o in enumerate(self._named):
                    pats = [s.source for s in o.signatures if s.anchored == anchored]
                    if pats:
                        groups.append(f"(?P<o{n}>" + "|".join(f"(?:{p})" for p in pats) + ")")
                if groups:
                    body = "|".join(groups)
                    self._scanners.append(regex.compile(
                        f"\\n(?:{body})" if anchored else body, FLAGS | regex.MULTILINE))
        return self._scanners

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

    def scan(self, lines: list[str]) -> list[tuple[int, int, str]]:
        """Signature hits as (line index, outlet index, matched text), from one scan of
        the page's two ends. A page is scanned once; later rounds of cleaning ask
        `pick` again with the lines still kept."""
        joined = "\n" + "\n".join(lines)
        nl = list(accumulate((len(t) + 1 for t in lines), initial=0))
        spans = ([(0, len(joined))] if len(joined) <= 2 * WINDOW
                 else [(0, WINDOW), (len(joined) - WINDOW, len(joined))])
        hits = []
        for scanner in self.scanners:
            for start, end in spans:
                for m in scanner.finditer(joined, start, end, timeout=5 + (end - start) / 1e6):
                    line = max(bisect_right(nl, m.start()) - 1, 0)
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
