"""The rule engine, one rule kind at a time."""
import pytest
import regex

from cleaner.document import Document
from cleaner.engine import Compiled, RuleTimeout, check_examples
from cleaner.ruleset import RuleError, parse

HEAD = '[outlet]\nid = "t"\n'


def run(rules_toml: str, text: str):
    doc = Document(text)
    Compiled(parse(HEAD + rules_toml, "t.toml")).apply(doc)
    return doc


def test_drop_line():
    doc = run("[[rule]]\nid='ad'\nkind='drop_line'\npattern='^AD$'\n", "a\nAD\nb")
    assert doc.render() == "a\n\nb\n"
    assert [(r.line, r.rule, r.number) for r in doc.removals()] == [("AD", "ad", 2)]


def test_patterns_see_the_stripped_line():
    doc = run("[[rule]]\nid='ad'\nkind='drop_line'\npattern='^AD$'\n", "  AD  \nkeep")
    assert doc.render() == "keep\n"


def test_drop_block_with_end():
    rules = "[[rule]]\nid='box'\nkind='drop_block'\nstart='^BEGIN'\nend='^END'\n"
    doc = run(rules, "a\nBEGIN\nx\n\ny\nEND\nb")
    assert doc.render() == "a\n\nb\n"


@pytest.mark.parametrize("end", ["^END$", "^(?i:end)$", r"^\p{Lu}{3}$", r"^E(\w)D$"])
def test_drop_block_end_within_max_lines(end):
    # every kept line after the start, an end-like "ENDING" included, counts toward
    # max_lines, whatever the end pattern is made of
    rules = f"[[rule]]\nid='box'\nkind='drop_block'\nstart='^BEGIN'\nend='{end}'\nmax_lines=4\n"
    assert run(rules, "a\nBEGIN\nx\nENDING\n\ny\nEND\nb").render() == "a\n\nb\n"
    assert run(rules, "BEGIN\nx\nENDING\ny\nz\nEND").render() == "x\nENDING\ny\nz\nEND\n"


def test_drop_block_to_end_of_text():
    doc = run("[[rule]]\nid='box'\nkind='drop_block'\nstart='^BEGIN'\n", "a\nBEGIN\nx\ny")
    assert doc.render() == "a\n"


def test_drop_block_whose_end_never_comes_keeps_the_body():
    rules = "[[rule]]\nid='box'\nkind='drop_block'\nstart='^BEGIN'\nend='^END'\nmax_lines=2\n"
    doc = run(rules, "BEGIN\nx\ny\nz\nEND")
    assert doc.render() == "x\ny\nz\nEND\n"


def test_drop_block_that_needs_its_end_leaves_the_start_without_it():
    # 'Russia' heads the 2017 menu only when the menu's last item follows; alone it is text,
    # and a later rule may still judge the line
    rules = ("[[rule]]\nid='menu'\nkind='drop_block'\nstart='^Russia$'\nend='^Guide$'\n"
             "max_lines=3\nneeds_end=true\n"
             "[[rule]]\nid='word'\nkind='drop_line'\npattern='^Russia$'\n")
    assert run(rules, "Russia\nBusiness\nGuide\nBody.").render() == "Body.\n"
    doc = run(rules, "Russia\nBody one.\nBody two.\nBody three.\nGuide")
    assert doc.render() == "Body one.\nBody two.\nBody three.\nGuide\n"
    assert [r.rule for r in doc.removals()] == ["word"]
    with pytest.raises(RuleError, match="'needs_end' must be true or false, and true needs"):
        parse(HEAD + "[[rule]]\nid='x'\nkind='drop_block'\nstart='a'\nneeds_end=true\n", "t.toml")
    with pytest.raises(RuleError, match="'needs_end' is for drop_block rules"):
        parse(HEAD + "[[rule]]\nid='x'\nkind='drop_line'\npattern='a'\nneeds_end=true\n", "t.toml")


