"""Rule authoring in the library: suggest, check (each problem kind), new."""
import pytest
import regex
import tomllib
from hypothesis import assume, given, strategies as st

from cleaner.authoring import (check_paths, check_text, line_pattern, mask, new_rule_file,
                               suggest, suggest_toml, toml_str)
from cleaner.ruleset import parse

from conftest import FIXTURES, SEEDS

MT_SEEDS = [SEEDS / "000_793e23ee459727fc.txt", SEEDS / "004_c630794e0e8874ab.txt"]
HEAD = '[outlet]\nid = "x"\nname = "X"\n'


def mt_pages():
    return [p.read_text(encoding="utf-8") for p in MT_SEEDS]


# ---- suggest ----

def test_suggest_on_moscow_times_seeds_finds_the_shared_appeal_only():
    found = suggest(mt_pages())
    lines = [ln for s in found for ln in s.lines]
    assert lines == ["Support The Moscow Times!", "paiment methods", "Not ready to support today?",
                     "Remind me later.", "Read more"]
    assert all(s.pages == 2 for s in found)
    bodies = {ln.strip() for f in ("seed_000", "seed_004")
              for ln in (FIXTURES / "moscowtimes" / f"{f}.expected.txt").read_text().splitlines()}
    assert not set(lines) & bodies, "nothing from either article body"


def test_suggested_draft_passes_check_and_removes_the_appeal():
    draft = suggest_toml(mt_pages(), "mtdraft")
    assert check_text(draft, "draft.toml") == []
    outlet = parse(draft, "draft.toml")
    assert [r.kind for r in outlet.rules] == ["drop_line", "drop_block"]
    assert "# in 2 of 2 pages" in draft
    assert outlet.rules[1].examples == ["paiment methods\nNot ready to support today?\n"
                                        "Remind me later.\nRead more"]


def test_suggest_needs_two_pages():
    with pytest.raises(ValueError, match="at least 2 different pages"):
        suggest(mt_pages()[:1])
    with pytest.raises(ValueError, match="got 1"):
        suggest(mt_pages()[:1] * 2)


def test_masking_numbers_and_dates():
    a, b = "Last updated: Tuesday 12 March 2024", "Last updated: Fri 3 Oct. 2023"
    assert mask(a) == mask(b)
    pat = line_pattern(a)
    assert regex.search(pat, b) and not regex.search(pat, "Last updated: soon")
    assert line_pattern("Price $2 (approx.)") == r"^Price \$\d+ \(approx\.\)$"
    assert line_pattern("a\tb  c d") == r"^a\s+b\s+c d$"


def test_suggest_groups_recurring_runs_into_blocks():
    pages = [f"Top bar\nMenu\n\nStory {n} body text that is unique {n * 'x'}\n\nFooter 1\nFooter 2"
             for n in range(3)]
    found = suggest(pages)
    assert [(s.kind, s.lines) for s in found] == [
        ("drop_block", ["Top bar", "Menu"]), ("drop_block", ["Footer 1", "Footer 2"])]


lines_st = st.lists(st.sampled_from(["alpha", "beta 1", "beta 22", "gamma", "delta", "x 5 May"]),
                    max_size=8)


@given(st.lists(lines_st, min_size=2, max_size=4))
def test_never_suggests_a_line_from_one_page_only(page_lines):
    pages = ["\n".join(p) for p in page_lines]
    assume(len(set(pages)) >= 2)
    for s in suggest(pages):
        for ln in s.lines:
            assert sum(any(mask(x) == mask(ln) for x in p.split("\n")) for p in set(pages)) >= 2


@given(st.text(max_size=40))
def test_toml_str_round_trips(s):
    assert tomllib.loads("k = " + toml_str(s))["k"] == s


# ---- check: every kind of problem, all of them in one file ----

def problems(text):
    return [str(e) for e in check_text(text, "x.toml")]


def test_check_reports_invalid_toml():
    [msg] = problems(HEAD + "[[rule]]\nid = 'a'\nkind = \n")
    assert msg.startswith("x.toml:6: invalid TOML")


def test_check_collects_all_problems_of_a_file():
    text = (HEAD + "colour = 'red'\n"
            "[[rule]]\nid = 'r1'\nkind = 'drop_line'\npatern = 'x'\n"
            "[[rule]]\nid = 'r2'\nkind = 'drop_line'\npattern = '(x'\nexamples = ['x']\n"
            "[[rule]]\nid = 'r3'\nkind = 'drop_line'\npattern = '(a+)+$'\nexamples = ['aa']\n"
            "[[rule]]\nid = 'r4'\nkind = 'drop_line'\npattern = 'hello'\nexamples = ['bye']\n"
            "keep = ['hello there']\n"
            "[[rule]]\nid = 'r4'\nkind = 'drop_line'\npattern = 'y'\nexamples = ['y']\n"
            "[[rule]]\nid = 'r6'\nkind = 'drop_line'\npattern = 'z?'\nexamples = ['z']\n"
            "[[rule]]\nid = 'r7'\nkind = 'cut'\npattern = 'q'\nend = 'w'\nmax_lines = 0\n"
            "enabled = 'yes'\nexamples = ['q']\n")
    got = problems(text)
    assert got == [
        "x.toml:4: unknown outlet key 'colour'",
        "x.toml:6: r1: kind drop_line needs a non-empty string 'pattern'",
        "x.toml:8: r1: unknown rule key 'patern' (did you mean 'pattern'?)",
        "x.toml:12: r2: bad pattern in 'pattern': missing ) at position 2",
        "x.toml:17: r3: 'pattern' backtracks catastrophically: over 0.5s on a 20 KB line of "
        "'aaaaaa'...; make the repeats unambiguous",
        "x.toml:20: r4: example not removed: 'bye'",
        "x.toml:20: r4: keep line was changed: 'hello there'",
        "x.toml:26: r4: duplicate rule id",
        "x.toml:33: r6: 'pattern' matches an empty line, so it matches every line",
        "x.toml:39: r7: 'end' is not used by kind cut",
        "x.toml:40: r7: 'max_lines' must be a positive integer",
        "x.toml:41: r7: 'enabled' must be true or false",
    ]


