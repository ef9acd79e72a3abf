"""The built-in rule files: they load, compile, and every rule proves itself."""
import pytest

from cleaner.engine import check_examples
from cleaner.ruleset import builtin_rules_dir, load_dirs

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

