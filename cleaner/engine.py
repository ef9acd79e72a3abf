"""Run one outlet's compiled rules over a Document, recording which rule removed what.

All trigger patterns of an outlet are joined into one scanner that runs over the
whole page in a single regex call per hit: it starts with a literal newline, so the
regex engine jumps from line start to line start in C and tries the rules only there
(patterns anchored with ^ at once; others through a [^\n]*? prefix). Only a line that
hits is tried rule by rule (file order, first match wins) to learn which rule it was.
Article lines, the vast majority, cost no Python work at all.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from functools import cached_property

import regex

from .document import Document, Removal
from .ruleset import FLAGS, Outlet, Rule

TIMEOUT = 2.0          # seconds a pattern may spend on one ordinary line
TIMEOUT_PER_MB = 0.5   # extra seconds per MB, so a 50 MB line is not a false alarm
_GROUP = "_cleaner_rule_"   # names of the per-rule groups of the identifying union
MAX_CUT_ROUNDS = 8     # cuts repeat until nothing changes, so a second pass cuts nothing


class RuleTimeout(Exception):
    def __init__(self, rule: Rule, number: int):
        self.rule = rule
        super().__init__(f"rule {rule.id} ({rule.source}) ran out of time on input line "
                         f"{number}: the pattern backtracks catastrophically; rewrite it")


def _budget(s: str) -> float:
    return TIMEOUT + len(s) * TIMEOUT_PER_MB / 1e6


def _compile(source: str, rules: list[Rule], flags: int = 0) -> regex.Pattern:
    try:
        return regex.compile(source, FLAGS | flags)
    except regex.error:
        for r in rules:
            for p in (r.pattern, r.hint):
                if p is not None:
                    p.compiled     # raises RuleError naming the bad rule
        raise


def _scanners(rules: list[Rule]) -> tuple[regex.Pattern, ...]:
    """Whole-page scanners: one for ^-anchored rules (led by a literal newline, so the
    engine tries them only at line starts; a named group per rule says which one hit),
    one plain scan for the others."""
    scans = [(k, r.hint or r.pattern) for k, r in enumerate(rules)]
    anchored = [f"(?P<{_GROUP}{k}>{p.source})" for k, p in scans if p.anchored]
    other = [f"(?:{p.source})" for _, p in scans if not p.anchored]
    out = []
    if anchored:
        out.append(_compile("\\n(?:" + "|".join(anchored) + ")", rules, regex.MULTILINE))
    if other:
        out.append(_compile("|".join(other), rules, regex.MULTILINE))
    return tuple(out)


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
    def scanners(self) -> tuple[regex.Pattern, ...]:
        return _scanners(self.line_rules)

    @cached_property
    def cut_scanners(self) -> tuple[regex.Pattern, ...]:
        return _scanners(self.cut_rules)

    @cached_property
    def ident(self) -> regex.Pattern:
        """The union with one named group per rule, so that a match says which rule."""
        return _compile("|".join(f"(?P<{_GROUP}{k}>{r.pattern.source})"
                                 for k, r in enumerate(self.line_rules)), self.line_rules)

    @cached_property
    def _unanchored_before(self) -> list[list[Rule]]:
        """For rule k, the unanchored rules before it: they may match further into the
        line than rule k at its start, and file order says they win."""
        rules = self.line_rules
        return [[r for r in rules[:k] if not r.pattern.anchored] for k in range(len(rules))]

    def apply(self, doc: Document) -> None:
        lines = doc.lines
        # cuts first, so that line rules (and a later `clean` of the output) see cut text
        if self.cut_rules:
            texts = ["" if ln.removed_by else ln.text for ln in lines]
            for i in self._candidates(self.cut_scanners, self.cut_rules, texts):
                self._cut(doc, i)
        if not self.line_rules:
            return
        texts = ["" if ln.removed_by else ln.text.strip() for ln in lines]
        for i, k in self._candidates(self.scanners, self.line_rules, texts).items():
            # removed: taken by a block or caption above; blank lines are layout, and a
            # pattern that matches "" must not start a caption or block there
            if lines[i].removed_by is None and not lines[i].blank:
                found = self._identify(lines[i].text.strip(), i, k)
                if found:
                    self._act(doc, *found, i)

    def _identify(self, s: str, i: int, k: int | None = None):
        """The first rule in file order that matches line s, and its match. `k` is the
        rule the anchored scanner saw at this line start, if any: confirmed on the line
        alone (plus the unanchored rules before it), that spares the full union."""
        if k is not None:
            rule = self.line_rules[k]
            m = self._search(rule.pattern.compiled, [rule], s, i)
            if m is not None:
                for earlier in self._unanchored_before[k]:
                    e = self._search(earlier.pattern.compiled, [earlier], s, i)
                    if e:
                        return earlier, e
                return rule, m
        m = self._search(self.ident, self.line_rules, s, i)
        if m is None:
            return None
        groups = m.groupdict()
        k = next(k for k in range(len(self.line_rules)) if groups[f"{_GROUP}{k}"] is not None)
        for rule in self._unanchored_before[k]:
            earlier = self._search(rule.pattern.compiled, [rule], s, i)
            if earlier:
                return rule, earlier
        return self.line_rules[k], m

    def _candidates(self, scanners, rules: list[Rule], texts: list[str]) -> dict[int, int | None]:
        """Lines where some rule may match, in order, each with the index of the
        anchored rule seen there (None: only an unanchored scan hit). A scanner match
        may run across a line break: the scan resumes at the next line, and the
        caller confirms each line."""
        joined = "\n" + "\n".join(texts)
        # joined[nl[i]] is the newline in front of line i
        nl = list(accumulate((len(t) + 1 for t in texts), initial=0))
        budget = _budget(joined)
        hits: dict[int, int | None] = {}
        for scanner in scanners:
            names = [n for n in scanner.groupindex if n.startswith(_GROUP)]
            pos = 0
            while True:
                try:
                    m = scanner.search(joined, pos, timeout=budget)
                except TimeoutError:
                    # blame a line and a rule: check line by line from where the scan was
                    for i in range(max(bisect_right(nl, pos) - 1, 0), len(texts)):
                        for rule in rules:
                            self._search(rule.pattern.compiled, [rule], texts[i], i)
                    raise RuleTimeout(rules[0], bisect_right(nl, pos)) from None
                if m is None:
                    break
                i = max(bisect_right(nl, m.start()) - 1, 0)
                if names:
                    # the rule's group closes last, so it is lastgroup unless a rule's own
                    # group shares its end; then look the groups up
                    name = m.lastgroup
                    if not (name and name.startswith(_GROUP)):
                        found = m.groupdict()
                        name = next(n for n in names if found[n] is not None)
                    hits[i] = int(name[len(_GROUP):])
                else:
                    hits.setdefault(i, None)
                if i + 1 >= len(texts):
                    break
                pos = nl[i + 1]
        return dict(sorted(hits.items()))

    @staticmethod
    def _search(pattern: regex.Pattern, rules: list[Rule], s: str, index: int):
        try:
            return pattern.search(s, timeout=_budget(s))
        except TimeoutError:
            # name the culprit: a union timed out, so one of its rules is to blame
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
                ln.cut_by.append(rule.id)
                doc.cuts.extend(Removal(p, rule.id, i + 1) for p in pieces)
            if text == before:
                break
        if text == ln.text:     # the scan's hit was an empty match
            return
        if text.strip():
            ln.text = text
        else:
            doc.remove(i, ln.cut_by[-1])

    def _act(self, doc: Document, rule: Rule, m: regex.Match, i: int) -> None:
        if rule.kind == "meta":
            for key, value in m.groupdict().items():
                if value and not key.startswith(_GROUP):
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
            if rule.end.search(s, timeout=_budget(s)):
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
