"""The generic classifier for pages of unknown outlets: what no rule decided.

Conservative by design (POLICY.md: recall first). Lines are judged with features
that survive flattening a page to text: word count, stopword density (jusText's
stoplists, read from the installed jusText package without importing it, so that
start-up stays cheap), and sentence punctuation. The article is the span from the
first to the last prose line; inside it everything stays. Outside it, only runs of
short, unpunctuated, stopword-poor lines (menus, footers, share bars) go.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import regex

from .document import Document

WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’-]*")
TERMINAL = regex.compile(r"[.!?…:;\"”’»)]$")
PROSE_WORDS = 8
PROSE_STOPWORDS = 0.2
DEFAULT_LANG = "English"


@lru_cache(maxsize=1)
def _stoplist_dir() -> Path | None:
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "stoplists"
    return path if path.is_dir() else None


@lru_cache(maxsize=None)
def stoplist(lang: str) -> frozenset[str]:
    d = _stoplist_dir()
    f = d / f"{lang}.txt" if d else None
    if f is None or not f.is_file():
        return frozenset()
    return frozenset(w.strip().lower() for w in f.read_text(encoding="utf-8").splitlines() if w.strip())


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    d = _stoplist_dir()
    return tuple(sorted(p.stem for p in d.glob("*.txt"))) if d else ()


def resolve_lang(lang: str | None, words: list[str]) -> str:
    """A stoplist name: the one asked for (case-insensitive), else the language whose
    stoplist covers most of the page's words."""
    names = languages()
    if lang:
        for name in names:
            if name.lower() == lang.lower():
                return name
        raise ValueError(f"no stoplist for language {lang!r} (available: {', '.join(names)})")
    sample = [w.lower() for w in words[:3000]]
    english = stoplist(DEFAULT_LANG)
    # most pages are English: settle that from a few hundred words, without reading a
    # hundred stoplists
    head = sample[:400]
    if head and sum(w in english for w in head) / len(head) >= 0.3:
        return DEFAULT_LANG
    best, best_hits = DEFAULT_LANG, 0
    for name in names:
        stops = stoplist(name)
        hits = sum(w in stops for w in sample)
        if hits > best_hits:
            best, best_hits = name, hits
    return best


def apply(doc: Document, lang: str | None = None) -> str:
    """Mark boilerplate lines removed with a reason; returns the language used.

    Only the lines before the first and after the last prose line are judged, so a
    clean article costs a few lines' work however long it is."""
    idx = doc.kept_indices()
    lines = doc.lines
    cache: dict[int, list[str]] = {}

    def words(i):
        w = cache.get(i)
        if w is None:
            w = cache[i] = WORD.findall(lines[i].text)
        return w

    sample: list[str] = []
    if lang is None:
        for i in idx:
            sample += words(i)
            if len(sample) >= 3000:
                break
    lang = resolve_lang(lang, sample)
    stops = stoplist(lang)

    def prose(i):
        w = words(i)
        return len(w) >= PROSE_WORDS and sum(x.lower() in stops for x in w) / len(w) >= PROSE_STOPWORDS

    def residue(i):
        return len(words(i)) < PROSE_WORDS and not TERMINAL.search(lines[i].text.strip())

    first = next((p for p, i in enumerate(idx) if prose(i)), None)
    if first is None:
        return lang      # nothing looks like an article: keep it all rather than guess
    last = next(p for p in range(len(idx) - 1, first - 1, -1) if prose(idx[p]))
    head, tail = idx[:first], idx[last + 1:]
    headline = head[-1] if head else None   # the line just above the article stays
    for segment, where in ((head, "before"), (tail, "after")):
        for run in _runs(segment, residue):
            if len(run) < 2:
                continue
            for i in run:
                if i != headline:
                    doc.remove(i, f"fallback: short, no sentence punctuation, in a run of "
                                  f"{len(run)} such lines {where} the article")
    return lang


def _runs(segment: list[int], pred) -> list[list[int]]:
    """Maximal runs of consecutive items satisfying pred."""
    runs, run = [], []
    for i in segment:
        if pred(i):
            run.append(i)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs
