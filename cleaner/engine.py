"""Run one outlet's compiled rules over a Document, recording which rule removed what.

Finding the few lines a rule may match is the costly part, so it is done for all of an
outlet's rules at once: a literal prefilter (prefilter.py: one Aho-Corasick pass over
the page) names, per line, the rules whose literal atoms it contains; rules without
atoms are joined into regex scanners that run over the whole page (^-anchored ones led
by a literal newline, so they are tried at line starts only). Each candidate line is
then tried with its candidate rules' real patterns in file order; the first that
matches wins. Article lines, the vast majority, cost no Python work at all.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from functools import cached_property

import regex

from .document import Document, Removal
from .errors import CleanerError
from .prefilter import Folded, Prefilter
from .ruleset import FLAGS, Outlet, Rule

TIMEOUT = 2.0          # seconds a pattern may spend on one ordinary line
TIMEOUT_PER_MB = 0.5   # extra seconds per MB, so a 50 MB line is not a false alarm
MAX_CUT_ROUNDS = 8     # cuts repeat until nothing changes, so a second pass cuts nothing


class RuleTimeout(CleanerError):
    exit_code = 1    # a failure while cleaning, not bad input

    def __init__(self, rule: Rule, number: int):
        self.rule = rule
        super().__init__(f"rule {rule.id} ({rule.source}) ran out of time on input line "
                         f"{number}: the pattern backtracks catastrophically; rewrite it")


def _budget(s: str) -> float:
    return TIMEOUT + len(s) * TIMEOUT_PER_MB / 1e6


def guarded_search(pattern: regex.Pattern, s: str, pos: int | None = None):
    """pattern.search(s, pos) within the time budget of s (TimeoutError past it). The
    timeout goes by position (string, pos, endpos, concurrent, partial, timeout): as a
    keyword, the regex module's argument parsing costs as much as searching a short line."""
    return pattern.search(s, pos, None, None, False, _budget(s))


def _compile(source: str, rules: list[Rule], flags: int = 0) -> regex.Pattern:
    try:
        return regex.compile(source, FLAGS | flags)
    except regex.error:
        for r in rules:
            for p in (r.pattern, r.hint):
                if p is not None:
                    p.compiled     # raises RuleError naming the bad rule
        raise


def _scanners(rules: list[Rule], only: list[int]) -> tuple[tuple[regex.Pattern, list[int]], ...]:
    """Whole-page regex scans for the rules `only` (indices into rules) that the
    prefilter cannot narrow, each with the rules it stands for: one for ^-anchored
    patterns, led by a literal newline so the engine tries them at line starts only,
    one plain scan for the others."""
    out = []
    for anchored in (True, False):
        ks = [k for k in only if rules[k].finder.anchored == anchored]
        if ks:
            body = "|".join(f"(?:{rules[k].finder.source})" for k in ks)
            out.append((_compile("\\n(?:" + body + ")" if anchored else body,
                                 [rules[k] for k in ks], regex.MULTILINE), ks))
    return tuple(out)