def test_drop_caption_whose_caption_does_not_read_as_one_takes_nothing():
    # a lower-case kicker heads a related card only when a Title Case headline follows
    rules = ("[[rule]]\nid='card'\nkind='drop_caption'\npattern='^[a-z]+ [a-z]+$'\n"
             "caption='^(?:\\p{Lu}\\w*+ ?)++$'\n"
             "examples=[\"long recovery\\nNavalny Leaves Hospital\"]\nkeep=[\"baby carrier\\ncamera bag, two\"]\n")
    assert run(rules, "Body.\nlong recovery\nNavalny Leaves Hospital").render() == "Body.\n"
    assert run(rules, "baby carrier\ncamera bag, two").render() == "baby carrier\ncamera bag, two\n"
    assert check_examples(parse(HEAD + rules, "t.toml").rules[0]) == []
    with pytest.raises(RuleError, match="'caption' is for drop_caption rules"):
        parse(HEAD + "[[rule]]\nid='x'\nkind='drop_line'\npattern='a'\ncaption='b'\n", "t.toml")


def test_drop_caption_takes_next_nonblank_line():
    rules = "[[rule]]\nid='cap'\nkind='drop_caption'\npattern='^Photo Caption,$'\n"
    doc = run(rules, "a\n\nPhoto Caption,\n\nthe caption\n\nb")
    assert doc.render() == "a\n\nb\n"
    assert {r.rule for r in doc.removals()} == {"cap"}


def test_drop_caption_takes_lines_before_its_marker():
    # the alt text above "Image caption:": the marker says what the line before it was
    rules = ("[[rule]]\nid='alt'\nkind='drop_caption'\npattern='^Image caption:$'\n"
             "before=1\nlines=0\nexamples=[\"Marchers at the gala\\nImage caption:\"]\n")
    doc = run(rules, "Headline\n\nMarchers at the gala\n\nImage caption:\nBody text.")
    assert doc.render() == "Headline\n\nBody text.\n"
    assert [r.number for r in doc.removals()] == [3, 5]
    assert check_examples(parse(HEAD + rules, "t.toml").rules[0]) == []
    with pytest.raises(RuleError, match="'before' is for drop_caption rules"):
        parse(HEAD + "[[rule]]\nid='x'\nkind='drop_line'\npattern='a'\nbefore=1\n", "t.toml")


def test_adjacent_caption_follows_its_marker_at_once():
    # a card's summary sits right under its timestamp; the article's own timestamp has a
    # blank line before its first paragraph, and the rule takes nothing there
    rules = ("[[rule]]\nid='card'\nkind='drop_caption'\npattern='^PUBLISHED ON'\n"
             "before=1\nadjacent=true\n"
             "examples=[\"Card headline\\nPUBLISHED ON JAN 22\\nCard summary.\"]\n"
             "keep=[\"Standfirst\\nPUBLISHED ON JAN 22\\n\\nFirst paragraph.\"]\n")
    doc = run(rules, "Headline\nStandfirst\nPUBLISHED ON JAN 22\n\nBody.\n\n"
                     "Card\nPUBLISHED ON JAN 21\nSummary.\nNext card")
    assert doc.render() == "Headline\nStandfirst\nPUBLISHED ON JAN 22\n\nBody.\n\nNext card\n"
    assert [r.number for r in doc.removals()] == [7, 8, 9]
    # the card cut short by the page's end still goes
    assert run(rules, "Body.\n\nCard\nPUBLISHED ON JAN 21").render() == "Body.\n"
    assert check_examples(parse(HEAD + rules, "t.toml").rules[0]) == []
    with pytest.raises(RuleError, match="'adjacent' is for drop_caption rules"):
        parse(HEAD + "[[rule]]\nid='x'\nkind='drop_line'\npattern='a'\nadjacent=true\n", "t.toml")
    with pytest.raises(RuleError, match="'adjacent' must be true or false"):
        parse(HEAD + "[[rule]]\nid='x'\nkind='drop_caption'\npattern='a'\nadjacent=1\n", "t.toml")


