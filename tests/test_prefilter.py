"""The literal prefilter: atoms are sound (a line a pattern matches always holds one of
its atoms), line numbers are right, and the engine finds what trying every rule finds."""
import pytest
import regex
from hypothesis import given, settings, strategies as st

from cleaner.document import Document
from cleaner.engine import Compiled
from cleaner.prefilter import EVERY_LINE, Folded, Prefilter, atoms, share
from cleaner.ruleset import FLAGS, load_rules, parse

from conftest import fixture_pairs
from strategies import FIXTURE_LINES as RAW_LINES, rule_files, texts as fuzz_texts

OUTLETS, _ = load_rules(None)
PATTERNS = [p for o in OUTLETS for p in
            [*o.signatures, *(x for r in o.rules for x in (r.pattern, r.end, r.hint) if x)]]
FIXTURE_LINES = sorted({ln.strip() for ln in RAW_LINES} - {""})


@pytest.mark.parametrize("source, expected", [
    (r"^Read more", {"\nread more"}),
    (r"(?i)^(?:photo|video) caption,?$", {"\nphoto caption\n", "\nphoto caption,\n",
                                          "\nvideo caption\n", "\nvideo caption,\n"}),
    (r"Hindustan Times$", {"hindustan times\n"}),
    (r"^(?P<a>By) (?P<a>\w+)", {"\nby "}),        # a group name may repeat in regex
    (r"Subscribe(?: now)?\b", {"subscribe"}),
    (r"(?=.{5,80}+$)\d+ min read", {" min read"}),
    (r"^(?=.*(?<=All rights reserved)$).*", {"all rights reserved"}),
    (r"^[•·]\s*\w", {"\n•", "\n·"}),             # rare punctuation is selective enough
    (r"\p{Lu}\w+ agency", {" agency"}),
    (r"(?:cookie){e<=1}", None),                 # fuzzy matching: the stdlib reads it apart
    (r"[[a-z]--[aeiou]]x", None),                # nested set
    (r"(?x) a b c d", {"abcd"}),                 # verbose mode: read as written plainly
    (r"a(?x: b c d)", {"abcd"}),                 # scoped verbose: the stdlib reads it alike
    (r"(\w+) \1", None),
    (r".*", None),
    (r"\d{4}", None),
    (r"^(?:^Read)$", {"\nread\n"}),            # one line start, however many anchors
    # each alternative after the literal text before it: a line starting with "-", not
    # every line holding one
    (r"^(?:-|\.|Summary|\d\. Post update)$", {"\n-", "\n.", "\nsummary", ". post update"}),
    (r"[.!?]\s\p{Lu}", None),                  # a stop alone is in most lines of prose
    (r"[,;]\s\p{Lu}", None),
])
def test_atoms(source, expected):
    assert atoms(source) == (frozenset(expected) if expected else None)


@pytest.mark.parametrize("source, line", [
    ("(?i)^İstanbul", "istanbul news"), ("(?i)^(?:read|listen) istanbul", "READ İSTANBUL"),
    ("(?i)turkish ı", "Turkish I"), ("(?i)straße", "STRASSE"), ("(?i)kelvin k", "Kelvin \u212a"),
])
def test_case_insensitive_atoms_meet_the_text_as_regex_does(source, line):
    """regex's case-insensitive matching pairs İ with i and ı with I (Turkic folds) and ß
    with ss: the atoms must be found wherever regex matches."""
    assert regex.search(source, line, FLAGS)
    assert _holds_atom(atoms(source), line)


def _holds_atom(found, line):
    return any(a in Folded([line]).data.decode("utf-8", "surrogatepass") for a in found)


@pytest.mark.parametrize("pat", PATTERNS, ids=lambda p: f"{p.rule_id or 'signature'}:{p.key}")
def test_atoms_are_sound_on_fixture_and_example_lines(pat):
    found = atoms(pat.source)
    if found is None:
        return
    rule_lines = [ln.strip() for o in OUTLETS for r in o.rules
                  for t in (*r.examples, *r.keep) for ln in t.split("\n")]
    for line in FIXTURE_LINES + rule_lines:
        if pat.compiled.search(line):
            assert _holds_atom(found, line), (pat.source, line)


# lines made of the rules' own literals, in any case, with noise around them
_words = sorted({a.strip("\n") for p in PATTERNS for a in (atoms(p.source) or ())})
_piece = st.one_of(st.sampled_from(_words), st.sampled_from(FIXTURE_LINES), st.text(max_size=8))
_line = st.lists(_piece, max_size=5).map(" ".join).flatmap(
    lambda s: st.sampled_from([s, s.upper(), s.title(), s.lower(), s.swapcase()]))


