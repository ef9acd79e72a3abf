"""The built-in rule files: they load, compile, every rule proves itself on its own
examples and on a whole fixture page, and signatures tell the outlets apart."""
import pytest

from conftest import FIXTURES, ROOT, fixture_pairs

from cleaner.detect import Detector
from cleaner.engine import check_examples
from cleaner.evaluate import fixture_pairs as pairs_below
from cleaner.ruleset import GENERIC_ID, builtin_rules_dir, load_dirs

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


NAMED = [o for o in OUTLETS if o.id != GENERIC_ID and o.cues]
DETECTOR = Detector(OUTLETS)


def _scores(text: str) -> dict[str, int]:
    """Each outlet's evidence weight on the page (lines stripped, as detection sees them)."""
    lines = [ln.strip() for ln in text.split("\n")]
    return DETECTOR.scores(DETECTOR.scan(lines))


def _claims(text: str) -> str | None:
    lines = [ln.strip() for ln in text.split("\n")]
    found = DETECTOR.pick(DETECTOR.scan(lines))
    return found.id if found else None


@pytest.mark.parametrize("folder,src,exp", PAIRS, ids=[f"{f}/{s.name}" for f, s, _ in PAIRS])
def test_no_other_outlet_claims_a_fixture(folder, src, exp):
    """Evidence identifies its outlet only: no other outlet's evidence reaches its
    threshold on a page of this one (nor any outlet's on a page of an unknown outlet)."""
    scores = _scores(src.read_text(encoding="utf-8"))
    for outlet in NAMED:
        if outlet.id != folder:
            assert scores.get(outlet.id, 0) < outlet.needed, f"{outlet.id} claims {src.name}"


@pytest.mark.parametrize("folder,src,exp", [p for p in PAIRS if p[0] != GENERIC_ID],
                         ids=[f"{f}/{s.name}" for f, s, _ in PAIRS if f != GENERIC_ID])
def test_own_evidence_detects_each_fixture(folder, src, exp):
    assert _claims(src.read_text(encoding="utf-8")) == folder, src.name


CORPUS = pairs_below(ROOT / "corpus")


@pytest.mark.parametrize("pair", CORPUS, ids=lambda p: p.name)
def test_no_real_page_is_claimed_by_another_outlet(pair):
    """On the real-page corpus a page is found as its own outlet or as none, never as
    another (other outlets' pages: as none)."""
    found = _claims(pair.src.read_text(encoding="utf-8"))
    assert found in (None, pair.outlet), f"{found} claims {pair.name}"


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


def test_a_hint_matches_every_line_its_pattern_matches():
    """A hint finds a rule's candidates: a line the pattern matches and the hint does not
    is never tried. Checked on every fixture, real page and example line, and on each of
    them with one space turned into other whitespace (a no-break space once slipped past a
    hint's ' ')."""
    lines = set()
    for _, src, _ in PAIRS + CORPUS:
        lines.update(ln.strip() for ln in src.read_text(encoding="utf-8").split("\n"))
    for outlet in OUTLETS:
        for rule in outlet.rules:
            lines.update(ln.strip() for text in rule.examples + rule.keep
                         for ln in text.split("\n"))
    for outlet in OUTLETS:
        for rule in outlet.rules:
            if rule.hint is None:
                continue
            matched = [ln for ln in lines if rule.pattern.compiled.search(ln)]
            variants = [ln[:i] + ws + ln[i + 1:] for ln in matched
                        for i, c in enumerate(ln) if c == " " for ws in ("\u00a0", "\t")]
            missed = [ln for ln in matched + variants if rule.pattern.compiled.search(ln)
                      and not rule.hint.compiled.search(ln)]
            assert missed == [], f"{rule.id}: hint misses {missed[:3]}"
