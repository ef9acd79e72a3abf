"""Which lines of a page each of many patterns may match: the one line scanner that
detection and the rule engine share.

A literal prefilter (prefilter.py: one Aho-Corasick pass over the page) names, per line,
the patterns whose literal atoms it holds; patterns without atoms are joined into regex
scanners over the whole page (^-anchored ones led by a literal newline, so they are
tried at line starts only). Either way a candidate is only a candidate: callers confirm
each pattern on its line alone (`guarded_search`), so no hit ever spans a line break.
"""
from __future__ import annotations

from bisect import bisect_right
from contextvars import ContextVar
from functools import cached_property
from itertools import accumulate
from re import _constants as C, _parser
from time import monotonic
import unicodedata

import regex

from . import derived
from .errors import CleanerError
from .prefilter import Folded, Prefilter, stdlib_tree
from .ruleset import Pat, compile_union, pattern_pieces, plain, top_level_branches

TIMEOUT = 2.0          # seconds a pattern may spend on one ordinary line
TIMEOUT_PER_MB = 0.5   # extra seconds per MB, so a 50 MB line is not a false alarm
PAGE_TIMEOUT = 10.0    # seconds all patterns together may spend on one ordinary page

# A timeout costs two reads of the process's CPU clock per call, system calls that cost
# more than matching a short line. A pattern whose backtracking on a line of n characters
# is bounded by at most STEP_LIMIT steps (`steps`) cannot run away there: it is searched
# without one. Each step is a constant amount of C work (a character test, a backtrack,
# a group's bookkeeping); the worst measured is ~1.3 ns (`^(?:.*?,){3}x` on "a,"*100:
# 41 ms, bound 3.3e7 steps), so 1e6 steps take ~1 ms, and under 0.1 s even at 100 ns
# a step: far inside the line's budget.
STEP_LIMIT = 10 ** 6
# Untimed searches of a page are charged their bound; every PAGE_STEPS steps of them the
# page's clock is read again (by one timed search), so a page of many short lines still
# stops within PAGE_STEPS steps (well under a second) of its budget.
PAGE_STEPS = 10 ** 7


class _Page:
    __slots__ = ("deadline", "credit")

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.credit = PAGE_STEPS


# The page being cleaned (its deadline by the monotonic clock and what is left of its
# untimed steps), if a page is being cleaned: a context variable, so threads sharing a
# Cleaner keep their own.
_page: ContextVar[_Page | None] = ContextVar("page_budget", default=None)


class page_budget:
    """Bound the time patterns may take on this page (on top of each line's budget), so
    that many slow lines cannot add up to minutes. (A class, not a contextmanager
    generator: entered once a page, where the generator's machinery costs more.)"""
    __slots__ = ("_size", "_token")

    def __init__(self, text: str):
        self._size = len(text)

    def __enter__(self) -> None:
        self._token = _page.set(_Page(monotonic() + PAGE_TIMEOUT
                                      + self._size * TIMEOUT_PER_MB / 1e6))

    def __exit__(self, *exc) -> None:
        _page.reset(self._token)


def page_spent() -> bool:
    """The page being cleaned has used up its time (so a timeout is the page's, not a
    line's)."""
    page = _page.get()
    return page is not None and monotonic() >= page.deadline


def budget(s: str) -> float:
    """Seconds a pattern may spend on `s`: its own budget, within what is left of the
    page's."""
    own = TIMEOUT + len(s) * TIMEOUT_PER_MB / 1e6
    page = _page.get()
    if page is None:
        return own
    # a spent page budget still gives the regex module a positive timeout, which it
    # then reports at once
    return max(min(own, page.deadline - monotonic()), 1e-9)


def guarded_search(pattern: regex.Pattern, s: str, pos: int | None = None):
    """pattern.search(s, pos) within the time budget of s (TimeoutError past it). The
    timeout goes by position (string, pos, endpos, concurrent, partial, timeout): as a
    keyword, the regex module's argument parsing costs as much as searching a short line.
    A search `steps` bounds below STEP_LIMIT on s runs without a timeout; else, if the
    pattern has a precheck so bounded, a line the precheck misses is missed untimed."""
    if pos is None:
        plan = _plans.get(pattern)
        if plan is None:
            plan = _planned(pattern)
        costs, pre, pre_costs = plan
        size = len(s).bit_length()
        # an untimed search of up to costs[size] steps runs unless the page's untimed
        # steps are spent (then its clock is read, by a timed search, and they renew);
        # written out here: a call costs about what searching a short line does
        if size < len(costs):
            page = _page.get()
            if page is None:
                return pattern.search(s)
            page.credit -= costs[size]
            if page.credit >= 0:
                return pattern.search(s)
            page.credit = PAGE_STEPS
        elif size < len(pre_costs):
            page = _page.get()
            if page is None:
                if pre.search(s) is None:
                    return None
            else:
                page.credit -= pre_costs[size]
                if page.credit >= 0:
                    if pre.search(s) is None:
                        return None
                else:
                    page.credit = PAGE_STEPS
    return pattern.search(s, pos, None, None, False, budget(s))