_ATOMS = [(p, atoms(p.source)) for p in PATTERNS]


@settings(max_examples=300, deadline=None)
@given(_line)
def test_atoms_are_sound_on_generated_lines(line):
    line = line.strip()
    for pat, found in _ATOMS:
        if found is not None and pat.compiled.search(line, timeout=5):
            assert _holds_atom(found, line), (pat.source, line)


def test_shared_automaton_gives_each_prefilter_its_own_hits():
    sources = [[p.source for p in o.signatures] + [r.pattern.source for r in o.rules]
               for o in OUTLETS]
    alone = [Prefilter(s) for s in sources]
    shared = [Prefilter(s) for s in sources]
    share(shared)
    for _, src, _ in fixture_pairs():
        page = [ln.strip() for ln in src.read_text(encoding="utf-8").split("\n")]
        folded = Folded(page)
        assert [p.scan(folded) for p in shared] == [p.scan(Folded(page)) for p in alone]


def test_scan_maps_hits_to_lines():
    texts = ["Read more here", "", "STRASSE und Straße", "İstanbul read more", "x\udcff read more"]
    hits = Prefilter([r"^read more", "strasse", "read more$", "nowhere"]).scan(Folded(texts))
    assert hits == {0: {0}, 2: {1}, 3: {2}, 4: {2}}
    assert Prefilter([r"(\w)\1"]).unfiltered == [0]


def _try_everything(outlet) -> Compiled:
    """An outlet's rules with every rule a candidate on every line."""
    c = Compiled(outlet)
    n = len(c.line_rules)
    c.scanner.prefilter.scan = lambda page: {i: set(range(n)) for i in range(page.count)}
    c.cut_scanner.prefilter.scan = lambda page: {i: {0} for i in range(page.count)}
    c.scanner.scanners = c.cut_scanner.scanners = ()
    return c


ENGINES = [(Compiled(o), _try_everything(o)) for o in OUTLETS]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FIXTURE_LINES + ["", "Read more", "Photo Caption,"]),
                max_size=40))
def test_engine_finds_what_trying_every_rule_finds(lines):
    """With the prefilter, each outlet removes exactly what it removes when every rule is
    tried on every line."""
    for fast_engine, slow_engine in ENGINES:
        fast, slow = Document("\n".join(lines)), Document("\n".join(lines))
        fast_engine.apply(fast)
        slow_engine.apply(slow)
        assert [(ln.text, ln.removed_by) for ln in fast.lines] == \
               [(ln.text, ln.removed_by) for ln in slow.lines]
        assert fast.metadata == slow.metadata


# random patterns over a small alphabet, so that random lines often match them
_LEAVES = st.sampled_from(["ab", "Read", "more", "x", "é", "ß", "SS", "İ", "k", r"\.", r"\(",
                           "[ab]", "[^a]", r"\w", r"\d", r"\s", r"\p{Lu}", ".", "^", "$",
                           r"\b", " "])
_PATTERNS = st.recursive(_LEAVES, lambda inner: st.one_of(
    st.tuples(inner, inner).map("".join),
    st.tuples(inner, inner).map("|".join),
    inner.map("(?:{})".format), inner.map("({})".format), inner.map("(?i:{})".format),
    inner.map("(?=.*{})".format), inner.map("(?!{})".format),
    st.tuples(inner, st.sampled_from(["?", "*", "+", "{1,3}", "{2}", "*+", "??"]))
      .map(lambda t: f"(?:{t[0]}){t[1]}"),
), max_leaves=8).flatmap(lambda p: st.sampled_from([p, "(?i)" + p, "^" + p, p + "$"]))
_TEXT = st.one_of(
    st.text(st.sampled_from("abReadmorexéßSsİik.() \u0130\u0131K\u212a"), max_size=30),
    st.lists(st.sampled_from(["ab", "AB", "Read", "READ", "more", "MORE", "x", "é", "É", "ß",
                              "SS", "ss", "İ", "i\u0307", "k", "K", "\u212a", ".", "(", " "]),
             max_size=8).map("".join))