def test_caption_reads_the_lines_above_and_below_as_printed():
    # an old page's picture: alt text and caption with no marker, between a blank line
    # and a blank line or a paragraph; a fact box's short lines run on, and stay
    rules = ("[[rule]]\nid='pic'\nkind='drop_caption'\npattern='^[A-Z][a-z ]+$'\n"
             "caption='^[A-Z][a-z ]+$'\nadjacent=true\nabove='^$'\nbelow=['^$|^.{30,}']\n"
             "examples=[\"Body.\\n\\nA damaged house\\nDamage is extensive\\n\\nBody.\"]\n"
             "keep=[\"Body.\\n\\nRelease of fighters\\nWithdrawal of troops\\nTalks with officials\\n\\nBody.\"]\n")
    text = ("Body one.\n\nA damaged house\nDamage is extensive\n\nBody two.\n\n"
            "Release of fighters\nWithdrawal of troops\nTalks with officials\n\nBody three.")
    doc = run(rules, text)
    assert [r.number for r in doc.removals()] == [3, 4]
    # no line above the page's first line, nor on the blank lines before it: a headline
    # and its standfirst stay; at the page's end the final newline is no line either, so
    # a second cleaning of the output judges alike
    for text in ("Headline here\nThe standfirst\n\nBody.", "\n\nHeadline here\nThe standfirst\n\nBody."):
        assert run(rules, text).render() == "Headline here\nThe standfirst\n\nBody.\n"
    for text in ("Body.\n\nA damaged house\nDamage is extensive", "Body.\n\nA damaged house\nDamage is extensive\n"):
        assert run(rules, text).render() == "Body.\n\nA damaged house\nDamage is extensive\n"
    # several lines above, the nearest first; a removed line is read as it was printed
    lead = ("[[rule]]\nid='stamp'\nkind='drop_line'\npattern='^Last Updated'\n"
            "[[rule]]\nid='lead'\nkind='drop_caption'\npattern='^[A-Z][a-z ]+$'\n"
            "adjacent=true\nabove=['^[A-Z][a-z ]+$', '^Last Updated']\n"
            "examples=[\"Last Updated\\nHeadline\\nA damaged house\\nDamage is extensive\"]\n")
    doc = run(lead, "Last Updated\nHeadline\nA damaged house\nDamage is extensive\nBody.")
    assert doc.render() == "Headline\n\nBody.\n"
    assert check_examples(parse(HEAD + rules, "t.toml").rules[0]) == []
    assert check_examples(parse(HEAD + lead, "t.toml").rules[1]) == []
    with pytest.raises(RuleError, match="'above' is for drop_caption rules"):
        parse(HEAD + "[[rule]]\nid='x'\nkind='drop_line'\npattern='a'\nabove='b'\n", "t.toml")
    with pytest.raises(RuleError, match="'below' must be a pattern or a list of patterns"):
        parse(HEAD + "[[rule]]\nid='x'\nkind='drop_caption'\npattern='a'\nbelow=1\n", "t.toml")


def test_drop_caption_capture_keeps_metadata():
    rules = "[[rule]]\nid='t'\nkind='drop_caption'\npattern='^Topics$'\ncapture='tags'\n"
    doc = run(rules, "body\nTopics\nrussia, kremlin")
    assert doc.render() == "body\n"
    assert doc.metadata == {"tags": ["russia", "kremlin"]}


def test_cut_fragment_and_idempotence():
    rules = "[[rule]]\nid='x'\nkind='cut'\npattern='<b>'\n"
    doc = run(rules, "he<<b>b>llo\n<b>")
    assert doc.render() == "hello\n"
    assert doc.removals()[0].rule == "x"
    assert [c.line for c in doc.cuts] == ["<b>", "<b>", "<b>"]


def test_meta_captures_and_drops():
    rules = "[[rule]]\nid='by'\nkind='meta'\npattern='^By (?P<author>.+)$'\n"
    doc = run(rules, "Title\nBy Jane Roe\nBody.")
    assert doc.render() == "Title\n\nBody.\n"
    assert doc.metadata == {"author": "Jane Roe"}


def test_first_rule_in_order_wins():
    rules = ("[[rule]]\nid='first'\nkind='drop_line'\npattern='x'\n"
             "[[rule]]\nid='second'\nkind='drop_line'\npattern='x'\n")
    assert run(rules, "x").removals()[0].rule == "first"


def test_inline_flags_stay_inside_their_rule():
    rules = ("[[rule]]\nid='ci'\nkind='drop_line'\npattern='(?i)^abc$'\n"
             "[[rule]]\nid='cs'\nkind='drop_line'\npattern='^def$'\n")
    assert run(rules, "ABC\nDEF\ndef").render() == "DEF\n"


def test_disabled_rules_do_not_run():
    rules = "[[rule]]\nid='ad'\nkind='drop_line'\npattern='^AD$'\nenabled=false\n"
    assert run(rules, "AD").render() == "AD\n"


def test_catastrophic_pattern_times_out_naming_the_rule(monkeypatch):
    import cleaner.scan as scan
    monkeypatch.setattr(scan, "TIMEOUT", 0.05)
    rules = "[[rule]]\nid='evil'\nkind='drop_line'\npattern='^(a|aa)+$'\n"
    with pytest.raises(RuleTimeout, match="evil"):
        run(rules, "a" * 60 + "b")