# Per compiled pattern: its costs (step_costs), and its precheck with the precheck's.
_plans: dict[regex.Pattern, tuple[tuple[int, ...], regex.Pattern | None, tuple[int, ...]]] = {}


def _planned(pattern: regex.Pattern):
    """The pattern's plan: from its first search if an earlier run stored it (derived.py),
    else from its PLAN_AFTER-th search on (the first are timed). Making a plan costs
    about a millisecond (up to ~75 ms), a timed search ~1.5-3 µs more than an untimed
    one: a plan made pays for itself only after some hundreds of searches, which most
    patterns never reach in a run of a few thousand pages (median 19 searches in 1,500);
    a stored one costs only compiling its precheck, if it has one (~0.4 ms)."""
    uses = _uses[pattern] = _uses.get(pattern, 0) + 1
    if 1 < uses < PLAN_AFTER:
        return _TIMED
    key = f"{pattern.flags} {pattern.pattern}"
    if uses == 1:
        stored = derived.get("plan", key)
        if stored is not derived.MISSING:
            costs, pre, pre_costs = stored
            pre = regex.compile(pre, pattern.flags) if pre is not None else None
            plan = _plans[pattern] = tuple(costs), pre, tuple(pre_costs)
            return plan
        if uses < PLAN_AFTER:
            return _TIMED
    costs = step_costs(pattern)
    pre = precheck(pattern) if len(costs) <= PRE_LINES else None
    plan = _plans[pattern] = costs, pre, step_costs(pre) if pre is not None else ()
    derived.put("plan", key, [costs, pre.pattern if pre is not None else None, plan[2]])
    return plan


PLAN_AFTER = 500
_TIMED = ((), None, ())
_uses: dict[regex.Pattern, int] = {}


PRE_LINES = 10      # prechecks are bounded on lines under 2**PRE_LINES characters
_LEAD = regex.compile(r"(?:\(\?[a-zA-Z]+\))*")
_QUANTIFIER = regex.compile(r"(?:[*+?]|\{\d*(?:,\d*)?\})[?+]?")
_ESCAPE = regex.compile(r"\\(?:[pPN]\{[^}]*\}|[pP][A-Za-z]|x\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}"
                        r"|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[gk]<[^>]*>|0[0-7]{0,2}|[1-9]\d*|.)",
                        regex.DOTALL)


def precheck(pattern: regex.Pattern) -> regex.Pattern | None:
    """A cheaper pattern that matches wherever `pattern` does: each top-level branch cut
    to its longest run of leading items whose search stays within STEP_LIMIT on lines
    under 2**PRE_LINES characters, and into the group after them the same way. A match
    of a branch starts with a match of its leading items, at the same place, and a
    group's match (or a lookahead's) with a match of its own; so a line the precheck
    misses, the pattern misses. (The rules' patterns fail on most lines they are tried
    on: a line prose shares a word with.) None when no branch is cut, a branch keeps no
    literal or class, or the pattern refers to its groups (a cut could renumber them)."""
    if pattern.flags & _UNBOUNDED_FLAGS or _CASE_OR_LINES.search(pattern.pattern):
        return None
    source = plain(pattern.pattern)
    lead = _LEAD.match(source).group()
    branches = top_level_branches(source[len(lead):])
    whole = stdlib_tree(source)
    if whole is None or whole[1] or _refers(whole[0]):
        return None
    n, limit = (1 << PRE_LINES) - 1, STEP_LIMIT // len(branches)

    def fits(part: str) -> bool:
        tree = stdlib_tree(lead + part)
        bound = steps(tree[0], n) if tree is not None else None
        return bound is not None and bound <= limit

    cut = []
    for branch in branches:
        part = _cut(branch, fits)
        # the cut is a prefix of the branch as the parser reads it too, and keeps a
        # literal or a class (else it matches nearly every line)
        short, full = stdlib_tree(lead + part), stdlib_tree(lead + branch)
        if short is None or full is None:
            return None
        short, full = _tuples(short[0]), _tuples(full[0])
        if not (_leads(short, full) and _selective(short)):
            return None
        cut.append(part)
    if cut == branches:
        return None
    try:
        return regex.compile(lead + "|".join(cut), pattern.flags)
    except regex.error:
        return None


# a group a cut may enter: capturing, non-capturing, named, atomic, lookahead; not a
# negative or a lookbehind one (its prefix is no weaker), nor one setting flags
_OPENER = regex.compile(r"\((?:\?:|\?P?<\w+>|\?>|\?=|(?!\?))")


def _cut(branch: str, fits) -> str:
    """The longest run of the branch's leading items that `fits`, then the group after
    them (if it is no repeat) cut the same way, if that still fits."""
    ends = _item_ends(branch)
    if ends is None:
        return ""
    # by bisection: a longer prefix's bound is never smaller
    lo, hi = 0, len(ends)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(branch[:ends[mid - 1][1]]):
            lo = mid
        else:
            hi = mid - 1
    part = branch[:ends[lo - 1][1]] if lo else ""
    if lo < len(ends):
        atom_end, end = ends[lo]
        opener = _OPENER.match(branch, len(part), atom_end)
        if opener and end == atom_end:
            inner = top_level_branches(branch[opener.end():atom_end - 1])
            head = part + opener.group()
            subs = [_cut(b, lambda c: fits(head + c + ")")) for b in inner]
            if all(subs) and fits(head + "|".join(subs) + ")"):
                part = head + "|".join(subs) + ")"
    return part


