"""Run one outlet's compiled rules over a Document, recording which rule removed what.

Finding the few lines a rule may match is the costly part, so it is done for all of an
outlet's rules at once by the line scanner detection shares (scan.py). Each candidate
line is then tried with its candidate rules' real patterns, on the line alone, in file
order; the first that matches wins. Article lines, the vast majority, cost no Python
work at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import regex

from .document import Document, Removal
from . import scan
from .errors import CleanerError
from .prefilter import EVERY_LINE, Folded, stored_atoms
from .ruleset import Outlet, Pat, Rule
from .scan import LineScanner, ScanTimeout, budget, guarded_search, page_spent

MAX_CUT_ROUNDS = 8     # cuts repeat until nothing changes, so a second pass cuts nothing
REPEAT_MIN = 20        # characters a line needs before repeating it says it is residue
DOUBLED_MAX = 300      # a longer line printed twice is a paragraph, not a caption


class RuleTimeout(CleanerError):
    exit_code = 1    # a failure while cleaning, not bad input

    def __init__(self, rule: Rule, number: int):
        self.rule = rule
        if page_spent():
            super().__init__(f"rule {rule.id} ({rule.source}) ran out of the page's time on "
                             f"input line {number}: the page's patterns took over "
                             f"{scan.PAGE_TIMEOUT:g} s; a pattern is slow on these lines")
        else:
            super().__init__(f"rule {rule.id} ({rule.source}) ran out of time on input line "
                             f"{number}: the pattern backtracks catastrophically; rewrite it")


def page_scan(doc: Document) -> tuple[list[str], Folded]:
    """The page's lines as rules see them (stripped) and their folded buffer: shared by
    detection and every rule set until a cut changes a line."""
    if doc.scan_cache is None:
        texts = [ln.text.strip() for ln in doc.lines]
        doc.scan_cache = (texts, Folded(texts))
    return doc.scan_cache


@dataclass
class Compiled:
    """An outlet's active rules, compiled once and reused for every page."""
    outlet: Outlet

    @cached_property
    def line_rules(self) -> list[Rule]:
        return [r for r in self.outlet.active_rules if r.kind != "cut"]

    @cached_property
    def cut_rules(self) -> list[Rule]:
        return [r for r in self.outlet.active_rules if r.kind == "cut"]

    @cached_property
    def _led(self) -> tuple[list[Pat], dict[int, int]]:
        """Each line rule's finder, and the rules found by a line above them instead
        (`_context_lead`): rule index -> how many lines above."""
        finders, shifts = [], {}
        for k, rule in enumerate(self.line_rules):
            lead = _context_lead(rule)
            if lead is None:
                finders.append(rule.finder)
            else:
                finders.append(lead[0])
                shifts[k] = lead[1]
        return finders, shifts

    @cached_property
    def scanner(self) -> LineScanner:
        return LineScanner(self._led[0])

    @cached_property
    def cut_scanner(self) -> LineScanner:
        # cuts see a line's leading spaces, but are looked for in the shared stripped page
        return LineScanner([r.finder for r in self.cut_rules], trimmed=True)

    def apply(self, doc: Document) -> None:
        lines = doc.lines
        # cuts first, so that line rules (and a later `clean` of the output) see cut text
        if self.cut_rules:
            texts, folded = page_scan(doc)
            if self.cut_scanner.scanners:       # regex scans see lines as cuts do
                texts = [ln.text for ln in lines]
            for i in self._candidates(self.cut_scanner, self.cut_rules, texts, folded):
                if lines[i].removed_by is None:
                    self._cut(doc, i)
        if not self.line_rules:
            return
        texts, folded = page_scan(doc)
        found = self._candidates(self.scanner, self.line_rules, texts, folded)
        if self._led[1]:
            found = _shifted(found, self._led[1], len(texts))
        rules = self.line_rules
        for i, ks in found.items():
            # removed: taken by a block or caption above; blank lines are layout, and a
            # pattern that matches "" must not start a caption or block there
            s = texts[i]
            if s and lines[i].removed_by is None:
                for k in (sorted(ks) if len(ks) > 1 else ks):
                    rule = rules[k]
                    try:    # _search, written out: most lines are tried by one rule or two
                        m = guarded_search(rule.pattern.compiled, s)
                    except TimeoutError:
                        raise RuleTimeout(rule, i + 1) from None
                    if m is not None and self._act(doc, rule, m, i):
                        break

    def _candidates(self, scanner: LineScanner, rules: list[Rule], texts: list[str],
                    folded: Folded) -> dict[int, set[int]]:
        """Lines where some rule may match, in order, each with the indices of the rules
        that may; a scan that runs out of time is blamed on a rule and a line."""
        try:
            return scanner.candidates(texts, folded)
        except ScanTimeout as e:
            for i in range(e.line, len(texts)):
                for k in e.patterns:
                    self._search(rules[k], texts[i], i)
            raise RuleTimeout(rules[e.patterns[0]], e.line + 1) from None

    @staticmethod
    def _search(rule: Rule, s: str, index: int):
        try:
            return guarded_search(rule.pattern.compiled, s)
        except TimeoutError:
            raise RuleTimeout(rule, index + 1) from None

    def _cut(self, doc: Document, i: int) -> None:
        ln = doc.lines[i]
        text = ln.text
        for _ in range(MAX_CUT_ROUNDS):
            before = text
            for rule in self.cut_rules:
                try:
                    pat = rule.pattern.compiled
                    # a pattern that can match "" (b*) finds empty pieces: nothing to cut
                    pieces = [m.group() for m in pat.finditer(text, timeout=budget(text))
                              if m.group()]
                    if not pieces:
                        continue
                    # trimmed as a new Document would trim it, so the next round
                    # (and a later clean of the output) sees the same text
                    text = pat.sub("", text, timeout=budget(text)).rstrip()
                except TimeoutError:
                    raise RuleTimeout(rule, i + 1) from None
                ln.cut_by += (rule.id,)
                doc.cuts.extend(Removal(p, rule.id, i + 1) for p in pieces)
            if text == before:
                break
        if text == ln.text:     # the scan's hit was an empty match
            return
        doc.scan_cache = None      # the line's text changed: the page is scanned anew
        if text.strip():
            ln.text = text
        else:
            doc.remove(i, ln.cut_by[-1])

    def _act(self, doc: Document, rule: Rule, m: regex.Match, i: int) -> bool:
        """Remove what the rule takes at line i; False when it declines (a caption that
        does not read as one, a block whose needed end never comes), so that later rules
        still judge the line."""
        taken = [i]
        if rule.kind == "drop_caption":
            if rule.above and not rule.before and not _context(doc, rule, rule.above, i, -1):
                if _may_turn(doc, rule, i):
                    _context_window(doc, i, rule)
                return False
            caption = _caption_lines(doc, i, rule)
            if caption is None:
                _window(doc, i, rule)
                return False
            taken += caption
        elif rule.kind == "drop_block":
            # through the end line, or to the end of the text if no end is set; an end
            # that never comes keeps the body (recall first), and the start too if asked
            end = len(doc.lines) - 1 if rule.end is None else _find_end(doc, rule, i)
            if end is None and rule.needs_end:
                _window(doc, i, rule)
                return False
            taken = range(i, (end or i) + 1)
        elif rule.kind == "meta":
            for key, value in m.groupdict().items():
                if value:
                    doc.add_meta(key, value)
        for j in taken:
            if rule.capture and j != i:
                doc.add_meta(rule.capture, doc.lines[j].text)
            doc.remove(j, rule.id)
        return True