def test_guarded_search_passes_its_timeout_and_start(monkeypatch):
    # the timeout goes to the regex module by position: a release that reordered its
    # arguments would turn it into some other argument, and the guard would be gone
    import cleaner.scan as scan
    monkeypatch.setattr(scan, "TIMEOUT", 0.05)
    with pytest.raises(TimeoutError):
        scan.guarded_search(regex.compile("^(a|aa)+$"), "a" * 60 + "b")
    assert scan.guarded_search(regex.compile("b"), "bab", 1).start() == 2


def test_cut_pattern_matching_the_empty_string_cuts_nothing():
    # found by tests/test_fuzz.py: 'b*' matches "" everywhere; that is no cut to report
    doc = run("[[rule]]\nid='x'\nkind='cut'\npattern='b*'\n", "abba\n\nccc")
    assert doc.render() == "aa\n\nccc\n"
    assert [(c.line, c.number) for c in doc.cuts] == [("bb", 1)]
    assert [ln.cut_by for ln in doc.lines] == [("x",), (), ()]


def test_cut_that_leaves_trailing_space_is_idempotent():
    # 'x x' minus 'x+$' is 'x ': trimmed to 'x', which the rule matches again, so the
    # first clean must cut it too (else a second clean changes the output)
    rules = "[[rule]]\nid='c'\nkind='cut'\npattern='x+$'\n"
    doc = run(rules, "keep\nx x\nax x")
    assert doc.render() == "keep\n\na\n"
    assert run(rules, doc.render()).render() == doc.render()


@pytest.mark.parametrize("rule", ["kind='drop_caption'\npattern='^b*$'",
                                  "kind='drop_block'\nstart='^(Related)?$'",
                                  "kind='drop_line'\npattern='^$'"])
def test_blank_lines_never_trigger_a_rule(rule):
    # found by tests/test_fuzz.py: a pattern that matches "" used to fire on blank lines,
    # eating the caption after them (or the rest of the page), and differently once the
    # output's blank lines had moved, so a second clean changed the output
    doc = run(f"[[rule]]\nid='r'\n{rule}\n", "one\n\ntwo\nthree")
    assert doc.render() == "one\n\ntwo\nthree\n" and doc.removals() == []


def test_a_page_has_a_time_budget_beyond_each_line(monkeypatch):
    # many lines each within their own budget must not add up to minutes: once the
    # page's budget is spent, the next pattern stops with an error naming the page's time
    import cleaner.scan as scan
    from cleaner.pipeline import Cleaner
    from cleaner.ruleset import parse
    monkeypatch.setattr(scan, "PAGE_TIMEOUT", -1.0)
    outlet = parse("[outlet]\nid = 'slow'\n[[rule]]\nid = 'r'\nkind = 'drop_line'\n"
                   "pattern = '^x'\n", "slow.toml")
    with pytest.raises(RuleTimeout, match="ran out of the page's time"):
        Cleaner(outlets=[outlet]).clean("x\ny\n", outlet="slow")
    # outside a page (a rule's own examples, rules check) only the line budget applies
    assert scan.guarded_search(regex.compile("x"), "x") is not None


def test_searches_bounded_by_their_steps_skip_the_timeout(monkeypatch):
    # a timeout reads the CPU clock twice (system calls); a search whose backtracking is
    # bounded below STEP_LIMIT on the line runs without one (no budget asked for)
    import cleaner.scan as scan
    from cleaner.ruleset import FLAGS
    timed = []
    monkeypatch.setattr(scan, "budget", lambda s: timed.append(s) or 0.05)
    pattern = regex.compile("^Read (?:more|also)$", FLAGS)
    monkeypatch.setattr(scan, "PLAN_AFTER", 4)
    for _ in range(scan.PLAN_AFTER):        # (a pattern is planned after some searches)
        timed.clear()
        assert scan.guarded_search(pattern, "Read more")
    assert timed == []
    # an exponential pattern is timed on all but short lines, where its bound is small
    evil = regex.compile("^(a|aa)+$", FLAGS)
    assert len(scan.step_costs(evil)) <= 6
    with pytest.raises(TimeoutError):
        scan.guarded_search(evil, "a" * 60 + "b")
    # ignoring case (a letter may fold to two, and the regex module then tries more
    # ways than the pattern shows) and multi-line anchors are not modelled: always timed
    for source in ("(?i)^read more$", "^read (?i:more)$", "(?m)^a$", r"(?i)^[sß]+$",
                   r"(?i)^(?:[\p{L}.&'’-]+\ ){0,3}x"):
        assert scan.step_costs(regex.compile(source, FLAGS)) == (), source


