"""Fuzzing with random rule files: any valid rule file a stranger writes, on any text,
keeps the POLICY.md invariants. Rule files are generated as TOML text (all five kinds,
optional keys, patterns over a small alphabet so that they really hit the texts) and
go through the same parser as files on disk."""
from hypothesis import example, given, strategies as st

from cleaner import Cleaner
from cleaner.pipeline import default_cleaner
from cleaner.ruleset import parse

from conftest import check_invariants, fixture_pairs

ALPHABET = "ab x1"
# pattern pieces over the text alphabet; no nested quantifiers, so no pattern can
# backtrack catastrophically (hostile patterns are tested in test_hostile_rules.py)
ATOMS = ["a", "b", "x", " ", "1", "a+", "b*", "[ab]", r"\d", ".", "x?", r"\s", "(?i)A"]

FIXTURE_LINES = sorted({ln for _, src, _ in fixture_pairs()
                        for ln in src.read_text(encoding="utf-8").split("\n")})


@st.composite
def patterns(draw, group: str | None = None):
    body = "".join(draw(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=4)))
    if group:
        body = f"(?P<{group}>{body})"
    return draw(st.sampled_from(["", "^"])) + body + draw(st.sampled_from(["", "$"]))


@st.composite
def cut_patterns(draw):
    """One character class, repeated: its cuts cannot nest, so they settle in one round.
    (Nested fragments, like `ab` in `aaaabbbb`, are cut at most MAX_CUT_ROUNDS deep.)"""
    body = draw(st.sampled_from(["a", "b", "x", "1", " ", "[ab]", r"\d", r"\s", "."])) + "+"
    return draw(st.sampled_from(["", "^"])) + body + draw(st.sampled_from(["", "$"]))


def _lit(s: str) -> str:
    return "'" + s + "'"      # TOML literal string: the atoms hold no quote or newline


@st.composite
def rule_tables(draw, rid: str):
    kind = draw(st.sampled_from(["drop_line", "drop_block", "drop_caption", "cut", "meta"]))
    lines = ["[[rule]]", f"id = '{rid}'", f"kind = '{kind}'"]
    if kind == "drop_block":
        lines.append(f"start = {_lit(draw(patterns()))}")
        if draw(st.booleans()):
            lines.append(f"end = {_lit(draw(patterns()))}")
            if draw(st.booleans()):
                lines.append(f"max_lines = {draw(st.integers(1, 5))}")
    elif kind == "meta":
        group = draw(st.sampled_from(["author", "agency", "published", "tags"]))
        lines.append(f"pattern = {_lit(draw(patterns(group)))}")
    elif kind == "cut":
        lines.append(f"pattern = {_lit(draw(cut_patterns()))}")
    else:
        lines.append(f"pattern = {_lit(draw(patterns()))}")
    if kind == "drop_caption":
        if draw(st.booleans()):
            lines.append(f"lines = {draw(st.integers(1, 3))}")
        if draw(st.booleans()):
            lines.append(f"capture = '{draw(st.sampled_from(['author', 'tags']))}'")
    if draw(st.integers(0, 9)) == 0:
        lines.append("enabled = false")
    return "\n".join(lines)


@st.composite
def rule_files(draw, oid: str):
    n = draw(st.integers(1, 6))
    head = ["[outlet]", f"id = '{oid}'"]
    if oid != "generic" and draw(st.booleans()):
        head.append(f"signatures = [{_lit(draw(patterns()))}]")
    return "\n".join(head + [draw(rule_tables(f"{oid}-r{k}")) for k in range(n)]) + "\n"


texts = st.one_of(
    st.lists(st.text(alphabet=ALPHABET + "\t", max_size=10), max_size=25).map("\n".join),
    st.lists(st.one_of(st.sampled_from(FIXTURE_LINES),
                       st.text(alphabet=ALPHABET, max_size=10)), max_size=25).map("\n".join),
)


def _rule_ids(outlets) -> set[str]:
    return {r.id for o in outlets for r in o.rules}


# Failures random runs found, kept as fixed examples (HYPOTHESIS_PROFILE=random finds more).
# A signature matching across a line break: the detector takes `a\s` to match "a\n"
# (a line of its own), the engine confirms hits on each line alone, so clean("a") is
# "a\n" but clean("a\n") is "" (issue 14). Expected to fail until detection and the
# engine share one scanner (issue 8); then drop the xfail.
@example("[outlet]\nid = 'fz'\nsignatures = ['a\\s']\n[[rule]]\nid = 'fz-r0'\n"
         "kind = 'drop_line'\npattern = 'a'\n", "a", False).xfail(
    reason="signature matched across a line break (issue 14)", raises=AssertionError)
@given(rule_files("fz"), texts, st.booleans())
def test_random_rule_file_keeps_invariants(toml, text, forced):
    outlets = [parse(toml, "fz.toml")]
    cleaner = Cleaner(outlets=outlets)
    check_invariants(cleaner, text, _rule_ids(outlets), outlet="fz" if forced else None)


@given(rule_files("fz"), rule_files("generic"), texts)
def test_random_outlet_plus_random_generic_rules(toml, generic, text):
    outlets = [parse(toml, "fz.toml"), parse(generic, "generic.toml")]
    cleaner = Cleaner(outlets=outlets)
    check_invariants(cleaner, text, _rule_ids(outlets))


# residue: every line the built-in rules' own examples say is boilerplate, plus the
# usual suspects of scraped pages
RESIDUE = sorted({ln for o in default_cleaner().outlets for r in o.rules
                  for ex in r.examples for ln in ex.split("\n")}
                 | {"Read more", "Advertisement", "Share", "Skip to content", "Topics",
                    "Follow us on Twitter", "© 2024 All rights reserved", "Photo Caption,"})
BUILTIN_IDS = {r.id for o in default_cleaner().outlets for r in o.rules}


@st.composite
def pages_with_residue(draw):
    """A real fixture page with residue lines dropped in at random places."""
    _, src, _ = draw(st.sampled_from(fixture_pairs()))
    lines = src.read_text(encoding="utf-8").split("\n")
    for _ in range(draw(st.integers(0, 12))):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(RESIDUE)))
    return "\n".join(lines)


@given(st.one_of(
    st.text(),                                                           # any Unicode
    st.lists(st.sampled_from(FIXTURE_LINES + RESIDUE), max_size=60).map("\n".join),
    st.lists(st.one_of(st.sampled_from(RESIDUE), st.text(max_size=40)), max_size=30)
      .map("\n".join),
    pages_with_residue(),
))
def test_builtin_rules_keep_invariants(text):
    check_invariants(default_cleaner(), text, BUILTIN_IDS, html=False)


@given(pages_with_residue(), st.sampled_from([o.id for o in default_cleaner().outlets]))
def test_forced_outlet_keeps_invariants(text, outlet):
    check_invariants(default_cleaner(), text, BUILTIN_IDS, html=False, outlet=outlet)