def _item_ends(source: str) -> list[tuple[int, int]] | None:
    """Where each top-level item of a branch ends: its atom, and its quantifier."""
    level: dict[int, bool] = {}     # piece start -> outside every group and class
    groups = classes = 0
    for i, piece, kind in pattern_pieces(source):
        level[i] = groups == classes == 0
        if kind == "literal":
            if piece.startswith("["):
                classes += 1
            elif piece == "]" and classes:
                classes -= 1
        elif piece == "(":
            groups += 1
        elif piece == ")":
            groups -= 1
    ends, i = [], 0
    while i < len(source):
        if source[i] in ")|":
            return None
        if source[i] == "\\":
            j = _ESCAPE.match(source, i).end()
        else:
            j = i + 1
            while j < len(source) and not level.get(j, False):
                j += 1
        quantifier = _QUANTIFIER.match(source, j)
        i = quantifier.end() if quantifier else j
        ends.append((j, i))
    return ends


def _leads(short: tuple, full: tuple) -> bool:
    """The parsed items `short` are a leading part of `full`: the same items, the last
    of which may be a group, atomic group, lookahead or alternation cut the same way."""
    k = len(short)
    if k > len(full) or short[:k - 1] != full[:k - 1]:
        return False
    if not k or short[-1] == full[k - 1]:
        return True
    (op, av), (full_op, full_av) = short[-1], full[k - 1]
    if op is not full_op:
        return False
    if op is C.SUBPATTERN:
        return av[:3] == full_av[:3] and _leads(av[3], full_av[3])
    if op is C.ASSERT:
        return av[0] == full_av[0] == 1 and _leads(av[1], full_av[1])
    if op is C.ATOMIC_GROUP:
        return _leads(av, full_av)
    if op is C.BRANCH:
        return (len(av[1]) == len(full_av[1])
                and all(map(_leads, av[1], full_av[1])))
    return False


def _selective(node) -> bool:
    """A literal or a class somewhere in the parsed items (else they match most lines)."""
    if isinstance(node, tuple) and len(node) == 2 and (node[0] is C.LITERAL or node[0] is C.IN):
        return True
    return isinstance(node, tuple) and any(map(_selective, node))


def _tuples(node):
    """A parsed tree as nested tuples, to compare."""
    if isinstance(node, (list, tuple, _parser.SubPattern)):
        return tuple(map(_tuples, node))
    return node


def _refers(node) -> bool:
    if isinstance(node, (list, tuple, _parser.SubPattern)):
        return any(map(_refers, node))
    return node is C.GROUPREF or node is C.GROUPREF_EXISTS


def step_costs(pattern: regex.Pattern) -> tuple[int, ...]:
    """costs[b]: the steps bound of a search on a line of under 2**b characters, for each
    b whose bound is within STEP_LIMIT (empty: every search is timed)."""
    out: list[int] = []
    if pattern.flags & regex.MULTILINE or _LINES.search(pattern.pattern):
        return ()
    tree = stdlib_tree(pattern.pattern)
    if tree is None:
        return ()
    if tree[1] or pattern.flags & regex.IGNORECASE or _CASELESS.search(pattern.pattern):
        return ()
    # classes as `_stops` reads them (`.` not matching newlines)
    marked = None if pattern.flags & regex.DOTALL or _DOTALL.search(
        pattern.pattern) else _steps_tree(pattern.pattern)
    if marked is not None:
        tree = marked
    refine = int(marked is not None)
    while len(out) < 32:
        n = (1 << len(out)) - 1
        bound = steps(tree[0], n, refine)
        if bound is None or bound > STEP_LIMIT:
            break
        out.append(bound)
    return tuple(out)


# Ignoring case folds a character to several (ß to ss), and the regex module then tries
# more than one way where the pattern shows one (`(?i)^(?:[\p{L}.&'’-]+\ ){0,3}...` on
# "SSSS..." backtracks exponentially, though no ß is in the pattern); multi-line anchors
# match inside the text: neither is modelled below, so such patterns are always timed.
# (Also any inline flag group naming i or m, wherever it stands: simpler than reading
# scopes, and rare in line rules.) Prechecks and doubled shapes leave them alone too.
_UNBOUNDED_FLAGS = regex.IGNORECASE | regex.MULTILINE
_CASE_OR_LINES = regex.compile(r"\(\?[a-zA-Z-]*[im]")
_LINES = regex.compile(r"\(\?[a-zA-Z-]*m")
_CASELESS = regex.compile(r"\(\?[a-zA-Z-]*i")
_DOTALL = regex.compile(r"\(\?[a-zA-Z-]*s")
_PROPERTY = regex.compile(r"(\\\\)|\\[pP](?:\{[^}]*\}|[A-Za-z])")