def test_a_line_its_precheck_misses_is_missed_without_a_timeout(monkeypatch):
    # the pattern's leading items, bounded, find most candidate lines false untimed
    import cleaner.scan as scan
    from cleaner.ruleset import FLAGS
    evil = regex.compile("^Breaking: (a|aa)+$|^Live(?:(x+x+)+y)", FLAGS)
    assert scan.precheck(evil).pattern == "^Breaking: |^Live"
    timed = []
    monkeypatch.setattr(scan, "budget", lambda s: timed.append(s) or 0.05)
    monkeypatch.setattr(scan, "PLAN_AFTER", 1)
    assert scan.guarded_search(evil, "Not breaking: " + "a" * 60 + "b") is None
    assert timed == []
    with pytest.raises(TimeoutError):      # the precheck matches: the pattern is timed
        scan.guarded_search(evil, "Breaking: " + "a" * 60 + "b")
    # nothing to cut, or a cut that keeps no literal or class: no precheck
    for source in ("^Read more$", "(?:(x+x+)+y)", "^.*(x+x+)+y", "(a)(x+x+)+\\1"):
        assert scan.precheck(regex.compile(source, FLAGS)) is None


def test_prechecks_match_the_examples_of_the_built_in_rules_and_cues():
    # a precheck must match wherever its pattern does: a rule's or cue's examples are
    # lines its pattern matches
    import cleaner.scan as scan
    from cleaner.ruleset import builtin_rules_dir, load_dirs
    checked = 0
    for outlet in load_dirs([builtin_rules_dir()]):
        for item in [*outlet.rules, *outlet.cues]:
            for pat in (getattr(item, key, None) for key in ("pattern", "end", "caption")):
                pre = scan.precheck(pat.compiled) if pat is not None else None
                if pre is None:
                    continue
                for line in (ln.strip() for text in item.examples for ln in text.split("\n")):
                    if pat.compiled.search(line):
                        assert pre.search(line), (pat.source, pre.pattern, line)
                        checked += 1
    assert checked > 100


def test_untimed_searches_still_stop_when_the_page_is_spent(monkeypatch):
    # untimed searches are charged their bound; once the page's PAGE_STEPS are spent,
    # the next search is timed and sees the page's deadline
    import cleaner.scan as scan
    from cleaner.pipeline import Cleaner
    outlet = parse("[outlet]\nid = 'slow'\n[[rule]]\nid = 'r'\nkind = 'drop_line'\n"
                   "pattern = '^xyz'\n", "slow.toml")
    monkeypatch.setattr(scan, "PAGE_TIMEOUT", -1.0)
    monkeypatch.setattr(scan, "PAGE_STEPS", 100)
    monkeypatch.setattr(scan, "PLAN_AFTER", 1)
    with pytest.raises(RuleTimeout, match="ran out of the page's time"):
        Cleaner(outlets=[outlet]).clean("xyz\n" * 50, outlet="slow")
    monkeypatch.setattr(scan, "PAGE_STEPS", 10 ** 6)
    assert Cleaner(outlets=[outlet]).clean("xyz\n" * 50, outlet="slow").text == ""


def test_an_outlet_may_drop_lines_that_repeat_an_earlier_one():
    from cleaner.pipeline import Cleaner
    head = "[outlet]\nid = 'rep'\ndrop_repeats = true\n"
    page = ("Council approves the new harbour budget\n\nCouncil approves the new harbour budget\n"
            "The council voted on Monday.\nYes.\n\nYes.\n")
    cleaner = Cleaner(outlets=[parse(head, "rep.toml")])
    result = cleaner.clean(page, outlet="rep")
    # the headline printed twice goes once; a short line may repeat in an article
    assert result.text == ("Council approves the new harbour budget\n\nThe council voted on "
                           "Monday.\nYes.\n\nYes.\n")
    assert [(r.rule, r.reason) for r in result.removals] == [("repeat", "repeats line 1")]
    assert cleaner.clean(result.text, outlet="rep").text == result.text
    # off unless the outlet's file asks (a repeat of the headline right under it aside)
    plain = Cleaner(outlets=[parse("[outlet]\nid = 'rep'\n", "rep.toml")])
    assert plain.clean("Budget day\n" + page, outlet="rep").text.count("harbour") == 2