def _prefilter(rules: list[Rule], trimmed: bool = False) -> Prefilter:
    return Prefilter([r.finder.source for r in rules], trimmed)


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
    def prefilter(self) -> Prefilter:
        return _prefilter(self.line_rules)

    @cached_property
    def cut_prefilter(self) -> Prefilter:
        # cuts see a line's leading spaces, but are looked for in the shared stripped page
        return _prefilter(self.cut_rules, trimmed=True)

    @cached_property
    def scanners(self):
        return _scanners(self.line_rules, self.prefilter.unfiltered)

    @cached_property
    def cut_scanners(self):
        return _scanners(self.cut_rules, self.cut_prefilter.unfiltered)

    def apply(self, doc: Document) -> None:
        lines = doc.lines
        # cuts first, so that line rules (and a later `clean` of the output) see cut text
        if self.cut_rules:
            texts, folded = page_scan(doc)
            if self.cut_scanners:       # regex scans see lines as cuts do
                texts = [ln.text for ln in lines]
            for i in self._candidates(self.cut_prefilter, self.cut_scanners, self.cut_rules,
                                      texts, folded):
                if lines[i].removed_by is None:
                    self._cut(doc, i)
        if not self.line_rules:
            return
        texts, folded = page_scan(doc)
        for i, ks in self._candidates(self.prefilter, self.scanners, self.line_rules,
                                      texts, folded).items():
            # removed: taken by a block or caption above; blank lines are layout, and a
            # pattern that matches "" must not start a caption or block there
            if lines[i].removed_by is None and texts[i]:
                for k in sorted(ks):
                    rule = self.line_rules[k]
                    m = self._search(rule, texts[i], i)
                    if m is not None:
                        self._act(doc, rule, m, i)
                        break

    def _candidates(self, prefilter: Prefilter, scanners, rules: list[Rule],
                    texts: list[str], folded: Folded) -> dict[int, set[int]]:
        """Lines where some rule may match, in order, each with the indices of the rules
        that may. A scanner match may run across a line break: the scan resumes at the
        next line, and the caller confirms each rule on its line alone."""
        hits = prefilter.scan(folded)
        if scanners:
            hits = {i: set(ks) for i, ks in hits.items()}     # the scan's own stays as it is
            joined = "\n" + "\n".join(texts)
            # joined[nl[i]] is the newline in front of line i
            nl = list(accumulate((len(t) + 1 for t in texts), initial=0))
        for scanner, ks in scanners:
            pos = 0
            while True:
                try:
                    m = guarded_search(scanner, joined, pos)
                except TimeoutError:
                    # blame a line and a rule: check line by line from where the scan was
                    for i in range(max(bisect_right(nl, pos) - 1, 0), len(texts)):
                        for k in ks:
                            self._search(rules[k], texts[i], i)
                    raise RuleTimeout(rules[ks[0]], bisect_right(nl, pos)) from None
                if m is None:
                    break
                i = max(bisect_right(nl, m.start()) - 1, 0)
                hits.setdefault(i, set()).update(ks)
                if i + 1 >= len(texts):
                    break
                pos = nl[i + 1]
        return dict(sorted(hits.items()))

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
                    pieces = [m.group() for m in pat.finditer(text, timeout=_budget(text))
                              if m.group()]
                    if not pieces:
                        continue
                    # trimmed as a new Document would trim it, so the next round
                    # (and a later clean of the output) sees the same text
                    text = pat.sub("", text, timeout=_budget(text)).rstrip()
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

    def _act(self, doc: Document, rule: Rule, m: regex.Match, i: int) -> None:
        if rule.kind == "meta":
            for key, value in m.groupdict().items():
                if value:
                    doc.add_meta(key, value)
        last = i
        if rule.kind == "drop_caption":
            _drop_following(doc, i, rule)
        elif rule.kind == "drop_block":
            # through the end line, or to the end of the text if no end is set; an end
            # that never comes keeps the body (recall first)
            last = len(doc.lines) - 1 if rule.end is None else (_find_end(doc, rule, i) or i)
        for j in range(i, last + 1):
            doc.remove(j, rule.id)


def _find_end(doc: Document, rule: Rule, i: int) -> int | None:
    seen = 0
    for j in range(i + 1, len(doc.lines)):
        ln = doc.lines[j]
        if ln.blank or ln.removed_by is not None:
            continue
        s = ln.text.strip()
        try:
            if guarded_search(rule.end.compiled, s):
                return j
        except TimeoutError:
            raise RuleTimeout(rule, j + 1) from None
        seen += 1
        if seen >= rule.max_lines:
            return None
    return None


def _drop_following(doc: Document, i: int, rule: Rule) -> None:
    j, count = i + 1, rule.lines
    while count and j < len(doc.lines):
        ln = doc.lines[j]
        if not ln.blank and ln.removed_by is None:
            if rule.capture:
                doc.add_meta(rule.capture, ln.text)
            doc.remove(j, rule.id)
            count -= 1
        j += 1


def check_examples(rule: Rule) -> list[str]:
    """Problems with a rule's own examples: each `examples` text, run through this rule
    alone, must lose every line (cut rules: change every line); `keep` texts must pass
    unchanged."""
    single = Compiled(Outlet(id="check", name="check", domains=[], signatures=[],
                             rules=[rule]))
    problems = []
    for text in rule.examples:
        doc = Document(text)
        before = [ln.text for ln in doc.lines]
        single.apply(doc)
        for ln, old in zip(doc.lines, before):
            if ln.blank:
                continue
            touched = ln.removed_by is not None or (rule.kind == "cut" and ln.text != old)
            if not touched:
                problems.append(f"example not removed: {old.strip()!r}")
            elif rule.hint and not rule.hint.compiled.search(old.strip()):
                problems.append(f"hint does not match example: {old.strip()!r}")
    for text in rule.keep:
        doc = Document(text)
        single.apply(doc)
        if doc.render() != Document(text).render():
            problems.append(f"keep line was changed: {text.strip()!r}")
    return problems
