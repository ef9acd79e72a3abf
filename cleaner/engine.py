"""Run one outlet's compiled rules over a Document, recording which rule removed what.

Per line the engine makes one search with a single alternation of every trigger
pattern of the outlet; only a line that hits is tried rule by rule (in file order,
first match wins) to learn which rule it was. Article lines, the vast majority,
thus cost one regex call each.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import regex

from .document import Document, Removal
from .ruleset import Outlet, Rule, compile_union

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


def _union(rules: list[Rule]) -> regex.Pattern | None:
    return compile_union([r.pattern for r in rules]) if rules else None


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
    def trigger(self) -> regex.Pattern | None:
        return _union(self.line_rules)

    @cached_property
    def cut_trigger(self) -> regex.Pattern | None:
        return _union(self.cut_rules)

    def apply(self, doc: Document) -> None:
        lines = doc.lines
        i, n = 0, len(lines)
        trigger, cut_trigger = self.trigger, self.cut_trigger
        while i < n:
            ln = lines[i]
            if ln.removed_by is not None or ln.blank:
                i += 1
                continue
            if cut_trigger is not None and self._search(cut_trigger, self.cut_rules, ln.text, i):
                self._cut(doc, i)
                if ln.removed_by is not None:
                    i += 1
                    continue
            s = ln.text.strip()
            if trigger is None or not self._search(trigger, self.line_rules, s, i):
                i += 1
                continue
            for rule in self.line_rules:
                m = self._search(rule.pattern, [rule], s, i)
                if m:
                    i = self._act(doc, rule, m, i)
                    break
            else:
                i += 1

    @staticmethod
    def _search(pattern: regex.Pattern, rules: list[Rule], s: str, index: int):
        try:
            return pattern.search(s, timeout=_budget(s))
        except TimeoutError:
            # name the culprit: the union timed out, so one of its rules is to blame
            for rule in rules:
                try:
                    rule.pattern.search(s, timeout=_budget(s))
                except TimeoutError:
                    raise RuleTimeout(rule, index + 1) from None
            raise RuleTimeout(rules[0], index + 1) from None

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
