"""Run one outlet's compiled rules over a Document, recording which rule removed what.

Per line the rules are tried one by one, in file order, first match wins. (One search
with an alternation of every rule was measured 5-15x slower: the `regex` module loses
each pattern's literal-prefix and anchor fast paths inside a big alternation.) A line
whose text already went through this outlet's rules untouched is not tried again, so
the extra rounds `Cleaner.clean` runs for idempotency cost little.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import regex

from . import prefilter
from .document import Document, Removal
from .ruleset import Outlet, Pat, Rule

TIMEOUT = 2.0          # seconds a pattern may spend on one ordinary line
TIMEOUT_PER_MB = 0.5   # extra seconds per MB, so a 50 MB line is not a false alarm
MAX_CUT_ROUNDS = 8     # cuts repeat until nothing changes, so a second pass cuts nothing


class RuleTimeout(Exception):
    def __init__(self, rule: Rule, number: int):
        self.rule = rule
        super().__init__(f"rule {rule.id} ({rule.source}) ran out of time on input line "
                         f"{number}: the pattern backtracks catastrophically; rewrite it")


def _budget(s: str) -> float:
    return TIMEOUT + len(s) * TIMEOUT_PER_MB / 1e6


@dataclass(eq=False)
class Compiled:
    """An outlet's active rules, compiled once and reused for every page."""
    outlet: Outlet
    # marks lines this outlet's rules left untouched (see Line.passed)
    token: object = field(default_factory=object, repr=False)

    @cached_property
    def line_rules(self) -> list[Rule]:
        return [r for r in self.outlet.active_rules if r.kind != "cut"]

    @cached_property
    def cut_rules(self) -> list[Rule]:
        return [r for r in self.outlet.active_rules if r.kind == "cut"]

    # (rule, pattern, necessary literals or None); a pattern is compiled when first
    # tried, so a short run pays only for the rules its pages could meet
    @cached_property
    def _line_patterns(self) -> list[tuple[Rule, Pat, frozenset | None]]:
        return [(r, r.pattern, prefilter.necessary(r.pattern.source)) for r in self.line_rules]

    @cached_property
    def _cut_patterns(self) -> list[tuple[Rule, Pat, frozenset | None]]:
        return [(r, r.pattern, prefilter.necessary(r.pattern.source)) for r in self.cut_rules]

    @cached_property
    def _every_line_rule(self) -> list[tuple[Rule, Pat, None]]:
        return [(r, p, None) for r, p, _ in self._line_patterns]

    def apply(self, doc: Document) -> None:
        lines = doc.lines
        i, n = 0, len(lines)
        token = self.token
        page_lines = cut_patterns = None
        while i < n:
            ln = lines[i]
            if ln.removed_by is not None or ln.passed.get(token) is ln.text or ln.blank:
                i += 1
                continue
            if page_lines is None:
                # each rule is tried only on the lines holding one of its necessary
                # literals (a line cut during this pass has new text: it gets every rule)
                page = doc.__dict__.get("_page")    # shared by outlet and generic rules
                if page is None:
                    page = doc._page = prefilter.Page([ln.text for ln in lines])
                page_lines = _on_page(self._line_patterns, page)
                cut_patterns = _on_page(self._cut_patterns, page)
            cut = bool(cut_patterns) and _first(cut_patterns, ln.text, i) is not None
            if cut:
                self._cut(doc, i)
                if ln.removed_by is not None:
                    i += 1
                    continue
            s = ln.text.strip()
            hit = _first(self._every_line_rule if cut else page_lines, s, i)
            if hit is None:
                if not cut:     # a cut line is tried again: its new text may cut further
                    ln.passed[token] = ln.text
                i += 1
                continue
            i = self._act(doc, hit[0], hit[1], i)

    def _cut(self, doc: Document, i: int) -> None:
        ln = doc.lines[i]
        text = ln.text
        for _ in range(MAX_CUT_ROUNDS):
            before = text
            for rule in self.cut_rules:
                try:
                    pat = rule.pattern.compiled
                    pieces = [m.group() for m in pat.finditer(text, timeout=_budget(text))]
                    if not pieces:
                        continue
                    text = pat.sub("", text, timeout=_budget(text))
                except TimeoutError:
                    raise RuleTimeout(rule, i + 1) from None
                ln.cut_by.append(rule.id)
                doc.cuts.extend(Removal(p, rule.id, i + 1) for p in pieces)
            if text == before:
                break
        text = text.rstrip()
        if text != ln.text:
            doc._page = None            # line texts changed: literals must be found again
        if text.strip():
            ln.text = text
        else:
            doc.remove(i, ln.cut_by[-1])

    def _act(self, doc: Document, rule: Rule, m: regex.Match, i: int) -> int:
        lines = doc.lines
        if rule.kind == "meta":
            for key, value in m.groupdict().items():
                if value:
                    doc.add_meta(key, value)
        if rule.kind != "drop_block":
            doc.remove(i, rule.id)
            if rule.kind == "drop_caption":
                return _drop_following(doc, i, rule)
            return i + 1
        # drop_block: through the end line, or to the end of the text if no end is set
        last = len(lines) - 1
        if rule.end is not None:
            last = _find_end(doc, rule, i)
            if last is None:      # end never came: keep the body, recall first
                doc.remove(i, rule.id)
                return i + 1
        for j in range(i, last + 1):
            doc.remove(j, rule.id)
        return last + 1


def _on_page(patterns, page: prefilter.Page) -> list:
    """(rule, pattern, lines it may match or None for all) of the rules that may match
    somewhere in the page."""
    out = []
    for rule, pattern, need in patterns:
        where = None if need is None else page.lines_with(need)
        if where is None or where:
            out.append((rule, pattern, where))
    return out


def _first(patterns: list, s: str, index: int):
    """(rule, match) of the first rule matching s (line `index`), or None."""
    budget = _budget(s)
    for rule, pattern, where in patterns:
        if where is not None and index not in where:
            continue
        try:
            m = pattern.compiled.search(s, timeout=budget)
        except TimeoutError:
            raise RuleTimeout(rule, index + 1) from None
        if m:
            return rule, m
    return None


def _find_end(doc: Document, rule: Rule, i: int) -> int | None:
    seen = 0
    for j in range(i + 1, len(doc.lines)):
        ln = doc.lines[j]
        if ln.blank or ln.removed_by is not None:
            continue
        s = ln.text.strip()
        try:
            if rule.end.search(s, timeout=_budget(s)):
                return j
        except TimeoutError:
            raise RuleTimeout(rule, j + 1) from None
        seen += 1
        if seen >= rule.max_lines:
            return None
    return None


def _drop_following(doc: Document, i: int, rule: Rule) -> int:
    j, count = i + 1, rule.lines
    while count and j < len(doc.lines):
        ln = doc.lines[j]
        if not ln.blank and ln.removed_by is None:
            if rule.capture:
                doc.add_meta(rule.capture, ln.text)
            doc.remove(j, rule.id)
            count -= 1
        j += 1
    return j


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
    for text in rule.keep:
        doc = Document(text)
        single.apply(doc)
        if doc.render() != Document(text).render():
            problems.append(f"keep line was changed: {text.strip()!r}")
    return problems