@settings(max_examples=400, deadline=None)
@given(_PATTERNS, st.lists(_TEXT, min_size=1, max_size=8))
def test_atoms_of_random_patterns_are_sound(source, lines):
    try:
        pattern = regex.compile(source, FLAGS)
    except regex.error:
        return
    found = atoms(source)
    if found is None:
        return
    for line in lines:
        line = line.strip()
        try:
            matched = pattern.search(line, timeout=1)
        except TimeoutError:    # (the engine reports such a pattern; nothing to check)
            continue
        if matched:
            assert _holds_atom(found, line), (source, sorted(found), line)


@settings(max_examples=200, deadline=None)
@given(rule_files("fz"), fuzz_texts)
def test_random_rule_files_find_what_trying_every_rule_finds(toml, text):
    """Any valid rule file (all five kinds, the fuzz suite's generator) removes, cuts and
    records with the prefilter exactly what it does with every rule tried on every line."""
    outlet = parse(toml, "fz.toml")
    fast, slow = Document(text), Document(text)
    Compiled(outlet).apply(fast)
    _try_everything(outlet).apply(slow)
    assert [(ln.text, ln.removed_by, ln.cut_by) for ln in fast.lines] == \
           [(ln.text, ln.removed_by, ln.cut_by) for ln in slow.lines]
    assert (fast.metadata, fast.cuts) == (slow.metadata, slow.cuts)


@pytest.mark.parametrize("verbose, plain", [
    ("(?x) ^Read \\ more   # the promo\n  (?: \\ about | : ) [ ]x", r"^Read more(?: about|:)[ ]x"),
    ("(?ix)\n  ^ Photo [ ] author ,   # credit line\n", r"(?i)^Photo[ ]author,"),
    ("(?x) ^ (?: AFP | AP | Reuters ) \\ \\|$", r"^(?:AFP|AP|Reuters) \|$"),
])
def test_verbose_patterns_get_the_atoms_of_their_plain_form(verbose, plain):
    # a long rule may span lines with comments: (?x) must not cost it the prefilter
    assert atoms(verbose) == atoms(plain) is not None
    for line in ["Read more about x", "Read more: x", "photo author,", "AP |", "Reuters |"]:
        assert bool(regex.search(verbose, line, FLAGS)) == bool(regex.search(plain, line, FLAGS))


def test_a_verbose_comment_is_not_read_as_pattern():
    # a bracket or backslash inside a comment opens no class and escapes nothing
    source = "(?x) ^Read \\ more  # see [note\n  [ ]x  # and \\\n  $"
    assert atoms(source) == atoms(r"^Read more[ ]x$")
    assert regex.search(source, "Read more x", FLAGS)


# characters whose case fold is several characters: regex's `(?:(?i)ß)`, the form the
# engine's and the detector's joined scans give a pattern, matches none of them
FOLDS_APART = ["ß", "ẞ", "ﬁ", "ŉ"]


@pytest.mark.parametrize("char", FOLDS_APART)
@pytest.mark.parametrize("kind", ["drop_line", "cut"])
def test_case_insensitive_rules_over_characters_that_fold_apart(char, kind):
    lines = [char, char.upper(), char.casefold(), char.casefold().upper(), f"a {char} b",
             f"Stra{char}e", "plain"]
    for pattern in (f"(?i){char}", f"(?i)^{char}", f"(?i){char}$", f"(?i)[{char}x]"):
        outlet = parse(f"[outlet]\nid = 'fz'\n[[rule]]\nid = 'r'\nkind = '{kind}'\n"
                       f"pattern = '{pattern}'\n", "fz.toml")
        for line in lines:
            fast, slow = Document(line), Document(line)
            Compiled(outlet).apply(fast)
            _try_everything(outlet).apply(slow)
            assert [(ln.text, ln.removed_by, ln.cut_by) for ln in fast.lines] == \
                   [(ln.text, ln.removed_by, ln.cut_by) for ln in slow.lines], (pattern, line)
            assert (fast.cuts, fast.removed) == (slow.cuts, slow.removed)
    assert fast.removed + len(fast.cuts) == 0       # "plain" holds none of them


@pytest.mark.parametrize("char", FOLDS_APART)
def test_signatures_over_characters_that_fold_apart(char):
    from cleaner import Cleaner
    outlet = parse(f"[outlet]\nid = 'fz'\nsignatures = ['(?i){char}']\n", "fz.toml")
    result = Cleaner(outlets=[outlet]).clean(f"Headline\nSome words with {char} inside.\n")
    assert result.outlet == "fz" and result.detected_by == "evidence"
    assert atoms(f"(?i){char}") == EVERY_LINE and atoms(char) is None
