"""Which outlet a page is from: a forced id, the URL's domain, or the text's signatures."""
from __future__ import annotations

from urllib.parse import urlsplit

import regex

from . import prefilter
from .ruleset import FLAGS, GENERIC_ID, Outlet, compile_union


class UnknownOutlet(ValueError):
    pass


class Detector:
    def __init__(self, outlets: list[Outlet]):
        self.outlets = {o.id: o for o in outlets}
        named = [o for o in outlets if o.signatures and o.id != GENERIC_ID]
        self._named = named
        self._needs = [[prefilter.necessary(s.source) for s in o.signatures] for o in named]
        self._unions: dict[tuple, regex.Pattern] = {}

    def _union(self, possible: tuple) -> regex.Pattern:
        """One pattern finding every outlet's signatures at once: group o{n} is outlet n.
        Signatures that cannot occur in the text are left out, which changes no match."""
        pattern = self._unions.get(possible)
        if pattern is None:
            try:
                pattern = regex.compile("|".join(
                    f"(?P<o{n}>" + "|".join(f"(?:{self._named[n].signatures[k].source})"
                                            for k in keep) + ")"
                    for n, keep in possible), FLAGS | regex.MULTILINE)
            except regex.error:
                for o in self._named:
                    compile_union(o.signatures)   # names the bad signature
                raise
            self._unions[possible] = pattern
        return pattern

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

    def by_text(self, stripped_text: str) -> Outlet | None:
        """The outlet with the most distinct signature hits (ties: first in order)."""
        folded = prefilter.fold(stripped_text)
        possible = tuple(
            (n, keep) for n, keep in (
                (n, tuple(k for k, need in enumerate(needs)
                          if need is None or prefilter.present(need, stripped_text, folded)))
                for n, needs in enumerate(self._needs)) if keep)
        if not possible:
            return None
        hits: dict[str, set[str]] = {}
        for m in self._union(possible).finditer(stripped_text,
                                                timeout=5 + len(stripped_text) / 1e6):
            hits.setdefault(self._named[int(m.lastgroup[1:])].id, set()).add(m.group())
        if not hits:
            return None
        return self.outlets[max(hits, key=lambda k: len(hits[k]))]
