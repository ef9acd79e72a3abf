"""Hypothesis strategies the property tests share: random rule files (all five rule
kinds, evidence, optional keys) written as TOML text, and pages made of fixture lines."""
from hypothesis import strategies as st

from cleaner.pipeline import default_cleaner

from conftest import fixture_pairs

ALPHABET = "ab x1"
# pattern pieces over the text alphabet; no nested quantifiers, so no pattern can
# backtrack catastrophically (hostile patterns are tested in test_hostile_rules.py)
ATOMS = ["a", "b", "x", " ", "1", "a+", "b*", "[ab]", r"\d", ".", "x?", r"\s", "(?i)A"]

# every line of every fixture page, as it is
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
            if draw(st.booleans()):
                lines.append("needs_end = true")
    elif kind == "meta":
        group = draw(st.sampled_from(["author", "agency", "published", "tags"]))
        lines.append(f"pattern = {_lit(draw(patterns(group)))}")
    elif kind == "cut":
        lines.append(f"pattern = {_lit(draw(cut_patterns()))}")
    else:
        lines.append(f"pattern = {_lit(draw(patterns()))}")
    if kind == "drop_caption":
        if draw(st.booleans()):
            lines.append(f"lines = {draw(st.integers(0, 3))}")
        if draw(st.booleans()):
            lines.append(f"before = {draw(st.integers(0, 2))}")
        if draw(st.booleans()):
            lines.append(f"capture = '{draw(st.sampled_from(['author', 'tags']))}'")
        if draw(st.booleans()):
            lines.append(f"caption = {_lit(draw(patterns()))}")
    if draw(st.integers(0, 9)) == 0:
        lines.append("enabled = false")
    return "\n".join(lines)


@st.composite
def rule_files(draw, oid: str):
    n = draw(st.integers(1, 6))
    head = ["[outlet]", f"id = '{oid}'"]
    cues = []
    if oid != "generic":
        if draw(st.booleans()):
            head.append(f"signatures = [{_lit(draw(patterns()))}]")
        if draw(st.booleans()):
            head.append(f"threshold = {draw(st.integers(1, 3))}")
        for switch in ("fallback", "drop_repeats", "drop_doubled"):
            if draw(st.booleans()):
                head.append(f"{switch} = {draw(st.sampled_from(['true', 'false']))}")
        cues = [f"[[evidence]]\nid = '{oid}-e{k}'\npattern = {_lit(draw(patterns()))}\n"
                f"weight = {draw(st.integers(1, 2))}" for k in range(draw(st.integers(0, 2)))]
    return "\n".join(head + cues + [draw(rule_tables(f"{oid}-r{k}")) for k in range(n)]) + "\n"


texts = st.one_of(
    st.lists(st.text(alphabet=ALPHABET + "\t", max_size=10), max_size=25).map("\n".join),
    st.lists(st.one_of(st.sampled_from(FIXTURE_LINES),
                       st.text(alphabet=ALPHABET, max_size=10)), max_size=25).map("\n".join),
)


# every rule id of the built-in rules: what a removal may name
BUILTIN_IDS = {r.id for o in default_cleaner().outlets for r in o.rules}