def test_check_bad_signature_and_outlet_id():
    got = problems('[outlet]\nid = "X Y"\nsignatures = ["(x"]\n')
    assert got == ["x.toml:2: outlet id must be lowercase letters, digits, '-', '_' or '.'",
                   "x.toml:3: bad pattern in 'signatures': missing ) at position 2"]


def test_check_paths_folders_and_missing(tmp_path):
    (tmp_path / "a.toml").write_text(HEAD)
    (tmp_path / "b.toml").write_bytes(b"\xff\xfe")
    count, found = check_paths([tmp_path])
    assert count == 2 and len(found) == 1 and "cannot read" in str(found[0])
    with pytest.raises(FileNotFoundError):
        check_paths([tmp_path / "nope"])


def test_builtin_rules_pass_check():
    from cleaner.ruleset import builtin_rules_dir
    assert check_paths([builtin_rules_dir()]) == (4, [])


def test_check_notes_patterns_the_prefilter_cannot_narrow(tmp_path):
    (tmp_path / "x.toml").write_text(HEAD + """signatures = ['^X News$', '^\\p{Lu}{3,}$']
[[rule]]
id = "promo"
kind = "drop_line"
pattern = '^Read more: .+$'
[[rule]]
id = "credit"
kind = "drop_line"
pattern = '^\\p{Lu}\\w+ \\p{Lu}\\w+$'
[[rule]]
id = "hinted"
kind = "drop_line"
pattern = '^\\p{Lu}\\w+ / \\p{Lu}\\w+ Photo$'
hint = ' Photo$'
""")
    notes = []
    assert check_paths([tmp_path], notes) == (1, [])
    assert [(n.rule_id, "prefilter" in str(n)) for n in notes] == [(None, True), ("credit", True)]


def test_check_notes_case_insensitive_runs_of_letters_and_spaces(tmp_path):
    # (?i)[\p{L} ]{2,40} cost a built-in rule ~37 us a line, (?-i:[\p{L} ]{2,40}) ~1 us
    (tmp_path / "x.toml").write_text(HEAD + """[[rule]]
id = "skip"
kind = "drop_block"
start = '(?i)^skip [\\p{L} ]{2,40} and continue reading$'
end = '^End of (?i:[\\w\\s]+)$'
[[rule]]
id = "fixed"
kind = "drop_line"
pattern = '(?i)^skip (?-i:[\\p{L} ]{2,40}) and continue reading$'
[[rule]]
id = "plain"
kind = "drop_line"
pattern = '^Skip [\\p{L} ]+ and [^\\w ]+ (?i:[\\p{L}]+|[\\w ]{2})$'
""")
    notes = []
    assert check_paths([tmp_path], notes) == (1, [])
    assert [(n.rule_id, n.line, "case-insensitively" in str(n)) for n in notes] == [
        ("skip", 7, True), ("skip", 8, True)]


def test_builtin_rules_have_no_case_insensitive_runs_of_letters_and_spaces():
    from cleaner.ruleset import builtin_rules_dir
    notes = []
    check_paths([builtin_rules_dir()], notes)
    assert not [n for n in notes if "case-insensitively" in str(n)]


# ---- new ----

def test_new_writes_a_loadable_file_and_fixtures_folder(tmp_path):
    path, fixtures = new_rule_file("acme", 'Acme "Daily"', "Acme.example", tmp_path / "r",
                                   tmp_path / "fx")
    assert path == tmp_path / "r" / "acme.toml" and fixtures.is_dir()
    assert not any(fixtures.iterdir())
    outlet = parse(path.read_text(), path)
    assert (outlet.id, outlet.name, outlet.domains) == ("acme", 'Acme "Daily"', ["acme.example"])
    assert check_text(path.read_text(), path) == []


def test_new_never_overwrites(tmp_path):
    (tmp_path / "acme.toml").write_text("mine")
    with pytest.raises(ValueError, match="already exists"):
        new_rule_file("acme", "Acme", "acme.example", tmp_path, tmp_path / "fx")
    assert (tmp_path / "acme.toml").read_text() == "mine"
    with pytest.raises(ValueError, match="outlet id"):
        new_rule_file("Bad Id", "Acme", "acme.example", tmp_path, tmp_path / "fx")


@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"),
               min_size=1, max_size=40))
def test_line_pattern_matches_its_line(line):
    assume(line.strip())
    pat = line_pattern(line)
    assert regex.search(pat, line.strip(), regex.VERSION1)
    assert tomllib.loads("k = " + toml_str(pat))["k"] == pat
