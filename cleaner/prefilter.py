"""Which lines of a page each of many patterns may match, from one literal pass.

A regex engine tries every rule at every line start; most lines are article prose that
no rule matches. So each pattern is reduced to "atoms": literal strings, one of which
must occur in any line the pattern matches (the idea of RE2's FilteredRE2). One
Aho-Corasick pass over the page finds every atom at once, and only the lines with an
atom of a rule are tried with that rule's real pattern. A pattern's ^ and $ become a
newline, so "^Read more" gives the atom "\\nread more", found at line starts only.

Atoms are case-folded, as is the page: matching them is a superset of what the pattern
matches, never less. Patterns whose atoms cannot be derived (a backreference, an
unfamiliar construct, only short literals) are "unfiltered": the engine scans them with
the regex module as before.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from re import _constants as C, _parser

import regex
from ahocorasick_rs import BytesAhoCorasick, Implementation

from . import derived
from .ruleset import plain

MAX_SET = 64    # an exact-string set larger than this is given up (products grow fast)
MIN_ATOM = 3    # shorter atoms with a letter ("by", "\\nht") would flag most lines
MAX_ATOMS = 1024  # atoms of one pattern: only the automaton's size depends on it
_LONE = "surrogatepass"   # text may hold lone surrogates (decoded with surrogateescape)
_START = itemgetter(1)
CLASS_SET = 8   # a character class of at most this many literals is an exact set

# Rewrites and refusals before the stdlib parser reads a `regex` pattern. Only syntax
# both modules read alike may reach it: \p{..} is some class to us; global inline flags
# are dropped (we fold case anyway); a pattern verbose from its start ((?x)) is read as
# written plainly; fuzzy matching ({e<=1}) and nested sets ([[a]--[b]]) mean something
# else to the stdlib, so such patterns stay unfiltered.
_PROPERTY = regex.compile(r"(\\\\)|\\[pP](?:\{[^}]*\}|[A-Za-z])")
_GLOBAL_FLAGS = regex.compile(r"(\\\\|\\\()|\(\?([a-zA-Z]+)\)")
_SAFE_FLAGS = set("aiLmsu")
_BRACES = regex.compile(r"(\\\\|\\\{)|\{(?!\d*(?:,\d*)?\})")
_NAMED_GROUP = regex.compile(r"(\\\\|\\\()|\(\?P?<(?![=!])\w+>")
_NEWLINES = regex.compile(r"\n{2,}")
_NESTED_SET = regex.compile(r"\\.|\[(?:\\.|\[|[^\]\\])*")

# The regex module misses a case-insensitive character that folds to several (ß and ẞ
# to ss, ﬁ to fi, ŉ to ʼn) when it stands alone in a group, as the engine's and the
# detector's joined regex scans put patterns: `(?:(?i)ß)` matches neither "ß" nor "ẞ".
# Such a pattern, when it has no atoms, gets this one: every line is a candidate, and
# the pattern is tried on it alone, where it matches as it should (a full scan).
EVERY_LINE = frozenset({"\n"})
_CASELESS = regex.compile(r"\(\?[a-zA-Z]*i")     # an inline flag turning ignore-case on


def atoms(source: str, trimmed: bool = False) -> frozenset[str] | None:
    """Case-folded literals, one of which is in every line `source` matches (with ^ and
    $ as a newline); None when that cannot be said with atoms of MIN_ATOM or more (the
    caller scans the pattern with regex), or EVERY_LINE (see above). `trimmed`: atoms
    stripped of their edges (line ends, spaces), for Prefilter(trimmed=True)."""
    found = _atoms(source)
    if found is not None and trimmed:
        found = frozenset(a.strip() for a in found)
        found = None if any(map(_weak, found)) else found
    if found is None and _CASELESS.search(source) and any(len(c.casefold()) > 1
                                                          for c in set(source)):
        return EVERY_LINE
    return found


def stored_atoms(source: str, trimmed: bool = False) -> frozenset[str] | None:
    """atoms(source, trimmed), kept between runs (derived.py)."""
    key = f"{int(trimmed)}{source}"
    found = derived.get("atoms", key)
    if found is derived.MISSING:
        found = atoms(source, trimmed)
        derived.put("atoms", key, sorted(found) if found is not None else None)
        return found
    return frozenset(found) if found is not None else None


def _atoms(source: str) -> frozenset[str] | None:
    prepared = _prepare(source)
    if prepared is None:
        return None
    try:
        tree = _parser.parse(prepared)
    except Exception:       # any syntax the stdlib does not read: leave it unfiltered
        return None
    exact, best, _ = _seq(tree)
    found = _best(exact, best)
    if found is None:
        return None
    # ^^ (or ^ inside a group after ^) is one line start: one newline, not two; only an
    # empty line has two in a row, and an atom of newlines alone is weak anyway
    found = {_NEWLINES.sub("\n", a) for a in found}
    if any(map(_weak, found)):
        return None
    # an atom holding another adds nothing: where it is, the other is too
    return frozenset(a for a in found if not any(b in a for b in found if b != a))


def stdlib_tree(source: str):
    """The stdlib parser's tree of a `regex` pattern as the prefilter reads it (\\p{..} as
    \\w, global flags and group names dropped), and whether the pattern ignores case
    throughout; None where the stdlib cannot read it alike."""
    prepared = _prepare(source)
    try:
        tree = _parser.parse(prepared) if prepared is not None else None
    except Exception:       # syntax the stdlib does not read
        return None
    if tree is None:
        return None
    return tree, any("i" in m.group(2) for m in _GLOBAL_FLAGS.finditer(source) if m.group(2))


def _prepare(source: str) -> str | None:
    flags = [m.group(2) for m in _GLOBAL_FLAGS.finditer(source) if m.group(2)]
    if any(set(f) - _SAFE_FLAGS - {"x"} for f in flags):
        return None
    if any("x" in f for f in flags):
        lead = _GLOBAL_FLAGS.match(source)
        if not (lead and lead.group(2) and "x" in lead.group(2)):
            return None     # verbose from the middle on: rare, left to the regex scan
        source = plain(source)
    source = _PROPERTY.sub(lambda m: m.group(1) or r"\w", source)
    if any(m.group(1) is None for m in _BRACES.finditer(source)):
        return None
    if any(m.group().count("[") > 1 or _has_set_op(m.group())
           for m in _NESTED_SET.finditer(source) if m.group().startswith("[")):
        return None
    source = _GLOBAL_FLAGS.sub(lambda m: m.group(1) or "", source)
    return _NAMED_GROUP.sub(lambda m: m.group(1) or "(?:", source)   # names may repeat


def _has_set_op(cls: str) -> bool:
    body = regex.sub(r"\\.", "", cls)
    return any(op in body for op in ("--", "&&", "||", "~~"))


# The regex module's case-insensitive matching pairs İ with i and ı with I (Unicode's
# Turkic folds), which str.casefold keeps apart ("i̇", "ı"): without the combining dot and
# the dotless i, the two meet. Both are character for character, so an atom that is in a
# line stays in it after folding.
def _fold(s: str) -> str:
    # str.replace, not str.translate: translate is ten times slower on non-ASCII text
    return s.casefold().replace("\u0307", "").replace("ı", "i")


# What a parsed node tells, in this order: `exact`, every string it can match (small
# sets only); `best`, the most selective atom set every match contains; `prefix`,
# strings one of which starts every match. None: nothing known.
Info = tuple[set[str] | None, set[str] | None, set[str] | None]
_EDGES = {C.AT_BEGINNING, C.AT_BEGINNING_STRING, C.AT_END, C.AT_END_STRING}
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT}
_NOTHING: Info = (None, None, None)
_EMPTY = {""}


@lru_cache(maxsize=4096)      # the same pieces are weighed many times while multiplying
def _weak(atom: str) -> bool:
    """Too common to help: only newlines, a sentence's stop or comma alone (in most
    lines of prose), or a short piece with letters, digits or spaces ("by", "\nht");
    other short punctuation ("<", "©", "\n.") is rare in prose and fine."""
    core = atom.strip("\n")
    return not core or atom in _PROSE or (len(atom) < MIN_ATOM and not all(_rare(c) for c in core))


_PROSE = frozenset(".,")


def _rare(c: str) -> bool:
    return not (c.isalnum() or c.isspace())


def _quality(s: set[str]) -> tuple[bool, int, int]:
    return (not any(map(_weak, s)), min(map(len, s)), -len(s))


def _times(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    if a is None or b is None or len(a) * len(b) > MAX_SET:
        return None
    return {x + y for x in a for y in b}


def _best(*sets: set[str] | None) -> set[str] | None:
    options = [s for s in sets if s and "" not in s]
    return max(options, key=_quality) if options else None


def _node(op, av) -> Info:
    if op is C.LITERAL:     # (a sequence gathers its literals itself; see _seq)
        one = {_fold(chr(av))}
        return one, None, one
    if op is C.AT:
        edge = {"\n"} if av in _EDGES else _EMPTY
        return edge, None, edge
    if op is C.ASSERT:      # zero width, but what it looks at is in the line
        return _EMPTY, _best(*_seq(av[1])), _EMPTY
    if op is C.ASSERT_NOT:
        return _EMPTY, None, _EMPTY
    if op is C.IN:
        if len(av) <= CLASS_SET and all(o is C.LITERAL for o, _ in av):
            chars = {_fold(chr(c)) for _, c in av}
            return chars, None, chars
        return _NOTHING
    if op is C.SUBPATTERN:
        return _seq(av[3])
    if op is C.ATOMIC_GROUP:
        return _seq(av)
    if op in _REPEATS:
        lo, hi, body = av
        exact, best, prefix = _seq(body)
        if lo == 0:     # optional: nothing required, but a small optional part is exact
            return (_union((_EMPTY, exact)) if hi == 1 else None), None, None
        return (exact if lo == hi == 1 else None), _best(exact, best), prefix
    return _NOTHING     # classes, backreferences, conditionals (alternations: see _seq)


def _branch(infos: list[Info]) -> tuple[Info, Callable[[set[str]], set[str] | None]]:
    """An alternation's Info, and what it adds after `tail` (the exact strings just
    before it): each alternative's own best atoms, or the tail joined to its start,
    whichever is better ("^(?:-|Summary)$" gives "\\n-", not "-")."""
    def after(tail: set[str]) -> set[str] | None:
        return _union((_best(best, _times(tail, start)) for _, best, start in infos), MAX_ATOMS)
    return (_union(i[0] for i in infos), _union((_best(*i[:2]) for i in infos), MAX_ATOMS),
            _union(i[2] for i in infos)), after


def _union(sets, limit: int = MAX_SET) -> set[str] | None:
    out: set[str] = set()
    for s in sets:
        if s is None:
            return None
        out |= s
    return out if len(out) <= limit else None


def _seq(items) -> Info:
    """A concatenation: runs of exact nodes multiply out into longer literals, and a run
    reaches into the start of the node that ends it."""
    run: set[str] | None = _EMPTY      # None once the sequence is no longer exact
    tail = _EMPTY                       # the exact strings since the last inexact node
    candidates: list[set[str] | None] = []
    prefix = None
    pending = ""        # literal characters not yet appended to run and tail (cheaper)
    for op, av in items:
        if op is C.LITERAL:
            pending += _fold(chr(av))
            continue
        if pending:
            tail = {t + pending for t in tail}
            run = run and {r + pending for r in run}
            pending = ""
        if op is C.BRANCH:     # here, not in _node: it reaches into the tail before it
            (exact, best, start), after = _branch([_seq(alt) for alt in av[1]])
            candidates.append(after(tail))
        else:
            exact, best, start = _node(op, av)
        candidates.append(best)
        grown = _times(tail, exact) if exact is not None else None
        if grown is not None:
            tail = grown
            run = _times(run, exact) if run is not None else None
            continue
        reach = _times(tail, start)
        candidates += [tail, reach]
        if prefix is None:
            prefix = reach if reach is not None else tail
        run = None
        tail = exact if exact is not None else _EMPTY
    if pending:
        tail = {t + pending for t in tail}
        run = run and {r + pending for r in run}
    candidates.append(tail)
    return run, _best(*candidates), (run if prefix is None else prefix)


class Prefilter:
    """The atoms of many patterns, found by one Aho-Corasick automaton (None entries and
    patterns without atoms are `unfiltered`: the caller must scan those another way).
    `share` lets several prefilters use one automaton, so a page is walked once."""

    def __init__(self, sources: Sequence[str | None], trimmed: bool = False):
        """`trimmed`: the patterns run on lines as they are, but are looked for in the
        stripped lines of the page's Folded buffer; an atom stripped of its edges (line
        ends, spaces) lies inside the stripped line wherever the pattern matches."""
        owners: dict[str, list[int]] = {}
        self.unfiltered: list[int] = []
        for k, source in enumerate(sources):
            found = stored_atoms(source, trimmed) if source is not None else None
            if found is None:
                self.unfiltered.append(k)
                continue
            for atom in found:
                owners.setdefault(atom, []).append(k)
        self.owners = {atom: tuple(ks) for atom, ks in owners.items()}
        # (automaton, this prefilter's part in it), one attribute so that a thread never
        # reads a new automaton with an old part; built on first use unless shared first
        self._walk: tuple[_Walk, int] | None = None

    def scan(self, page: "Folded") -> dict[int, set[int]]:
        """Line index -> indices of the patterns that may match it (shared: do not change)."""
        if self._walk is None:
            self._walk = (_Walk([self]), 0)
        walk, part = self._walk
        return page.hits(walk)[part]


def share(prefilters: Sequence[Prefilter]) -> None:
    """One automaton for all these prefilters: the first scan of a page walks it once
    and keeps every prefilter's hits on the page's Folded buffer."""
    walk = _Walk(prefilters)
    for n, p in enumerate(prefilters):
        p._walk = (walk, n)


class _Walk:
    """An automaton over the atoms of several prefilters, each atom with its owners."""

    def __init__(self, parts: Sequence[Prefilter]):
        owners: dict[str, list[tuple[int, tuple[int, ...]]]] = {}
        for n, p in enumerate(parts):
            for atom, ks in p.owners.items():
                owners.setdefault(atom, []).append((n, ks))
        self._parts = len(parts)
        atom_list = list(owners)
        # per atom: where its line starts (a leading newline belongs to the line before,
        # so the atom's line starts after it) and its owners
        self._atoms = [(int(a.startswith("\n")), owners[a]) for a in atom_list]
        # the compact NFA, not the DFA: walked between a page's other work, the DFA's
        # larger tables miss the cache; in place the NFA cleans pages ~5% faster
        self._ac = (BytesAhoCorasick([a.encode(errors=_LONE) for a in atom_list],
                                     implementation=Implementation.ContiguousNFA)
                    if atom_list else None)

    def scan(self, page: "Folded") -> list[dict[int, set[int]]]:
        out: list[dict[int, set[int]]] = [{} for _ in range(self._parts)]
        if self._ac is None:
            return out
        data, last, atoms = page.data, page.count, self._atoms
        found = self._ac.find_matches_as_indexes(data, overlapping=True)
        found.sort(key=_START)
        count = data.count
        # a hit's line is the number of newlines before it, less the leading one;
        # counted from hit to hit in position order, the page is read once
        pos = lines = 0
        line = -1
        for atom, start, _ in found:
            skip, owners = atoms[atom]
            end = start + skip
            if end != pos:      # hits at one place (overlapping atoms) share its line
                lines += count(b"\n", pos, end)
                pos = end
                if lines > last:    # the buffer's closing newline: no line, nor any later hit
                    break
                line = lines - 1
            for part, ks in owners:
                hits = out[part]
                got = hits.get(line)
                if got is None:
                    hits[line] = set(ks)
                else:
                    got.update(ks)
        return out


class Folded:
    """A page's lines as one case-folded UTF-8 buffer, each line between newlines: built
    once per page and scanned by every prefilter."""
    __slots__ = ("data", "count", "_hits")

    def __init__(self, texts: Sequence[str]):
        # case folding keeps newlines, so line numbers survive it; on ASCII text it is
        # lower-casing, which bytes do several times faster
        text = "\n" + "\n".join(texts) + "\n"
        self.data = (text.encode().lower() if text.isascii()
                     else _fold(text).encode(errors=_LONE))
        self.count = len(texts)
        self._hits: dict[_Walk, list] = {}

    def hits(self, walk: _Walk) -> list[dict[int, set[int]]]:
        found = self._hits.get(walk)
        if found is None:
            found = self._hits[walk] = walk.scan(self)
        return found
