"""The built-in rule files: they load, compile, every rule proves itself on its own
examples and on a whole fixture page, and signatures tell the outlets apart."""
import pytest
import regex

from conftest import FIXTURES, fixture_pairs

from cleaner.engine import check_examples
from cleaner.ruleset import GENERIC_ID, builtin_rules_dir, compile_union, load_dirs

OUTLETS = load_dirs([builtin_rules_dir()])
RULES = [(o, r) for o in OUTLETS for r in o.rules]


def test_builtin_outlets():
    ids = {o.id for o in OUTLETS}
    assert {"moscowtimes", "hindustantimes", "bbc_mirror", "generic"} <= ids
    for o in OUTLETS:
        assert builtin_rules_dir().joinpath(f"{o.id}.toml").is_file(), "file name is ID.toml"


@pytest.mark.parametrize("outlet", OUTLETS, ids=lambda o: o.id)
def test_all_patterns_compile(outlet):
    outlet.validate()


@pytest.mark.parametrize("outlet,rule", RULES, ids=[f"{o.id}/{r.id}" for o, r in RULES])
def test_rule_examples(outlet, rule):
    assert rule.examples, "every rule carries examples of lines it removes"
    assert check_examples(rule) == []



# --- the rules against the fixture pairs -------------------------------------------

PAIRS = fixture_pairs()


def test_every_rule_fires_in_a_fixture(cleaner):
    """A rule no fixture exercises is unproven on a whole page: each built-in rule must
    remove a line (or cut a fragment) in at least one fixtures/<outlet>/NAME.txt."""
    fired = set()
    for _, src, _ in PAIRS:
        result = cleaner.clean(src.read_bytes())
        fired |= {r.rule for r in result.removals} | {c.rule for c in result.cuts}
    missing = [f"{o.id}/{r.id}" for o, r in RULES if r.enabled and r.id not in fired]
    assert missing == [], "rules no fixture exercises: " + ", ".join(missing)


NAMED = [o for o in OUTLETS if o.id != GENERIC_ID and o.signatures]


def _page(src) -> str:
    """The page as detection sees it: each line stripped."""
    return "\n".join(ln.strip() for ln in src.read_text(encoding="utf-8").split("\n"))


@pytest.mark.parametrize("folder,src,exp", PAIRS, ids=[f"{f}/{s.name}" for f, s, _ in PAIRS])
def test_no_other_outlet_claims_a_fixture(folder, src, exp):
    """Signatures identify their outlet only: no other outlet's signature matches a
    page of this one (nor any outlet's a page of an unknown outlet)."""
    text = _page(src)
    for outlet in NAMED:
        if outlet.id == folder:
            continue
        union = compile_union(outlet.signatures, regex.MULTILINE)
        m = union.search(text)
        assert m is None, f"{outlet.id} signature matches {src.name}: {m.group()!r}"


@pytest.mark.parametrize("folder,src,exp", [p for p in PAIRS if p[0] != GENERIC_ID],
                         ids=[f"{f}/{s.name}" for f, s, _ in PAIRS if f != GENERIC_ID])
def test_own_signatures_detect_each_fixture(folder, src, exp):
    outlet = next(o for o in NAMED if o.id == folder)
    union = compile_union(outlet.signatures, regex.MULTILINE)
    assert union.search(_page(src)), f"no {folder} signature in {src.name}"


@pytest.mark.parametrize("outlet", NAMED, ids=lambda o: o.id)
def test_outlet_rules_keep_every_clean_article(cleaner, outlet):
    """Recall first: forced onto any fixture's clean article (its own outlet's or
    another's), an outlet's rules remove nothing."""
    for _, _, exp in PAIRS:
        expected = exp.read_text(encoding="utf-8")
        result = cleaner.clean(expected, outlet=outlet.id)
        assert result.text == expected, f"{outlet.id} removed {[(r.rule, r.line) for r in result.removals]} from {exp.name}"


META = [
    ("moscowtimes/appeal_2024_message", {"author": "Irina Volkova", "published": "Oct. 3, 2024",
                                         "tags": ["Tomsk", "Energy", "Regions"]}),
    ("moscowtimes/appeal_2023_favor", {"agency": "Reuters", "published": "Dec. 12, 2023"}),
    ("hindustantimes/wire_reuters_world", {"agency": "Reuters", "author": "Aryan Prakash",
                                           "published": "Jan 3, 2024 09:41 pm IST"}),
    ("hindustantimes/staff_byline_pipe", {"author": "Saubhadra Chatterji",
                                          "tags": ["parliament monsoon session waqf"]}),
    ("bbc_mirror/mirror_translated_uk", {"author": "Olena Shevchenko", "agency": "BBC News Ukraine",
                                         "published": "4 hour(s) ago"}),
    ("bbc_mirror/bbc_new_layout_author_role", {"author": "Vitaliy Shevchenko",
                                               "published": "17 October 2023"}),
]


@pytest.mark.parametrize("name,expected", META, ids=[n for n, _ in META])
def test_meta_rules_keep_byline_and_dates(cleaner, name, expected):
    """Byline, agency, timestamp and tag lines leave the text but not the result."""
    result = cleaner.clean((FIXTURES / f"{name}.txt").read_bytes())
    assert {k: result.metadata.get(k) for k in expected} == expected