_PRIVATE = regex.compile(r"[\uE000-\uF8FF]|\\[uU]0*[eEfF]|\\x\{0*[eEfF]|\\N\{")


def _steps_tree(source: str):
    """stdlib_tree with each \\p{..} and \\P{..} read as a private-use character of its own
    (`_PROPERTIES`), not \\w (\\p{M} marks or \\p{Cyrillic} signs are no \\w), so that
    `_may_match` asks the regex module what it holds. The same shape and costs as
    stdlib_tree's; None where that is None, or where the pattern may name a private-use
    character itself."""
    if _PRIVATE.search(source):
        return None
    return stdlib_tree(_PROPERTY.sub(lambda m: m.group(1) or f"\\u{_mark(m.group())}", source))


_PROPERTIES: dict[str, int] = {}      # a property escape -> its private-use code point
_MARKS: dict[int, regex.Pattern] = {}


def _mark(escape: str) -> str:
    code = _PROPERTIES.get(escape)
    if code is None:
        code = 0xE000 + len(_PROPERTIES)
        if code > 0xF8FF:
            raise ValueError("too many properties")
        _MARKS[code] = regex.compile(escape, regex.VERSION1)
        _PROPERTIES[escape] = code
    return f"{code:04X}"


_CAP = 1 << 62      # bounds past this are all "too many"
_SINGLE = {C.LITERAL, C.NOT_LITERAL, C.ANY, C.AT}
_AT_START = ((C.AT, C.AT_BEGINNING), (C.AT, C.AT_BEGINNING_STRING))


def steps(tree, n: int, refine: int = 0) -> int | None:
    """An upper bound on the backtracking steps of searching a string of n characters
    for the pattern `tree` (the stdlib parser's tree, as prefilter.stdlib_tree gives it);
    None for constructs not modelled.

    Each node gets (out, work): how many ways it can match from one position, each of
    which the rest of the pattern is tried after, and the steps it takes to find them
    all. A sequence multiplies: its second node is tried once per way of the first. An
    alternation adds. A repeat of a body with (o, w), whose every iteration takes at
    least one character (else it is not modelled), runs at most k = min(max, min + n)
    iterations: o**j ways to reach iteration j, each trying the body once more. Atomic
    groups, possessive repeats and lookarounds leave one way out but cost all their
    inner work. A search tries every start (n + 1); after a leading ^ only the first
    start gets past it, and lookaheads right after it that run to $ within w characters
    (`^(?=.{10,160}+$)`) let the rest run only on strings of up to w + 1 (a final
    newline): all after the ^ is bounded as on min(n, w + 1) characters.

    `refine` (a tree from `_steps_tree`, whose classes are known): a repeat of one
    character class that the rest of its sequence cannot go on from (the first character
    the rest needs is never in the class, `[\\p{L}'-]+\\s?,`) leaves one way out, not one
    per iteration: every shorter way stops before a character of the class, where the
    rest fails at once (`_stops`). The rest is still tried once per way up to that item."""
    items = list(tree)
    if items and items[0] in _AT_START:
        m = min(n, _length_gate(items))
        found = _seq(items, m, refine)
        return None if found is None else n + 1 + found[0] + found[1]
    found = _seq(items, n, refine)
    if found is None:
        return None
    out, work = found
    return min((n + 1) * (out + work + 1), _CAP)


def _length_gate(items) -> int:
    """After a leading ^: the longest string the lookaheads right after it let through
    (a lookahead whose last item is $ and whose body is at most w characters: w + 1)."""
    gate = _CAP
    for op, av in items[1:]:
        if op is not C.ASSERT or av[0] != 1:
            break
        body = av[1]
        if len(body) and body[-1] in _LINE_END:
            w = body.getwidth()[1]
            if w < _parser.MAXREPEAT - 1:
                gate = min(gate, w + 1)
    return gate


def _seq(items, n: int, refine: int = 0,
         follow: tuple[frozenset[str], int] | None = None) -> tuple[int, int] | None:
    """(ways out, work) of a sequence. `follow` (refined only): the characters one of
    which must come right after the sequence, and the steps a way that leaves it before
    any other character spends after it before it fails (`_after`)."""
    items = list(items)
    out, work = 1, 0
    # a repeat whose other ways all fail by item j (len(items): after the sequence):
    # (j, ways with only its longest, the other ways); until j those others stand before
    # a character none of the items needs, so each costs only its failing first test
    # there (`_fail_node`), and goes on only where an item matches nothing
    pend: tuple[int, int, int] | None = None
    for k, (op, av) in enumerate(items):
        inner = _after(items, k, n, follow) if refine and op in _INNER else None
        found = _node(op, av, n, refine, inner)
        if found is None:
            return None
        o, w = found
        if pend is None:
            work = min(work + out * w, _CAP)
            before = out
            out = min(out * o, _CAP)
        else:
            j, base, bad = pend
            failed = _fail_node(op, av, n)
            if failed is None:
                return None
            work = min(work + base * w + bad * failed[0], _CAP)
            before = base
            base = min(base * o, _CAP)
            bad = 0 if k == j else min(bad * failed[1], _CAP)
            pend = None if k == j else (j, base, bad)
            out = min(base + bad, _CAP)
        if refine and pend is None and o > 1:
            j = _stops(items, k, follow)
            if j is not None:
                pend = (j, before, min(before * (o - 1), _CAP))
    if pend is not None:        # the repeat's other ways fail after the sequence
        work = min(work + pend[2] * follow[1], _CAP)
        out = pend[1]
    return out, work


