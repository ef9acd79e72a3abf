"""Which outlet a page is from: a forced id, the URL's domain, or the text's signatures."""
from __future__ import annotations

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

    def by_text(self, stripped_text: str) -> Outlet | None:
        """The outlet with the most distinct signature hits (ties: first in order)."""
        if len(stripped_text) > 2 * WINDOW:
            stripped_text = stripped_text[:WINDOW] + "\n" + stripped_text[-WINDOW:]
        text = "\n" + stripped_text
        hits: dict[int, set[str]] = {}
        for scanner in self.scanners:
            for m in scanner.finditer(text, timeout=5 + len(text) / 1e6):
                hits.setdefault(int(m.lastgroup[1:]), set()).add(m.group())
        if not hits:
            return None
        best = min(hits, key=lambda n: (-len(hits[n]), n))
        return self._named[best]
