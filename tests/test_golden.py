"""Golden fixture pairs: fixtures/<outlet>/NAME.txt must clean to NAME.expected.txt."""
import pytest

from cleaner.evaluate import unified_diff as _diff
from conftest import SEEDS, fixture_pairs

PAIRS = fixture_pairs()
IDS = [f"{o}/{s.name}" for o, s, _ in PAIRS]


@pytest.mark.parametrize("outlet,src,exp", PAIRS, ids=IDS)
def test_fixture_cleans_to_expected(cleaner, outlet, src, exp):
    result = cleaner.clean(src.read_bytes())
    expected = exp.read_text(encoding="utf-8")
    assert result.text == expected, "\n" + _diff(expected, result.text, src.name)
    assert result.outlet == (None if outlet == "generic" else outlet)


@pytest.mark.parametrize("outlet,src,exp", PAIRS, ids=IDS)
def test_expected_output_is_a_fixed_point(cleaner, outlet, src, exp):
    """Cleaning a clean article changes nothing, even when no outlet is recognised."""
    expected = exp.read_text(encoding="utf-8")
    again = cleaner.clean(expected).text
    assert again == expected, "\n" + _diff(expected, again, exp.name)


def test_every_outlet_has_fixtures():
    outlets = {o for o, _, _ in PAIRS}
    assert {"moscowtimes", "hindustantimes", "bbc_mirror", "generic"} <= outlets


def test_seeds_match_gold_fixtures(cleaner):
    """The five seed pages clean byte for byte to their gold files (copied in fixtures/)."""
    gold = {src.read_bytes(): exp for _, src, exp in PAIRS}
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(seeds) == 5
    for seed in seeds:
        data = seed.read_bytes()
        assert data in gold, f"{seed.name} has no fixture pair"
        assert cleaner.clean(data).text == gold[data].read_text(encoding="utf-8")


def test_unknown_outlet_seed_is_unchanged(cleaner):
    seed = SEEDS / "003_3511b716358273cc.txt"
    text = seed.read_text(encoding="utf-8")
    assert cleaner.clean(text).text == text.rstrip("\n") + "\n"