def test_a_caption_declined_on_a_line_a_later_rule_removes_is_judged_again():
    # the generic rules run after the outlet's: the caption window above 'P4' first
    # reads 'Comments', which fails it; once that line is gone it reads '1234', as a
    # second cleaning would, so one cleaning is enough
    from cleaner.pipeline import Cleaner
    outlet = parse("[outlet]\nid = 'pp'\n[[rule]]\nid = 'pp-teaser'\nkind = 'drop_caption'\n"
                   "pattern = '^P\\d$'\nbefore = 1\nlines = 0\ncaption = '^\\d+$'\n", "pp.toml")
    generic = parse("[outlet]\nid = 'generic'\n[[rule]]\nid = 'g-comments'\n"
                    "kind = 'drop_line'\npattern = '^Comments$'\n", "generic.toml")
    cleaner = Cleaner(outlets=[outlet, generic])
    result = cleaner.clean("Story\n1234\nComments\nP4\n", outlet="pp")
    assert result.text == "Story\n"
    assert [r.rule for r in result.removals] == ["pp-teaser", "g-comments", "pp-teaser"]


def test_a_known_outlets_headline_printed_twice_keeps_its_first_copy():
    from cleaner.pipeline import Cleaner
    cleaner = Cleaner(outlets=[parse("[outlet]\nid = 'hl'\n", "hl.toml")])
    head = "Council approves the new harbour budget"
    page = f"{head}\n\n {head}\n{head}\n\nThe council voted on Monday.\n\n{head}\n"
    result = cleaner.clean(page, outlet="hl")
    # every copy right under it goes (so a second cleaning finds none); a later one stays
    assert result.text == f"{head}\n\nThe council voted on Monday.\n\n{head}\n"
    assert {r.reason for r in result.removals} == {"the headline printed twice, line 1"}
    assert cleaner.clean(result.text, outlet="hl").text == result.text
    # short first lines ("Live", "Opinion") may repeat; unknown pages are the fallback's
    assert cleaner.clean("Opinion\nOpinion\nThe council voted.\n", outlet="hl").text.count("Opinion") == 2


def test_an_outlet_may_drop_both_copies_of_a_line_printed_twice_in_a_row():
    from cleaner.pipeline import Cleaner
    head = "[outlet]\nid = 'dbl'\ndrop_doubled = true\ndrop_repeats = true\n"
    page = ("Council approves the harbour budget\nCouncil approves the harbour budget\n\n"
            "Workers at the harbour on Monday morning\nWorkers at the harbour on Monday morning\n"
            "The council voted on Monday to approve it.\n\n"
            "The council voted on Monday to approve it.\nYes.\nYes.\n")
    cleaner = Cleaner(outlets=[parse(head, "dbl.toml")])
    result = cleaner.clean(page, outlet="dbl")
    # the caption under its alt text goes whole; a headline printed twice and a standfirst
    # shown again after a blank line lose only their copy (drop_repeats); short lines
    # may repeat
    assert result.text == ("Council approves the harbour budget\n\n"
                           "The council voted on Monday to approve it.\n\nYes.\nYes.\n")
    assert [(r.rule, r.number, r.reason) for r in result.removals] == [
        ("repeat", 2, "repeats line 1"),
        ("doubled", 4, "printed twice, lines 4 and 5"), ("doubled", 5, "printed twice, lines 4 and 5"),
        ("repeat", 8, "repeats line 6")]
    assert cleaner.clean(result.text, outlet="dbl").text == result.text
    plain = Cleaner(outlets=[parse("[outlet]\nid = 'dbl'\n", "dbl.toml")])
    assert plain.clean(page, outlet="dbl").text.count("Workers") == 2
    with pytest.raises(RuleError, match="'drop_doubled' must be true or false"):
        parse("[outlet]\nid = 'dbl'\ndrop_doubled = 1\n", "dbl.toml")