def _context_lead(rule: Rule) -> tuple[Pat, int] | None:
    """(pattern, n) when a caption rule is better found by a line above it: one with
    `above` and no `before` lines whose own finder has no literal for the prefilter
    (tried on every line), where the n-th line above must match `above[n - 1]`, a
    pattern with literals that cannot match '' either. `_act` reads that line as the
    page or the output prints it (`_context`, `_as_output`: removed lines between print
    as one blank), so the rule can only take a line up to LEAD_SLACK lines past the n-th
    below such a line (`_shifted`); rule order on each line stays as it was."""
    if rule.kind != "drop_caption" or not rule.above or rule.before:
        return None
    if stored_atoms(rule.finder.source) is not None:
        return None
    for n, pat in enumerate(rule.above, 1):
        found = stored_atoms(pat.source)
        if found is not None and found != EVERY_LINE and pat.compiled.search("") is None:
            return pat, n
    return None


LEAD_SLACK = 12     # lines a context-led rule is also tried on past the n-th below its lead


def _shifted(found: dict[int, set[int]], shifts: dict[int, int], count: int) -> dict[int, set[int]]:
    """Candidates with each context-led rule (`_context_lead`) moved from the line above
    that matched its `above` pattern down to the line it may take (sets copied where
    changed: the prefilter's own are shared)."""
    led = shifts.keys()
    moved: dict[int, set[int]] | None = None
    for i, ks in found.items():
        if ks.isdisjoint(led):
            continue
        if moved is None:
            moved = dict(found)
        rest = ks - led
        if rest:
            moved[i] = rest
        else:
            del moved[i]
    if moved is None:
        return found
    for i, ks in found.items():
        if ks.isdisjoint(led):
            continue
        for k in ks & led:
            # the n-th line above as the output prints it may lie further up: removed
            # lines and blank lines around them print as one blank (`_as_output`)
            for j in range(i + shifts[k], min(i + shifts[k] + LEAD_SLACK + 1, count)):
                got = moved.get(j)
                if got is None:
                    moved[j] = {k}
                elif got is found.get(j):
                    moved[j] = got | {k}
                else:
                    got.add(k)
    return dict(sorted(moved.items()))


