"""Loading rule files: broken files fail with one line naming file, line and rule."""
import pytest

from cleaner.ruleset import RuleError, load_dirs, load_file, parse

HEAD = '[outlet]\nid = "x"\nname = "X"\n'


def err(text):
    with pytest.raises(RuleError) as e:
        outlet = parse(text, "x.toml")
        outlet.validate()
    return str(e.value)


def test_invalid_toml_names_line():
    msg = err(HEAD + "[[rule]]\nid = 'a'\nkind = \n")
    assert msg.startswith("x.toml:6: invalid TOML")
    assert "\n" not in msg


def test_unknown_key_with_hint():
    msg = err(HEAD + "[[rule]]\nid = 'r1'\nkind = 'drop_line'\npatern = 'x'\n")
    assert msg == "x.toml:7: r1: unknown rule key 'patern' (did you mean 'pattern'?)"


def test_unknown_outlet_key():
    assert "unknown outlet key 'domain' (did you mean 'domains'?)" in err(
        '[outlet]\nid = "x"\ndomain = "a.com"\n')


def test_bad_pattern_names_rule_and_line():
    msg = err(HEAD + "[[rule]]\nid = 'r1'\nkind = 'drop_line'\npattern = '(unclosed'\n")
    assert msg.startswith("x.toml:7: r1: bad pattern in 'pattern'")


def test_control_character_in_pattern():
    msg = err(HEAD + '[[rule]]\nid = "r1"\nkind = "drop_line"\npattern = "\\bword"\n')
    assert "control character" in msg and "r1" in msg


def test_duplicate_ids():
    rule = "[[rule]]\nid = 'r1'\nkind = 'drop_line'\npattern = 'x'\n"
    assert "duplicate rule id" in err(HEAD + rule + rule)


def test_unknown_kind():
    assert "kind must be one of" in err(HEAD + "[[rule]]\nid = 'r1'\nkind = 'drop'\npattern = 'x'\n")


def test_meta_needs_named_group():
    assert "named group" in err(HEAD + "[[rule]]\nid = 'm'\nkind = 'meta'\npattern = '^By (.+)$'\n")


def test_block_needs_start():
    assert "needs a non-empty string 'start'" in err(
        HEAD + "[[rule]]\nid = 'b'\nkind = 'drop_block'\npattern = 'x'\n")


def test_bad_signature():
    assert "bad pattern in 'signatures'" in err('[outlet]\nid = "x"\nsignatures = ["(x"]\n')


def test_user_folder_overrides_and_disables(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.toml").write_text(
        HEAD + "[[rule]]\nid = 'r1'\nkind = 'drop_line'\npattern = 'one'\n"
        "[[rule]]\nid = 'r2'\nkind = 'drop_line'\npattern = 'two'\n")
    (tmp_path / "b" / "x.toml").write_text(
        '[outlet]\nid = "x"\ndisable = ["r2"]\n'
        "[[rule]]\nid = 'r1'\nkind = 'drop_line'\npattern = 'uno'\n")
    [outlet] = load_dirs([tmp_path / "a", tmp_path / "b"])
    assert [r.pattern.source for r in outlet.rules] == ["uno", "two"]
    assert [r.id for r in outlet.active_rules] == ["r1"]


def test_missing_rules_folder(tmp_path):
    with pytest.raises(RuleError, match="rules folder not found"):
        load_dirs([tmp_path / "nope"])


def test_load_file_unreadable(tmp_path):
    with pytest.raises(RuleError, match="cannot read"):
        load_file(tmp_path / "missing.toml")


def test_bad_hint_is_a_rule_error():
    assert "bad pattern in 'hint'" in err(HEAD + "[[rule]]\nid = 'h'\nkind = 'drop_line'\n"
                                          "pattern = '^Share'\nhint = '^Share ('\n")


def test_a_verbose_pattern_may_span_lines_with_comments(tmp_path):
    text = ("[outlet]\nid = 'v'\n[[rule]]\nid = 'credit'\nkind = 'drop_line'\n"
            "pattern = '''(?x)\n  ^ (?: AFP | Reuters )   # the agency\n  \\ \\|$   # then a bar\n'''\n"
            "examples = ['AFP |']\n")
    outlet = parse(text, tmp_path / "v.toml")
    rule = outlet.rules[0]
    assert rule.pattern.compiled.search("Reuters |") and not rule.pattern.compiled.search("AFP")
    # a newline outside a verbose pattern is still refused
    with pytest.raises(RuleError, match="control character"):
        parse(text.replace("(?x)", ""), tmp_path / "v.toml")


def test_evidence_tables_are_checked_like_rules(tmp_path):
    head = "[outlet]\nid = 'e'\n"
    cases = {
        "[[evidence]]\nid = 'c'\npattern = 'x'\nweigth = 2\n":
            "e.toml:6: c: unknown evidence key 'weigth' (did you mean 'weight'?)",
        "[[evidence]]\nid = 'c'\npattern = 'x'\nweight = 0\n":
            "e.toml:6: c: 'weight' must be a positive integer",
        "[[evidence]]\nid = 'c'\n": "e.toml:4: c: evidence needs a non-empty string 'pattern'",
        "[[evidence]]\nid = 'c'\npattern = 'x'\n[[evidence]]\nid = 'c'\npattern = 'y'\n":
            "e.toml:7: c: duplicate evidence id",
        "[outlet2]\n": "e.toml:3: unknown top-level table 'outlet2' (did you mean 'outlet'?)",
    }
    for body, message in cases.items():
        with pytest.raises(RuleError) as e:
            parse(head + body, "e.toml")
        assert str(e.value) == message


@pytest.mark.parametrize("source, anchored", [
    ("(?x)\n  ^(?:  # a caption\n    Photo | Video\n  )$", True),
    ("(?ix)  # two kinds\n  ^Photo\\ by | ^Video", True),
    ("(?x)\n  Photo  # not at a line start\n  | ^Video", False),
    ("(?x) [ ]^x", False),           # a class is not layout
    ("^a|(?i)^b", True),
    ("a|^b", False),
])
def test_a_verbose_pattern_is_anchored_by_its_first_caret(source, anchored):
    # a pattern's layout and comments before its ^ must not cost it the anchored scan
    from cleaner.ruleset import Pat
    assert Pat(source, "x.toml", "r", 1, "pattern").anchored is anchored
