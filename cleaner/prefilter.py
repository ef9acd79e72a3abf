"""Necessary literals of a rule pattern: strings of which every line the pattern can
match contains at least one. The engine skips, for a whole page, every rule none of
whose literals occurs in the page's text, so a slow pattern (`.*\\bjoin us on ...`) is
only run on the rare pages where it could match.

The analysis reads the pattern with the standard library's parser, which knows most of
the `regex` syntax rules use. It is conservative: anything it does not understand
(regex-only syntax, a parse that warns, negative lookarounds, optional parts) gives "no
literal" and the rule simply always runs.
"""
from __future__ import annotations

import re
import warnings
from bisect import bisect_right

import regex
from re import _constants as C, _parser

Need = frozenset | None    # (text, case-insensitive) of which one must occur; None: unknown

# `regex` syntax that the standard parser would read differently or not at all
_REGEX_ONLY = re.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]")
_UNSAFE = re.compile(r"\[\[|--|&&|\|\||~~|\{[^}]*[a-zA-Z<]|\\[GKLmMXQE]|\(\?[&|(R0-9+\-]"
                     r"|\(\?[a-zA-Z]*[VwfbepBr]")


def necessary(source: str) -> frozenset | None:
    """The literals, or None when the pattern could match without any we know of."""
    src = _REGEX_ONLY.sub(r"\\w", source)      # a property class: some letter, no literal
    if _UNSAFE.search(src):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = _parser.parse(src)
    except (re.error, Warning, RecursionError, OverflowError):
        return None
    need = _seq(list(parsed), bool(parsed.state.flags & C.SRE_FLAG_IGNORECASE))
    if need is None or any(not text.strip() for text, _ in need):
        return None
    return frozenset(_literal(text, ic) for text, ic in need)


def _literal(text: str, ic: bool):
    """(text, case-insensitive, regex or None, UTF-8 bytes or None): `fold` was checked
    against every code point to agree with regex's (?i) on ASCII; other case-insensitive
    text is looked for with regex itself."""
    if not ic:
        return text, False, None, text.encode("utf-8", "surrogatepass")
    if text.isascii():
        return text.lower(), True, None, text.lower().encode()
    return text, True, regex.compile(regex.escape(text), regex.IGNORECASE | regex.VERSION1), None


def _best(a: Need, b: Need) -> Need:
    if a is None:
        return b
    if b is None:
        return a
    # the more selective: longest shortest literal, then fewer alternatives
    key = lambda n: (min(len(t) for t, _ in n), -len(n))
    return a if key(a) >= key(b) else b


def _seq(items, ic: bool) -> Need:
    best: Need = None
    run: list[str] = []

    def flush():
        nonlocal best, run
        if run:
            best = _best(best, frozenset({("".join(run), ic)}))
            run = []

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        flush()
        best = _best(best, _item(op, av, ic))
    flush()
    return best


def _item(op, av, ic: bool) -> Need:
    if op is C.SUBPATTERN:
        _group, add, remove, sub = av
        if add & C.SRE_FLAG_IGNORECASE:
            ic = True
        if remove & C.SRE_FLAG_IGNORECASE:
            ic = False
        return _seq(list(sub), ic)
    if op is C.ATOMIC_GROUP:
        return _seq(list(av), ic)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, _hi, sub = av
        return _seq(list(sub), ic) if lo >= 1 else None
    if op is C.ASSERT:          # a lookahead/behind's text is in the line too
        return _seq(list(av[1]), ic)
    if op is C.BRANCH:
        alts = [_seq(list(alt), ic) for alt in av[1]]
        if any(a is None for a in alts):
            return None
        return frozenset().union(*alts)
    return None                 # classes, anchors, negative lookarounds, backrefs


def fold(text: str) -> str:
    """Text to look for case-insensitive (lowercase ASCII) literals in: regex's (?i) also
    lets 'i' match 'İ' (casefold: 'i' + U+0307) and 'I' match 'ı'."""
    return text.casefold().replace("\u0307", "").replace("ı", "i")


def present(need: frozenset, text: str, folded: str) -> bool:
    return any((lit in text) if not ic else (lit in folded) if pat is None
               else pat.search(text) is not None for lit, ic, pat, _ in need)


class Page:
    """A page's lines joined, plain and folded, as UTF-8 (bytes.find is much faster than
    str.find on non-ASCII text), to find which lines hold a literal."""

    def __init__(self, texts: list[str]):
        text = "\n".join(texts)
        # fold maps no character to or from "\n": line numbers are the same in both
        self.raw = text.encode("utf-8", "surrogatepass")
        self.folded = fold(text).encode("utf-8", "surrogatepass")
        self.text = text
        self.starts, self.fstarts = _starts(self.raw), _starts(self.folded)
        self._memo: dict[frozenset, set[int]] = {}

    def lines_with(self, need: frozenset) -> set[int]:
        """Indices of the lines containing one of the literals."""
        found = self._memo.get(need)
        if found is not None:
            return found
        found = self._memo[need] = set()
        for _lit, ic, pat, data in need:
            if pat is not None:
                found.update(self.text.count("\n", 0, m.start()) for m in pat.finditer(self.text))
                continue
            hay, starts = (self.folded, self.fstarts) if ic else (self.raw, self.starts)
            j = hay.find(data)
            while j != -1:
                line = bisect_right(starts, j) - 1
                found.add(line)
                j = hay.find(data, starts[line + 1] if line + 1 < len(starts) else len(hay))
        return found


def _starts(data: bytes) -> list[int]:
    starts = [0]
    j = data.find(b"\n")
    while j != -1:
        starts.append(j + 1)
        j = data.find(b"\n", j + 1)
    return starts