def drop_repeats(doc: Document) -> None:
    """Drop each kept line that repeats an earlier kept line word for word (whitespace
    aside): a headline printed twice, an alt text above the caption that repeats it. Short
    lines ("Yes.", "Read more") may repeat in an article and are left alone."""
    seen: dict[str, int] = {}
    for i in doc.kept_indices():
        key = _words(doc.lines[i].text)
        if len(key) >= REPEAT_MIN:
            if key in seen:
                doc.remove(i, f"repeat: repeats line {seen[key] + 1}")
            else:
                seen[key] = i


def drop_headline_twice(doc: Document) -> None:
    """Drop the copies of the page's first kept line that follow it as the next kept
    lines (blank lines between): a headline printed twice. (A standfirst shown again
    as the first paragraph is the page's text, and stays.)"""
    kept = doc.kept_indices()
    if not kept:
        return
    key = _words(doc.lines[kept[0]].text)
    if len(key) < REPEAT_MIN:
        return
    for i in kept[1:]:
        if _words(doc.lines[i].text) != key:
            break
        doc.remove(i, f"repeat: the headline printed twice, line {kept[0] + 1}")


def drop_doubled(doc: Document) -> None:
    """Drop both copies of a line printed twice in a row, on adjacent lines (whitespace
    aside; REPEAT_MIN to DOUBLED_MAX characters): an uncredited caption under its alt
    text. A text that repeats itself (a standfirst shown again as the first paragraph)
    has a blank line or a byline between its copies; a headline printed twice keeps its
    first copy (drop_repeats may take the second)."""
    lines = doc.lines
    kept = doc.kept_indices()
    next_key = None     # line i + 1's words, read as the second of a pair, for the next pair
    # the first kept line is the headline, which pages print twice too
    for i in range(kept[0] + 1 if kept else len(lines), len(lines) - 1):
        a, b = lines[i], lines[i + 1]
        if not a.text or not b.text or a.removed_by is not None or b.removed_by is not None:
            next_key = None
            continue
        key = next_key if next_key is not None else _words(a.text)
        next_key = None
        if REPEAT_MIN <= len(key) <= DOUBLED_MAX:
            next_key = _words(b.text)
            if key != next_key:
                continue
            doc.remove(i, f"doubled: printed twice, lines {i + 1} and {i + 2}")
            doc.remove(i + 1, f"doubled: printed twice, lines {i + 1} and {i + 2}")


def _words(text: str) -> str:
    """A line as repeats are compared: its words, whitespace aside. Kept for lines of up
    to WORDS_KEPT characters (drop_doubled, drop_repeats and drop_headline_twice read most
    lines of a known page, in each round), the store emptied when full."""
    words = _WORDS.get(text)
    if words is None:
        words = " ".join(text.split())
        if len(text) <= WORDS_KEPT:
            if len(_WORDS) >= WORDS_STORE:
                _WORDS.clear()
            _WORDS[text] = words
    return words


WORDS_KEPT = 2000
WORDS_STORE = 4096
_WORDS: dict[str, str] = {}


def _window(doc: Document, i: int, rule: Rule) -> None:
    """Note the span a declined decision at line i read (its `before` kept lines above,
    its `lines` or `max_lines` kept lines below, blank and removed lines skipped), so the
    pipeline can judge again when a later rule removes a line there."""
    first, count = i, rule.before
    while count and first > 0:
        first -= 1
        count -= doc.lines[first].kept
    last, count = i, rule.lines if rule.kind == "drop_caption" else rule.max_lines
    while count and last < len(doc.lines) - 1:
        last += 1
        count -= doc.lines[last].kept
    # below an `adjacent` marker a removed line only breaks its caption: no removal
    # there can turn the decision, so that side needs no second look
    if first < i:
        doc.windows.append((first, i - 1, doc.kept_between(first, i - 1)))
    if last > i and not rule.adjacent:
        doc.windows.append((i + 1, last, doc.kept_between(i + 1, last)))
    _context_window(doc, i, rule)