_INNER = {C.SUBPATTERN, C.BRANCH, C.MAX_REPEAT, C.MIN_REPEAT}


def _after(items, k: int, n: int, follow) -> tuple[frozenset[str], int] | None:
    """What must follow items[k]: the first characters of the rest of the sequence (and
    of what follows the sequence, if the rest may match nothing), and the steps a way
    standing before any other character spends there before it fails (`_fail_seq`; past
    the sequence, its empty ways times `follow`'s)."""
    found = _first(items[k + 1:], follow is not None)
    if found is None:
        return None
    chars, j = found
    failed = _fail_seq(items[k + 1:k + 2 + j], n)
    if failed is None:
        return None
    cost, ways = failed
    if j < len(items) - k - 1:
        return chars, cost
    return chars | follow[0], min(cost + ways * follow[1], _CAP)


def _fail_seq(items, n: int) -> tuple[int, int] | None:
    """(steps, ways) of a way through `items` standing before a character that is none of
    their first characters (`_first`): each item that needs a character fails at its
    first test; lookarounds run in full; items that may match nothing pass, in `ways`
    ways (the last item's count is what is left for what follows)."""
    cost, ways = 0, 1
    for op, av in items:
        found = _fail_node(op, av, n)
        if found is None:
            return None
        c, empty = found
        cost = min(cost + ways * c, _CAP)
        ways = min(ways * empty, _CAP)
        if not ways:
            break
    return cost, ways


def _fail_node(op, av, n: int) -> tuple[int, int] | None:
    """(steps, ways it matches nothing) of one item at such a place."""
    if op is C.LITERAL or op is C.NOT_LITERAL or op is C.ANY:
        return 1, 0
    if op is C.IN:
        return len(av), 0
    if op is C.AT:
        return 1, 1
    if op is C.ASSERT or op is C.ASSERT_NOT:
        found = _node(op, av, n)
        return None if found is None else (found[1], 1)
    if op is C.SUBPATTERN:
        return _fail_seq(av[3], n)
    if op is C.ATOMIC_GROUP:
        found = _fail_seq(av, n)
        return None if found is None else (found[0], min(found[1], 1))
    if op is C.BRANCH:
        cost = empty = 0
        for alt in av[1]:
            found = _fail_seq(alt, n)
            if found is None:
                return None
            cost, empty = min(cost + found[0], _CAP), min(empty + found[1], _CAP)
        return min(cost + 1, _CAP), empty
    if op is C.MAX_REPEAT or op is C.MIN_REPEAT or op is C.POSSESSIVE_REPEAT:
        found = _fail_seq(av[2], n)
        return None if found is None else (found[0], int(av[0] == 0))
    return None


def _node(op, av, n: int, refine: int = 0, follow=None) -> tuple[int, int] | None:
    if op in _SINGLE:
        return 1, 1
    if op is C.IN:                 # a class: one test per member
        return 1, len(av)
    if op is C.GROUPREF:           # compares up to n characters
        return 1, n + 1
    if op is C.SUBPATTERN:
        return _seq(av[3], n, refine, follow)
    if op is C.BRANCH:
        found = [_seq(alt, n, refine, follow) for alt in av[1]]
        if None in found:
            return None
        return min(sum(o for o, _ in found), _CAP), min(sum(w for _, w in found) + 1, _CAP)
    if op is C.ATOMIC_GROUP or op is C.ASSERT or op is C.ASSERT_NOT:
        # a lookbehind matches its items from the last to the first: `_stops` reads
        # what follows a repeat, so it is not refined there
        found = _seq(av if op is C.ATOMIC_GROUP else av[1], n,
                     refine if op is C.ATOMIC_GROUP or av[0] == 1 else 0)
        return None if found is None else (1, min(found[0] + found[1], _CAP))
    if op is C.GROUPREF_EXISTS:
        yes = _seq(av[1], n, refine)
        no = _seq(av[2], n, refine) if av[2] is not None else (1, 1)
        if yes is None or no is None:
            return None
        return min(yes[0] + no[0], _CAP), min(yes[1] + no[1] + 1, _CAP)
    if op is C.MAX_REPEAT or op is C.MIN_REPEAT or op is C.POSSESSIVE_REPEAT:
        lo, hi, body = av
        if body.getwidth()[0] == 0:
            return None
        # after an iteration: another one, or what follows the repeat; a way that
        # leaves the body before other characters fails in both
        inner = None
        if follow is not None and op is not C.POSSESSIVE_REPEAT:
            if hi == 1:
                inner = follow
            else:       # another iteration fails by the body's item that needs a character
                first = _first(list(body))
                again = _fail_seq(list(body), n) if first is not None else None
                if again is not None and not again[1]:
                    inner = (first[0] | follow[0], min(again[0] + follow[1], _CAP))
        found = _seq(body, n, refine, inner)
        if found is None:
            return None
        o, w = found
        k = min(hi, lo + n)
        ways = tries = 0      # ways out (iterations lo..k), body tries (iterations 0..k-1)
        reach = 1             # ways to reach iteration j
        for j in range(k + 1):
            if j >= lo:
                ways = min(ways + reach, _CAP)
            if j < k:
                tries = min(tries + reach, _CAP)
            if o == 1 and j >= lo:       # every further iteration adds one of each
                ways = min(ways + k - j, _CAP)
                tries = min(tries + max(k - j - 1, 0), _CAP)
                break
            reach = min(reach * o, _CAP)
            if tries >= _CAP:
                return _CAP, _CAP
        work = min(w * tries, _CAP)
        if op is C.POSSESSIVE_REPEAT:
            return 1, min(ways + work, _CAP)
        return ways, work
    return None


