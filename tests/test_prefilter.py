"""The engine's literal prefilter may skip a rule only where the rule cannot match."""
import random

import pytest
import regex
from hypothesis import given, strategies as st

from cleaner import Cleaner
from cleaner import prefilter
from cleaner.prefilter import fold, necessary, present
from cleaner.ruleset import FLAGS

CLEANER = Cleaner()
RULES = [r for o in CLEANER.outlets for r in o.rules]
EXAMPLE_LINES = sorted({ln.strip() for r in RULES for ex in r.examples + r.keep
                        for ln in ex.split("\n") if ln.strip()})


def test_literals_of_simple_patterns():
    assert necessary(r"(?i)^(?:sign up|subscribe) for .*newsletters?\b") == \
        frozenset({("newsletter", True, None, b"newsletter")})
    assert necessary(r"^Topics$") == frozenset({("Topics", False, None, b"Topics")})
    assert necessary(r"^(?=.{0,20}$)\bfoo(?!bar)") == frozenset({("foo", False, None, b"foo")})


@pytest.mark.parametrize("source", [
    r"[[a-z]--[aeiou]]xyz", r"(?:abc){e<=1}", r"[[:alpha:]]+x", r"a(?i)bcd",
    r"(?!abc).*", r"x?", r"\p{L}+", r"(?|abc|def)", r"\mword\M",
])
def test_unclear_patterns_get_no_literal(source):
    assert necessary(source) is None


def test_case_insensitive_literals_follow_regex_folding():
    need = necessary(r"(?i)\bwikipedia\b")
    for s in ("WİKİPEDİA", "wıkıpedıa".upper(), "WIKIPEDIA", "Wikipedia"):
        assert regex.search(r"(?i)\bwikipedia\b", s, flags=FLAGS)
        assert present(need, s, fold(s)), s
    strasse = necessary(r"(?i)straße")
    assert strasse is not None and present(strasse, "STRASSE", fold("STRASSE"))
    assert regex.search(r"(?i)straße", "STRASSE", flags=FLAGS)


def _mutate(rng: random.Random, line: str) -> str:
    ops = [str.upper, str.lower, str.title, lambda s: s, lambda s: s.replace(" ", "  "),
           lambda s: s[: len(s) // 2], lambda s: "x " + s, lambda s: s + " ."]
    return rng.choice(ops)(line)


@given(st.randoms(use_true_random=False), st.lists(st.sampled_from(EXAMPLE_LINES), max_size=6),
       st.text(max_size=40))
def test_no_rule_is_skipped_where_it_matches(rng, picks, noise):
    for line in [*(_mutate(rng, p) for p in picks), noise]:
        s = line.strip()
        f = fold(s)
        for rule in RULES:
            need = necessary(rule.pattern.source)
            if need is not None and rule.pattern.compiled.search(s):
                assert present(need, s, f), (rule.id, s)


@given(st.randoms(use_true_random=False), st.lists(st.sampled_from(EXAMPLE_LINES), max_size=12))
def test_engine_same_with_and_without_prefilter(rng, picks):
    text = "\n".join(_mutate(rng, p) for p in picks)
    with_filter = CLEANER.clean(text).to_dict()
    original = prefilter.necessary
    prefilter.necessary = lambda source: None     # every rule tried on every line
    try:
        without = Cleaner().clean(text).to_dict()
    finally:
        prefilter.necessary = original
    assert with_filter == without