def test_a_verbose_pattern_ending_in_a_comment_joins_a_scan():
    # rules without literals are joined into one regex scan; a verbose member whose last
    # line is a comment once swallowed the group's closing parenthesis
    from cleaner.pipeline import Cleaner
    rules = ("[[rule]]\nid = 'r'\nkind = 'drop_line'\n"
             "pattern = '''(?x) ^\\d+ \\ \\w\\w  # digits, then two letters'''\n"
             "[[rule]]\nid = 's'\nkind = 'drop_line'\npattern = '^\\d\\d:\\d\\d$'\n")
    cleaner = Cleaner(outlets=[parse(HEAD + rules, "t.toml")])
    assert cleaner.clean("Title\n12 ab\n10:30\nText here.\n", outlet="t").text == \
        "Title\n\nText here.\n"


def test_a_lookahead_to_the_line_end_bounds_the_rest_by_its_width():
    # ^(?=.{0,10}$) lets the rest run only on strings of up to 11 characters: an
    # exponential rest is then bounded on lines of any length (it never runs on long ones)
    import cleaner.scan as scan
    from cleaner.ruleset import FLAGS
    gated = regex.compile(r"^(?=.{0,10}$)(a|aa)+$", FLAGS)
    assert len(scan.step_costs(gated)) > 16
    assert scan.guarded_search(gated, "a" * 60 + "b") is None
    assert scan.guarded_search(gated, "aaaa") is not None
    # not a gate: a lookahead not running to $, one after other items, an unbounded one
    for source in (r"^(?=.{0,10})(a|aa)+$", r"^x(?=.{0,10}$)(a|aa)+$", r"^(?=.*$)(a|aa)+$"):
        assert len(scan.step_costs(regex.compile(source, FLAGS))) <= 6


DOUBLED = [r"^(?=\p{Lu})(?=[^\n|]{0,600}+$)([^\n|]{20,300}?)\s?\1$",
           r"^(?=.{13,81}+$)(\p{Lu}[^.!?|,]{5,40}) \1$"]


def test_doubled_shapes():
    import cleaner.scan as scan
    assert scan.doubled_shape(DOUBLED[0]) == (20, 300, (0, 1))
    assert scan.doubled_shape(DOUBLED[1]) == (6, 41, (1,))
    for source in (r"(?i)^(\w{3,9}) \1$", r"^(?P<a>\w{3,9}) (?P=a)$", r"(\w{3,9}) \1$",
                   r"^(\w{3,9}) \1x$", r"^(\w{3,9})\s*\1$", r"^(\w)(\w{3,9}) \2$",
                   r"^(\w{3,9}) \1$|^x$", r"^(\w{3,9})(?=x)\1$"):
        shape = scan.doubled_shape(source)
        assert shape is None or source == r"^(\w{3,9})(?=x)\1$", source


@pytest.mark.parametrize("source", DOUBLED + [r"^(\w{2,5})[ -]?\1$", r"^(?=a)(.{1,4})\1$",
                                               r"^(a*)-?\1$"])
def test_a_doubled_shape_lets_through_every_line_its_pattern_matches(source):
    import cleaner.scan as scan
    from cleaner.ruleset import FLAGS
    pattern, shape = regex.compile(source, FLAGS), scan.doubled_shape(source)
    assert shape is not None
    halves = ["Na young pipo wey dey front for di protest", "Lepim i Varim", "ab", "aab",
              "Golodny-Zloi", "a", "A a", "aaaa", "Ab", "ÄÖÜ ß", "x" * 300, "X" * 301]
    lines = [a + mid + b for a in halves for b in halves for mid in ("", " ", "\t", "-", "  ")]
    lines += [ln + end for ln in lines[:200] for end in ("\n", " ", "x")]
    passed = set(scan._doubled_lines(lines, shape))
    matched = [i for i, ln in enumerate(lines) if pattern.search(ln)]
    assert matched and set(matched) <= passed
    assert len(passed) < len(lines) / 2


def test_doubled_lines_are_found_without_a_regex_scan():
    from cleaner.engine import page_scan
    from cleaner.document import Document
    from cleaner.ruleset import Pat
    from cleaner.scan import LineScanner
    finders = [Pat(s, "t.toml", f"r{k}", 1, "pattern") for k, s in enumerate(DOUBLED)]
    scanner = LineScanner(finders)
    assert [k for k, _ in scanner.doubled] == [0, 1] and scanner.scanners == ()
    doc = Document("Lepim i Varim Lepim i Varim\nplain text here\n"
                   "Carmaker to close plant with loss Carmaker to close plant with loss\n")
    assert scanner.candidates(*page_scan(doc)) == {0: {1}, 2: {0, 1}}


