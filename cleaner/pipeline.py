"""clean(text | bytes | html) -> Result: the public API and the one path data takes.

read -> decode -> (HTML: extract) -> detect outlet -> outlet rules -> generic rules
-> fallback (unknown outlets, and known ones whose file asks for it) -> render.
"""
from __future__ import annotations

from pathlib import Path

from . import derived, fallback, html as html_mod
from .decode import decode, normalise_newlines
from .detect import Detector
from .document import Document, Result
from .engine import Compiled, drop_doubled, drop_headline_twice, drop_repeats, page_scan
from .errors import UsageError
from .prefilter import share
from .scan import page_budget
from .ruleset import GENERIC_ID, Outlet, builtin_rules_dir, load_rules

MAX_ROUNDS = 4   # extra rounds while cuts (or the fallback) change something: idempotence
RESCUE_SHARE = 0.2   # HTML: below this share of the text path's words, trafilatura missed
SHORT_SHARE = 0.5    # and so did a short extraction (html.SHORT_EXTRACT) below this share


class Cleaner:
    """Rules loaded and compiled once; `clean` reuses them for every page."""

    def __init__(self, rules: list[str | Path] | None = None, disable: list[str] = (),
                 outlets: list[Outlet] | None = None):
        # rule packs that fail to load are skipped; the CLI shows these warnings
        self.rule_warnings: list[str] = []
        if outlets is None:
            outlets, self.rule_warnings = load_rules(rules)
        self.outlets = outlets
        # Built-in patterns are proven by the test suite and compile lazily (start-up
        # time); a user's files are compiled now so a bad pattern fails before any work.
        builtin = builtin_rules_dir()
        for o in self.outlets:
            if not all(Path(src).is_relative_to(builtin)
                       for src in (o.source, *(r.source for r in o.rules))):
                o.validate()
        off = set(disable)
        unknown = off - {r.id for o in self.outlets for r in o.rules}
        if unknown:     # a misspelt id would otherwise switch nothing off, silently
            raise UsageError(f"cannot disable {', '.join(map(repr, sorted(unknown)))}: no rule "
                             "has this id (`clean rules list` shows them)")
        for o in self.outlets:
            o.disable = [*o.disable, *(r.id for r in o.rules if r.id in off)]
        self.detector = Detector(self.outlets)
        derived.prepare()   # what earlier runs derived from patterns: read now, not while cleaning
        self.generic = next((o for o in self.outlets if o.id == GENERIC_ID), None)
        self._compiled: dict[str, Compiled] = {}
        self._pages = 0

    def compiled(self, outlet: Outlet) -> Compiled:
        c = self._compiled.get(outlet.id)
        if c is None:
            c = self._compiled[outlet.id] = Compiled(outlet)
        return c

    def _share_prefilters(self) -> None:
        """Detection and every outlet's rules look for their atoms with one automaton,
        so each page is walked once. Built at the second page: one page (`clean FILE`)
        needs only its own outlet's rules, and starts faster without the others."""
        parts = [self.detector.prefilter]
        for o in self.outlets:
            c = self.compiled(o)
            parts += [c.scanner.prefilter, c.cut_scanner.prefilter]
        share(parts)

    def clean(self, text: str | bytes, *, outlet: str | None = None, url: str | None = None,
              html: bool | None = None, lang: str | None = None,
              template: frozenset[str] = frozenset()) -> Result:
        """`template`: lines the page's site repeats (`fallback.site_template` of other
        pages of the site, e.g. in a batch); the fallback drops them."""
        warnings: list[str] = []
        if isinstance(text, bytes):
            text, warnings = decode(text)
        else:
            text = normalise_newlines(text)
        page_meta: dict = {}
        if html is None:
            html = html_mod.looks_like_html(text)
        if html:
            source, page = text, html_mod.Page(text)
            warnings += page.warnings
            text, page_meta = html_mod.extract(page, url)
            rescued = self._rescue(page, text, outlet=outlet, url=url, lang=lang, template=template)
            if rescued is not None:     # the page's title, not its first line of text
                rescued.title = page_meta.pop("title", None) or rescued.title
                rescued.metadata = {**page_meta, **rescued.metadata}
                rescued.warnings[:0] = warnings
                return rescued
            if source.strip() and not text.strip():   # else an empty output looks deliberate
                warnings.append("no text found in the HTML")
        doc = Document(text)
        self._pages += 1
        if self._pages == 2:
            self._share_prefilters()
        with page_budget(text):
            return self._clean(doc, outlet, url, lang, html, template, page_meta, warnings)

    def _clean(self, doc: Document, outlet, url, lang, html, template, page_meta,
               warnings) -> Result:
        chosen, how, hits = self._choose(doc, outlet, url)
        known = chosen if chosen is not self.generic else None
        memo = used_lang = None
        for _ in range(1 + MAX_ROUNDS):
            known, how, hits = self._rules(doc, known, how, hits)
            used_fallback = known is None or bool(known.fallback)
            if not used_fallback:
                break
            # the fallback runs on unknown pages, and on known ones whose file asks for it
            memo = memo or fallback.Memo()
            lang = lang or getattr(known or chosen, "lang", None)
            for _ in range(1 + MAX_ROUNDS):
                before = _state(doc)
                used_lang = fallback.apply(doc, lang, html, template, memo)
                if _state(doc) == before:
                    break
            # what the fallback removed may stand in a span a caption or block rule read
            # and declined on, or above the line that is now the page's first (a headline
            # printed twice): the rules judge again, as they would on the output
            before = _state(doc)
            if known is not None:
                self._repeats(known, doc)
            if _state(doc) == before and not doc.windows_changed():
                break
        out = doc.render()
        meta = {**{k: v for k, v in page_meta.items() if k != "title"}, **doc.metadata}
        # an HTML page's headline from its metadata, else the text's first line
        title = page_meta.get("title") or (out.split("\n", 1)[0] if out else None)
        evidence = self.detector.evidence(hits) if hits else []
        return Result(text=out, outlet=known.id if known else None,
                      title=title, metadata=meta, removals=doc.removals(), cuts=doc.cuts,
                      fallback=used_fallback, detected_by=how if known else None,
                      lang=used_lang, warnings=warnings, document=doc, evidence=evidence)

    def _rules(self, doc: Document, known: Outlet | None, how, hits):
        """The outlet's rules and the generic ones, in rounds while they change something;
        on a page no outlet was found for, detection again after each round that cut."""
        for _ in range(1 + MAX_ROUNDS):
            cuts = len(doc.cuts)
            doc.windows = []
            for rules in (known, self.generic):
                if rules is not None:
                    self.compiled(rules).apply(doc)
            if known is not None:
                self._repeats(known, doc)
            # Line rules judge each line alone, so what they kept they keep; a cut makes
            # new text, which the rule sets (and, on an unknown page, detection) must see
            # again, as they would in `clean(output)`; so does a line removed where a
            # caption or block read and declined (the next lines then come into its reach).
            if len(doc.cuts) == cuts and not doc.windows_changed():
                break
            if how is None:
                hits = self.detector.scan(*page_scan(doc))
                known = self.detector.pick(hits, lambda i: doc.lines[i].removed_by is None)
                how = "evidence" if known else None
        return known, how, hits

    @staticmethod
    def _repeats(known: Outlet, doc: Document) -> None:
        """Headlines and captions printed twice, as the outlet's file asks."""
        if known.drop_doubled:
            drop_doubled(doc)   # first: repeats would take one copy and leave the other
        if known.drop_repeats:
            drop_repeats(doc)
        drop_headline_twice(doc)    # last: a doubled caption may stand between

    def _rescue(self, page: html_mod.Page, extracted: str, **options) -> Result | None:
        """The text path on the whole flattened page, when trafilatura kept a small part
        of what that finds (it sometimes returns a notice or nothing at all), or when
        what it kept is short and the text path finds twice as much. (The backup that
        trafilatura's fast mode skips: it would try other extractors then.)"""
        words, short = _words(extracted), len(extracted) < html_mod.SHORT_EXTRACT
        # cheap checks first: the text path keeps at most the page's words
        if not short and (words >= RESCUE_SHARE * page.rough_words()
                          or words >= RESCUE_SHARE * _words(page.flat)):
            return None
        alt = self.clean(page.flat, html=False, **options)
        found = _words(alt.text)
        return alt if words < (SHORT_SHARE if short else RESCUE_SHARE) * found else None

    def _choose(self, doc: Document, outlet: str | None, url: str | None):
        """The outlet, how it was found, and the evidence hits when the choice depends
        on them (a forced or URL-matched outlet needs no scan)."""
        if outlet:
            return self.detector.forced(outlet), "forced", None
        if url:
            found = self.detector.by_url(url)
            if found is not None:
                return found, "url", None
        hits = self.detector.scan(*page_scan(doc), every=False)
        found = self.detector.pick(hits)
        return found, ("evidence" if found else None), hits


def _state(doc: Document) -> tuple[int, int]:
    """What a round can change: lines removed, fragments cut."""
    return doc.removed, len(doc.cuts)


def _words(text: str) -> int:
    return len(fallback.WORD.findall(text))


_default: Cleaner | None = None


def default_cleaner() -> Cleaner:
    global _default
    if _default is None:
        _default = Cleaner()
    return _default


def clean(text: str | bytes, *, outlet: str | None = None, url: str | None = None,
          html: bool | None = None, lang: str | None = None,
          template: frozenset[str] = frozenset()) -> Result:
    """Clean one page with the built-in rules (and CLEANER_RULES). See Cleaner."""
    return default_cleaner().clean(text, outlet=outlet, url=url, html=html, lang=lang,
                                   template=template)
