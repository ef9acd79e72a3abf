"""Which outlet a page is from: a forced id, the URL's domain, or the text's signatures."""
from __future__ import annotations

from urllib.parse import urlsplit

import regex

from .ruleset import FLAGS, GENERIC_ID, Outlet, compile_union


class UnknownOutlet(ValueError):
    pass


class Detector:
    def __init__(self, outlets: list[Outlet]):
        self.outlets = {o.id: o for o in outlets}
        named = [o for o in outlets if o.signatures and o.id != GENERIC_ID]
        self._group = {f"o{n}": o.id for n, o in enumerate(named)}
        # one pass over the text finds every outlet's signatures at once
        self._named = named
        self._compiled = None

    @property
    def _signatures(self):
        # compiled on first use; a bad signature is then reported by name
        if self._compiled is None and self._named:
            try:
                self._compiled = regex.compile("|".join(
                    f"(?P<o{n}>" + "|".join(f"(?:{s.source})" for s in o.signatures) + ")"
                    for n, o in enumerate(self._named)), FLAGS | regex.MULTILINE)
            except regex.error:
                for o in self._named:
                    compile_union(o.signatures)
                raise
        return self._compiled

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
        pattern = self._signatures
        if pattern is None:
            return None
        hits: dict[str, set[str]] = {}
        for m in pattern.finditer(stripped_text, timeout=5 + len(stripped_text) / 1e6):
            group = m.lastgroup
            hits.setdefault(self._group[group], set()).add(m.group())
        if not hits:
            return None
        return self.outlets[max(hits, key=lambda k: len(hits[k]))]