def test_a_caption_rule_without_literals_is_found_by_the_line_above_it():
    # a caption pattern with no literal would be tried on every line; its `above` line
    # with a literal (that cannot match '') finds the few lines it may take instead,
    # with the same removals as trying every line
    rules = ("[[rule]]\nid='tag'\nkind='drop_line'\npattern='^Today in History, 9$'\n"
             "[[rule]]\nid='cap'\nkind='drop_caption'\npattern='^\\S.{7,}$'\nlines=0\n"
             "above=['^$', '^Today in History, \\d+$']\nbelow=['^$|^\\d+ years ago']\n"
             "[[rule]]\nid='any'\nkind='drop_line'\npattern='^Caption B here$'\n")
    outlet = parse(HEAD + rules, "t.toml")
    led = Compiled(outlet)
    assert led._led[1] == {1: 2}
    texts = ["Today in History, 5\n\nCaption A here\n5 years ago today, it rained.",
             "Today in History, 9\n\nCaption B here\n\n9 years ago today.\nToday in History, 7",
             "Today in History, 5\nx\nCaption C here\n\nToday in History, 6\n\nShort\n\n",
             "Today in History, 1\n\nToday in History, 2\n\nCaption D here\n1 years ago",
             "Body text here.\n\nCaption E here\n\nToday in History, 3\n\n"]
    for text in texts:
        plain = Compiled(outlet)
        plain.__dict__["_led"] = ([r.finder for r in plain.line_rules], {})
        a, b = Document(text), Document(text)
        led.apply(a)
        plain.apply(b)
        assert a.render() == b.render()
        assert [(r.number, r.rule) for r in a.removals()] == [(r.number, r.rule) for r in b.removals()]
        assert a.windows == b.windows
    assert run(rules, texts[0]).render() == "Today in History, 5\n\n5 years ago today, it rained.\n"


def test_a_class_repeat_the_rest_cannot_go_on_from_leaves_one_way_out():
    # `[\p{L}'-]+,` : every shorter way of the repeat stops before a letter, where ','
    # fails at once, so the rest runs once, not once per way: bounded on long lines
    import cleaner.scan as scan
    from cleaner.ruleset import FLAGS

    def bits(source):
        return len(scan.step_costs(regex.compile(source, FLAGS)))
    for source in (r"^[\p{Lu}][\p{L}'’.-]+,\s?BBC$", r"^[^,]+,x",
                   r"^(?:Name:\s)?[\p{Lu}][\p{Ll}]+\s[\p{Lu}][\p{Ll}]+\s?\|\s?BBC$"):
        assert bits(source) > 16, source
    assert bits(r"^(?:x[a-z]+\b,)+y") >= 10     # a repeat of such: n iterations of n steps
    # at a group's end, what follows the group (or the group's next iteration) is read:
    # a byline's name of up to four words before its comma
    assert bits(r"^[\p{Lu}][\p{L}'’.-]+(?:\s[\p{Lu}][\p{L}'’.-]+){0,3}\s?,\s?BBC") >= 14
    assert bits(r"^\d+(?:\.\d+)?$") > 16
    # not where the rest may start with a character of the class (or with a mark, which
    # \p{L}\p{M} holds), where what follows is outside the group, inside a lookbehind
    # (read from its end), ignoring case or with `.` matching newlines
    for source in (r"^(?:[a-z]+\s?)+$", r"^(?:[a-z]+[a-z])+x", r"^(?:[\p{L}\p{M}]+[\u0301 ])+x",
                   r"^(?:[^|]{1,80}?\s?\|)+x", r"^(?:[a-z]+(?<=[a-z]+,))+x",
                   r"(?i)^(?:[a-z]+b)+c", r"(?s)^(?:.+\n)+x", r"^(?:[a-z]+\b)+x",
                   r"^(?:(?:[a-z]+)+,)+x", r"^(?:[a-z]+){2,}x", r"^(?:(?:[a-z]+ ?)+\.)+x",
                   r"^(?:(?:[a-z]+)(?:[a-z]+))+,", r"^(?:(?:a|[a-z]+),?)+x", r"^(?:[a-z]+ ?)+x"):
        assert bits(source) <= 6, source