def _context_window(doc: Document, i: int, rule: Rule) -> None:
    """Note the lines a declined decision's `above` and `below` read (the caption below
    taken as `lines` lines): a line removed there later reads as the output's blank."""
    spans = []
    if rule.above:
        spans.append((max(0, i - len(rule.above)), i - 1))
    if rule.below:
        low = i + rule.lines + 1
        spans.append((low, min(len(doc.lines) - 1, low + len(rule.below) - 1)))
    doc.windows += [(a, b, doc.kept_between(a, b)) for a, b in spans if a <= b]


def _find_end(doc: Document, rule: Rule, i: int) -> int | None:
    seen = 0
    for j in range(i + 1, len(doc.lines)):
        ln = doc.lines[j]
        if ln.blank or ln.removed_by is not None:
            continue
        if _matches(rule, rule.end, ln.text.strip(), j):
            return j
        seen += 1
        if seen >= rule.max_lines:
            return None
    return None


def _caption_lines(doc: Document, i: int, rule: Rule) -> list[int] | None:
    """The caption around a marker: `rule.before` kept lines above it (already judged:
    lines are taken in order), `rule.lines` below it; blank and removed lines skipped.
    None when a line of it fails the rule's `caption` pattern, when a line it reads
    `above` or `below` the caption fails its pattern, when a rule that is `adjacent` finds
    a blank or removed line between the marker and a caption line below it, or when a
    rule with a `caption` pattern finds no line at all below it though it asks for some (fewer than
    asked, where the text ends, still count): no caption, so the marker is no marker
    either. Taken alone, it would leave a text whose second cleaning differs: the line
    below that failed an earlier marker's caption goes, and that marker is then alone."""
    taken = []
    for step, count in ((-1, rule.before), (1, rule.lines)):
        j, wanted = i + step, count
        while count and 0 <= j < len(doc.lines):
            ln = doc.lines[j]
            if step == 1 and rule.adjacent and (ln.blank or ln.removed_by is not None):
                return None     # the caption below follows its marker at once, or is none
            if not ln.blank and ln.removed_by is None:
                if rule.caption is not None and not _matches(rule, rule.caption, ln.text.strip(), j):
                    return None
                taken.append(j)
                count -= 1
            j += step
        if step == 1 and wanted and count == wanted and rule.caption is not None:
            return None
    if rule.above or rule.below:
        top = min(taken + [i])
        bottom = max(taken + [i])
        # with no `before` lines the caller has read `above` at the marker already
        if not ((not rule.before or _context(doc, rule, rule.above, top, -1))
                and _context(doc, rule, rule.below, bottom, 1)):
            return None
    return taken


def _may_turn(doc: Document, rule: Rule, i: int) -> bool:
    """Whether a marker its `above` declined could still be taken once kept lines above
    it go (each then reads as ''), its caption below standing: only then is a second
    look worth a round (most lines a context rule tries fail for good)."""
    if not (_context(doc, rule, rule.above, i, -1, kept_as_blank=True)
            or _could_read(doc, rule, rule.above, i, -1)):
        return False
    if not rule.adjacent or rule.caption is None or not rule.lines:
        return True
    nxt = doc.lines[i + 1] if i + 1 < len(doc.lines) else None
    return (nxt is not None and nxt.kept and not nxt.blank
            and _matches(rule, rule.caption, nxt.text.strip(), i + 1))


def _could_read(doc: Document, rule: Rule, pats: list, edge: int, step: int) -> bool:
    """Whether the output could read `pats` beyond `edge` once some kept lines there go
    (with the blank lines around them they print as one blank): each pattern in turn on
    '' or on a line further out, within LEAD_SLACK lines. A wide guess, for `_may_turn`
    only: a second look that fails costs a round, one never taken a removal."""
    j, last = edge, edge + step * (LEAD_SLACK + len(pats))
    for pat in pats:
        if _matches(rule, pat, "", j):
            j += step
            continue
        j = next((k for k in range(j + step, last + step, step) if 0 <= k < len(doc.lines)
                  and not doc.lines[k].blank and _matches(rule, pat, doc.lines[k].text.strip(), k)), None)
        if j is None:
            return False
    return True


