"""clean(text | bytes | html) -> Result: the public API and the one path data takes.

read -> decode -> (HTML: extract) -> detect outlet -> outlet rules -> generic rules
-> fallback (unknown outlets only) -> render.
"""
from __future__ import annotations

from pathlib import Path

from . import fallback, html as html_mod
from .decode import decode, normalise_newlines
from .detect import Detector
from .document import Document, Result
from .engine import Compiled
from .ruleset import GENERIC_ID, Outlet, builtin_rules_dir, load_rules

MAX_ROUNDS = 4   # extra rounds until nothing changes, so cleaning is idempotent


class Cleaner:
    """Rules loaded and compiled once; `clean` reuses them for every page."""

    def __init__(self, rules: list[str | Path] | None = None, disable: list[str] = (),
                 outlets: list[Outlet] | None = None, validate: bool = False):
        # rule packs that fail to load are skipped; the CLI shows these warnings
        self.rule_warnings: list[str] = []
        if outlets is None:
            outlets, self.rule_warnings = load_rules(rules)
        self.outlets = outlets
        # Built-in patterns are proven by the test suite and compile lazily (start-up
        # time); a user's files are compiled now so a bad pattern fails before any work.
        builtin = str(builtin_rules_dir())
        for o in self.outlets:
            if validate or any(not r.source.startswith(builtin) for r in o.rules) \
                    or not o.source.startswith(builtin):
                o.validate()
        off = set(disable)
        for o in self.outlets:
            o.disable = [*o.disable, *(r.id for r in o.rules if r.id in off)]
        self.detector = Detector(self.outlets)
        self.generic = next((o for o in self.outlets if o.id == GENERIC_ID), None)
        self._compiled: dict[str, Compiled] = {}

    def compiled(self, outlet: Outlet) -> Compiled:
        c = self._compiled.get(outlet.id)
        if c is None:
            c = self._compiled[outlet.id] = Compiled(outlet)
        return c

    def clean(self, text: str | bytes, *, outlet: str | None = None, url: str | None = None,
              html: bool | None = None, lang: str | None = None) -> Result:
        warnings: list[str] = []
        if isinstance(text, bytes):
            text, warnings = decode(text)
        else:
            text = normalise_newlines(text)
        page_meta: dict = {}
        if html is None:
            html = html_mod.looks_like_html(text)
        if html:
            text, page_meta = html_mod.extract(text, url)
        doc = Document(text)
        chosen, how = self._choose(doc, outlet, url)
        applied: set[str] = set()
        used_lang = self._round(doc, chosen, lang, applied)
        # Cleaning must be idempotent, but what a page's first round leaves can look like
        # another outlet (or, its signatures gone, like no outlet): so rounds repeat on
        # what is kept, exactly as `clean(output)` would see it, until nothing changes.
        for _ in range(MAX_ROUNDS):
            before = len(doc.kept_indices())
            again = chosen if how in ("forced", "url") else self.detector.by_text(_kept_text(doc))
            used_lang = self._round(doc, again, lang, applied) or used_lang
            if len(doc.kept_indices()) == before:
                break
        used_fallback = chosen is None or chosen is self.generic
        out = doc.render()
        meta = {**{k: v for k, v in page_meta.items() if k != "title"}, **doc.metadata}
        title = out.split("\n", 1)[0] if out else page_meta.get("title")
        return Result(text=out, outlet=chosen.id if chosen and chosen is not self.generic else None,
                      title=title, metadata=meta, removals=doc.removals(), cuts=doc.cuts,
                      fallback=used_fallback, detected_by=how, lang=used_lang,
                      warnings=warnings, document=doc)

    def _round(self, doc: Document, chosen: Outlet | None, lang: str | None,
               applied: set[str]) -> str | None:
        """Outlet rules, generic rules, and the fallback when no outlet is known. A rule
        set already applied to this page is not run again: what it kept, it keeps (cuts
        run to a fixed point before line rules), so only new rule sets and the fallback
        can change anything in a later round."""
        for outlet in (chosen, self.generic):
            if outlet is not None and outlet.id not in applied:
                self.compiled(outlet).apply(doc)
                applied.add(outlet.id)
        if chosen is None or chosen is self.generic:
            return fallback.apply(doc, lang or (chosen.lang if chosen else None))
        return None

    def _choose(self, doc: Document, outlet: str | None, url: str | None):
        if outlet:
            return self.detector.forced(outlet), "forced"
        if url:
            found = self.detector.by_url(url)
            if found is not None:
                return found, "url"
        found = self.detector.by_text(_kept_text(doc))
        return found, ("signature" if found else None)


def _kept_text(doc: Document) -> str:
    return "\n".join(ln.text.strip() for ln in doc.lines if ln.removed_by is None)


_default: Cleaner | None = None


def default_cleaner() -> Cleaner:
    global _default
    if _default is None:
        _default = Cleaner()
    return _default


def clean(text: str | bytes, *, outlet: str | None = None, url: str | None = None,
          html: bool | None = None, lang: str | None = None) -> Result:
    """Clean one page with the built-in rules (and CLEANER_RULES). See Cleaner."""
    return default_cleaner().clean(text, outlet=outlet, url=url, html=html, lang=lang)