# Sets of characters for `_stops`. The classes of a `_steps_tree`: a property there is a
# private-use character (`_mark`), whose members the regex module tells. \s as the regex
# module and the stdlib may read it (Unicode White_Space and str.isspace), with some
# look-alikes: a superset.
_SPACES = frozenset("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u180e\u2000\u2001\u2002\u2003"
                    "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f"
                    "\u3000\ufeff")
_SPACES_SURE = frozenset("\t\n\x0b\x0c\r ")     # \s surely holds these
_FEW = 256      # a range of more characters is not spelt out
_ONE_CHAR = {C.LITERAL, C.NOT_LITERAL, C.IN, C.ANY}


def _stops(items, k: int, follow=None) -> int | None:
    """For a repeat items[k] of one character class (greedy or lazy): the index j of the
    item of the rest of the sequence at which every way of the repeat but its longest
    fails at once, or None. Ways end at distinct places; any but the longest ends before
    a character the class matched; the rest's zero-width items (lookarounds, \\b) do not
    move, its optional items need a first character from their first sets, and item j
    needs one from its own (or, for $, a newline or the end): when none of those
    characters is in the class, that way fails by item j."""
    op, av = items[k]
    if op is not C.MAX_REPEAT and op is not C.MIN_REPEAT:
        return None
    body = list(av[2])
    if len(body) != 1 or body[0][0] not in _ONE_CHAR:
        return None
    first = _first(items[k + 1:], follow is not None)
    if first is None:
        return None
    chars, j = first
    if j == len(items) - k - 1:         # the rest may match nothing: what follows too
        chars = chars | follow[0]
    if any(_may_match(body[0], c) for c in chars):
        return None
    return k + 1 + j


def _first(items, through: bool = False) -> tuple[frozenset[str], int] | None:
    """(chars, j): the characters one of which the sequence's first character must be,
    and the index of its first item that needs one (or is $, which needs a newline or
    the end); None when some item's first characters are not a small known set, or the
    whole sequence may match nothing, unless `through` (what follows is known to the
    caller): then j is len(items) (past the last item) and chars those of all items."""
    chars: set[str] = set()
    for j, (op, av) in enumerate(items):
        if op is C.ASSERT or op is C.ASSERT_NOT:
            continue
        if op is C.AT:
            if av is C.AT_END:
                return frozenset(chars | {"\n"}), j
            if av is C.AT_END_STRING:
                return frozenset(chars), j
            if av is C.AT_BOUNDARY or av is C.AT_NON_BOUNDARY:
                continue
            return None
        found = _first_of(op, av)
        if found is None:
            return None
        more, nullable = found
        chars |= more
        if not nullable:
            return frozenset(chars), j
    return (frozenset(chars), len(items)) if through else None


def _first_of(op, av) -> tuple[set[str], bool] | None:
    """An item's possible first characters and whether it may match nothing."""
    if op is C.LITERAL:
        return ({chr(av)}, False) if av not in _MARKS else None
    if op is C.IN:
        out: set[str] = set()
        for member, value in av:
            if member is C.LITERAL and value not in _MARKS:
                out.add(chr(value))
            elif member is C.RANGE and value[1] - value[0] < _FEW:
                out.update(map(chr, range(value[0], value[1] + 1)))
            elif member is C.CATEGORY and value is C.CATEGORY_SPACE:
                out |= _SPACES
            else:
                return None
        return out, False
    if op is C.SUBPATTERN:
        return _first_seq(av[3])
    if op is C.ATOMIC_GROUP:
        return _first_seq(av)
    if op is C.BRANCH:
        out, nullable = set(), False
        for alt in av[1]:
            found = _first_seq(alt)
            if found is None:
                return None
            out |= found[0]
            nullable = nullable or found[1]
        return out, nullable
    if op is C.MAX_REPEAT or op is C.MIN_REPEAT or op is C.POSSESSIVE_REPEAT:
        found = _first_seq(av[2])
        if found is None or found[1]:
            return None
        return found[0], av[0] == 0
    return None