def _context(doc: Document, rule: Rule, pats: list, edge: int, step: int,
             kept_as_blank: bool = False) -> bool:
    """Whether the lines right beyond a caption's `edge` (above it for step -1, below for
    1), read one by one outward, match `pats` in turn, the nearest first. A line is read
    as the page printed it, removed or not, a blank line as ''; a removed line with a
    kept line beyond it also as '', since the output prints a blank in its place and a
    second cleaning reads that (`kept_as_blank`: a kept line too, as if removed later);
    past the page's start or end there is no line, and nothing matches there, nor on
    the blank lines that lead to it (the output's final newline, a page's leading blank
    lines: a second cleaning sees none of them)."""
    lines = doc.lines
    j = edge
    for pat in pats:
        j += step
        if not 0 <= j < len(lines):
            return False    # (the output's reading, a line or more a pattern, ends there too)
        ln = lines[j]
        if ln.blank and all(x.blank for x in (lines[j:] if step > 0 else lines[:j])):
            return False
        if not (_matches(rule, pat, "" if ln.blank else ln.text.strip(), j)
                or (kept_as_blank or ln.removed_by is not None) and _kept_beyond(lines, j, step)
                and _matches(rule, pat, "", j)):
            return _as_output(doc, rule, pats, edge, step)
    return True


def _as_output(doc: Document, rule: Rule, pats: list, edge: int, step: int) -> bool:
    """Whether the lines beyond `edge` match `pats` as the output prints them, which a
    second cleaning reads: a run of blank and removed lines between kept lines is one
    blank line there ('Today in History', a removed button, a blank line, a caption: the
    caption's second line above is the heading), and nothing past the last kept line."""
    lines = doc.lines
    j = edge + step
    for pat in pats:
        k = j
        while 0 <= k < len(lines) and (lines[k].blank or lines[k].removed_by is not None):
            k += step
        if not 0 <= k < len(lines):
            return False
        text, j = ("", k) if k != j else (lines[k].text.strip(), k + step)
        if not _matches(rule, pat, text, k):
            return False
    return True


def _kept_beyond(lines, j: int, step: int) -> bool:
    """Whether a kept line with text lies beyond line j (outward: nearest first)."""
    outward = range(j + 1, len(lines)) if step > 0 else range(j - 1, -1, -1)
    return any(lines[k].removed_by is None and not lines[k].blank for k in outward)


def _matches(rule: Rule, pat, s: str, j: int) -> bool:
    try:
        return guarded_search(pat.compiled, s) is not None
    except TimeoutError:
        raise RuleTimeout(rule, j + 1) from None


def alone(rule: Rule) -> Compiled:
    """One rule compiled as an outlet of its own, to see what it does without the rest."""
    return Compiled(Outlet(id="check", name="check", domains=[], signatures=[], rules=[rule]))


def check_examples(rule: Rule) -> list[str]:
    """Problems with a rule's own examples: each `examples` text, run through this rule
    alone, must lose every line (cut rules: change every line); `keep` texts must pass
    unchanged. A caption rule's example may carry the lines its `above` and `below`
    patterns read (the headline over a picture, the paragraphs around it): the lines
    above the first line it removed and below the last stay."""
    single = alone(rule)
    problems = []
    for text in rule.examples:
        doc = Document(text)
        before = [ln.text for ln in doc.lines]
        single.apply(doc)
        context = _example_context(doc, rule)
        for k, (ln, old) in enumerate(zip(doc.lines, before)):
            if ln.blank or k in context:
                continue
            touched = ln.removed_by is not None or (rule.kind == "cut" and ln.text != old)
            if not touched:
                problems.append(f"example not removed: {old.strip()!r}")
            # the hint must match wherever the pattern does (not a caption's or block's
            # other lines, which the pattern need not match)
            elif (rule.hint and not rule.hint.compiled.search(old.strip())
                  and rule.pattern.compiled.search(old.strip())):
                problems.append(f"hint does not match example: {old.strip()!r}")
    for text in rule.keep:
        doc = Document(text)
        single.apply(doc)
        if doc.render() != Document(text).render():
            problems.append(f"keep line was changed: {text.strip()!r}")
    return problems


def _example_context(doc: Document, rule: Rule) -> set[int]:
    """The lines of an example that a caption rule read as its neighbours, not took."""
    gone = [k for k, ln in enumerate(doc.lines) if ln.removed_by is not None]
    if rule.kind != "drop_caption" or not gone:
        return set()
    return (set(range(gone[0]) if rule.above else ())
            | set(range(gone[-1] + 1, len(doc.lines)) if rule.below else ()))