def _first_seq(items) -> tuple[set[str], bool] | None:
    """A group's sequence: its first characters, and whether it may match nothing (then
    what follows the group comes first, which the caller adds)."""
    chars: set[str] = set()
    for op, av in items:
        if op is C.ASSERT or op is C.ASSERT_NOT:
            continue
        if op is C.AT:
            if av is C.AT_BOUNDARY or av is C.AT_NON_BOUNDARY:
                continue
            return None      # $ or ^ inside a group: not read
        found = _first_of(op, av)
        if found is None:
            return None
        chars |= found[0]
        if not found[1]:
            return chars, False
    return chars, True


def _marked(code: int, c: str) -> bool | None:
    """Whether the property a private-use code point stands for holds c (None: not one)."""
    pattern = _MARKS.get(code)
    return None if pattern is None else pattern.fullmatch(c) is not None


def _is_literal(code: int, c: str) -> bool:
    """Whether c is the literal `code` (or has the property a private-use one marks)."""
    held = _marked(code, c)
    return chr(code) == c if held is None else held


def _may_match(node, c: str) -> bool:
    """Whether a one-character item may match c (True when unsure)."""
    op, av = node
    if op is C.LITERAL:
        return _is_literal(av, c)
    if op is C.NOT_LITERAL:
        return not _is_literal(av, c)
    if op is C.ANY:
        return c != "\n"
    negate = bool(av) and av[0][0] is C.NEGATE
    if negate:      # in the class unless c surely is one of the members
        return not any(_surely_in(m, c) for m in av[1:])
    return any(_maybe_in(m, c) for m in av)


def _maybe_in(member, c: str) -> bool:
    op, value = member
    if op is C.LITERAL:
        return _is_literal(value, c)
    if op is C.RANGE:
        return value[0] <= ord(c) <= value[1]
    if op is C.CATEGORY:
        if value is C.CATEGORY_SPACE:
            return c in _SPACES
        if value is C.CATEGORY_NOT_SPACE:
            return c not in _SPACES_SURE
        if value is C.CATEGORY_DIGIT:
            return c.isdigit() or c.isnumeric()
        if value is C.CATEGORY_NOT_DIGIT:
            return not c.isdecimal()
        if value is C.CATEGORY_WORD:
            return (c.isalnum() or c == "_" or unicodedata.category(c)[0] in "MNP"
                    or c in "\u200c\u200d")
        if value is C.CATEGORY_NOT_WORD:
            return not (c.isalpha() or c.isdecimal() or c == "_")
    return True


def _surely_in(member, c: str) -> bool:
    op, value = member
    if op is C.LITERAL:
        return _is_literal(value, c)
    if op is C.RANGE:
        return value[0] <= ord(c) <= value[1]
    if op is C.CATEGORY and value is C.CATEGORY_SPACE:
        return c in _SPACES_SURE
    return False


class ScanTimeout(CleanerError):
    """A whole-page scan ran out of time: one of `patterns` (indices) backtracks, on
    line `line` (0-based) or after it. Callers name the culprit by trying each alone."""
    exit_code = 1

    def __init__(self, patterns: list[int], line: int):
        self.patterns, self.line = patterns, line
        super().__init__(f"scan ran out of time at line {line + 1}")


_DOUBLED_WIDTHS = 8      # a doubled shape's middle may take this many widths at most
_ZERO_WIDTH = {C.ASSERT, C.ASSERT_NOT}
_LINE_END = ((C.AT, C.AT_END), (C.AT, C.AT_END_STRING))


def doubled_shape(source: str) -> tuple[int, int, tuple[int, ...]] | None:
    """(a, b, widths) when `source` is a line written twice: ^, lookarounds, group 1 of
    a..b characters, a middle of one of `widths` characters, \\1, $ (bbc-caption-glued-
    twice, mt-name-doubled). On a line alone (no newline inside) such a pattern matches
    only a line s of n = 2k + w characters, k in a..b and w in widths, with s[:k] ==
    s[n - k:]: a test of one slice per width, where the regex module tries every k with
    a backreference (~1.5 µs a line). None for any other pattern, and for patterns
    ignoring case (a backreference then matches other text) or naming groups (the
    stdlib's reading drops names, which could renumber group 1)."""
    if _CASE_OR_LINES.search(source) or _NAMED.search(source):
        return None
    tree = stdlib_tree(source)
    if tree is None or tree[1]:
        return None
    items = list(tree[0])
    if len(items) < 4 or items[0] not in _AT_START or items[-1] not in _LINE_END:
        return None
    j = 1
    while j < len(items) and items[j][0] in _ZERO_WIDTH:
        j += 1
    if j >= len(items) or items[j][0] is not C.SUBPATTERN:
        return None
    group, add_flags, del_flags, body = items[j][1]
    if group != 1 or add_flags or del_flags or items[-2] != (C.GROUPREF, 1):
        return None
    middle = items[j + 1:-2]
    if any(op is C.GROUPREF or op is C.GROUPREF_EXISTS or _refers(av) for op, av in middle):
        return None
    a, b = body.getwidth()
    c, d = _parser.SubPattern(tree[0].state, middle).getwidth()
    if d - c >= _DOUBLED_WIDTHS or _refers(_tuples(body)):
        return None
    return a, b, tuple(range(c, d + 1))


_NAMED = regex.compile(r"\(\?P?<(?![=!])")


def _doubled_lines(texts: list[str], shape: tuple[int, int, tuple[int, ...]]):
    """The lines that `doubled_shape`'s test lets through (a line ending in a newline
    too: `$` may match before it)."""
    a, b, widths = shape
    lo, hi = 2 * a + widths[0], 2 * b + widths[-1] + 1
    for i, s in enumerate(texts):
        n = len(s)
        if lo <= n <= hi:
            if n and s[-1] == "\n":
                yield i
                continue
            for w in widths:
                k = (n - w) >> 1
                # the second copy's first character first: most lines fail there
                if (n - w) & 1 == 0 and a <= k <= b and (
                        k == 0 or s[0] == s[n - k] and s.startswith(s[n - k:])):
                    yield i
                    break


class LineScanner:
    """Candidate lines for many patterns (`finders`), found in one pass per page."""

    def __init__(self, finders: list[Pat], trimmed: bool = False):
        """`trimmed`: the patterns run on lines as they are (with leading spaces) but are
        looked for in the page's stripped lines (see Prefilter)."""
        self.finders = finders
        self.trimmed = trimmed

    @cached_property
    def prefilter(self) -> Prefilter:
        return Prefilter([p.source for p in self.finders], self.trimmed)

    @cached_property
    def doubled(self) -> tuple[tuple[int, tuple[int, int, tuple[int, ...]]], ...]:
        """The finders the prefilter cannot narrow that are a line written twice
        (`doubled_shape`), each with its index: tested in Python, not scanned. (Not for
        trimmed scanners: their regex scans read lines as they are.)"""
        if self.trimmed:
            return ()
        found = ((k, doubled_shape(self.finders[k].source)) for k in self.prefilter.unfiltered)
        return tuple((k, shape) for k, shape in found if shape is not None)

    @cached_property
    def scanners(self) -> tuple[tuple[regex.Pattern, list[int]], ...]:
        """Whole-page regex scans for the other finders the prefilter cannot narrow, each
        with the indices it stands for: one for ^-anchored patterns, one for the others."""
        out = []
        doubled = {k for k, _ in self.doubled}
        for anchored in (True, False):
            ks = [k for k in self.prefilter.unfiltered
                  if k not in doubled and self.finders[k].anchored == anchored]
            if ks:
                # a hit counts for all of ks: one copy of a pattern several rules share
                # (bbc-old-picture's and bbc-old-lead-picture's alt text) is enough
                members = list({self.finders[k].source: self.finders[k] for k in ks}.values())
                out.append((compile_union(members, regex.MULTILINE,
                                          "\\n" if anchored else ""), ks))
        return tuple(out)

    def candidates(self, texts: list[str], folded: Folded) -> dict[int, set[int]]:
        """Line index -> indices of the finders that may match it, in line order.
        `texts`: the lines the regex scanners read; `folded`: the page's stripped lines
        as the prefilter reads them. A scanner match may run across a line break: the
        scan resumes at the next line, and the caller confirms on the line alone."""
        # the prefilter's hits are in line order (the walk reads the page in order) and
        # shared: returned as they are when nothing is added (callers only read them),
        # else the few lines added are merged into a copy
        hits = self.prefilter.scan(folded)
        if not self.scanners and not self.doubled:
            return hits
        extra: dict[int, set[int]] = {}
        for k, shape in self.doubled:
            for i in _doubled_lines(texts, shape):
                extra.setdefault(i, set()).add(k)
        if self.scanners:
            self._scan(texts, extra)
        if not extra:
            return hits
        out = dict(hits)
        for i, ks in extra.items():
            got = out.get(i)
            out[i] = ks if got is None else got | ks
        return dict(sorted(out.items()))

    def _scan(self, texts: list[str], hits: dict[int, set[int]]) -> None:
        """The whole-page regex scans' hits, added to `hits`."""
        joined = "\n" + "\n".join(texts)
        # joined[nl[i]] is the newline in front of line i
        nl = list(accumulate((len(t) + 1 for t in texts), initial=0))
        last = len(texts) - 1
        for scanner, ks in self.scanners:
            # one finditer for the page, not a (timed) search per hit: after a match the
            # search goes on from its end, which is on its own line (the next line's
            # newline still ahead); a match that ran across that newline, or an empty
            # one, resumes at the next line's newline instead, as a new finditer
            pos: int | None = 0
            while pos is not None:
                at, pos = pos, None
                try:
                    for m in scanner.finditer(joined, at, timeout=budget(joined)):
                        at = m.end()
                        i = max(bisect_right(nl, m.start()) - 1, 0)
                        hits.setdefault(i, set()).update(ks)
                        if i >= last:
                            break
                        if at > nl[i + 1] or at == m.start():
                            pos = nl[i + 1]
                            break
                except TimeoutError:
                    raise ScanTimeout(ks, max(bisect_right(nl, at) - 1, 0)) from None
