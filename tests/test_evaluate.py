"""Scoring against expected output, fixture-pair discovery, and the HTML reports."""
import re

import pytest
from hypothesis import given, strategies as st

from cleaner.detect import UnknownOutlet
from cleaner.evaluate import (Score, evaluate, fixture_pairs, line_changes, score,
                              score_lines)
from cleaner.report import eval_html, explain_html

from conftest import FIXTURES


def test_score_is_character_weighted_over_lines():
    gold = "Title\n\nA long article line here.\nShort.\n"
    assert score(gold, gold) == Score(1.0, 1.0, 1.0)
    # output misses "Short." (6 of 36 characters) and adds "Menu" (4 characters)
    s = score(gold, "Menu\nTitle\nA  long article   line here.\n")
    assert s.recall == pytest.approx(30 / 36)
    assert s.precision == pytest.approx(30 / 34)
    assert s.f1 == pytest.approx(2 * s.precision * s.recall / (s.precision + s.recall))


def test_score_edge_cases():
    assert score("", "") == Score(1.0, 1.0, 1.0)
    assert score("", "junk") == Score(0.0, 1.0, 0.0)
    assert score("text", "") == Score(0.0, 0.0, 0.0)
    assert score_lines(" a \t b \n\n  \nc") == ["a b", "c"]


def test_line_changes():
    assert line_changes("a\nb\nc\n", "a\nx\nc\n") == [("missing", "b"), ("extra", "x")]


def test_fixture_pairs_nested_and_flat(tmp_path):
    nested = fixture_pairs(FIXTURES)
    assert {p.outlet for p in nested} == {"moscowtimes", "hindustantimes", "bbc_mirror", "generic"}
    assert all(p.src.is_file() and p.expected.is_file() for p in nested)
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "a.expected.txt").write_text("x")
    (tmp_path / "lonely.txt").write_text("no expected: not a pair")
    [pair] = fixture_pairs(tmp_path)
    assert (pair.outlet, pair.name) == ("", "a.txt")
    (tmp_path / "b.expected.txt").write_text("x")
    with pytest.raises(FileNotFoundError, match="no b.txt beside it"):
        fixture_pairs(tmp_path)


def test_evaluate_groups_by_folder_or_detected_outlet(cleaner, tmp_path):
    ev = evaluate(cleaner, fixture_pairs(FIXTURES))
    assert ev.overall == Score(1.0, 1.0, 1.0)
    assert list(ev.by_outlet) == ["bbc_mirror", "generic", "hindustantimes", "moscowtimes"]
    mt = FIXTURES / "moscowtimes"
    (tmp_path / "p.txt").write_bytes((mt / "seed_000.txt").read_bytes())
    # a wrong expected file: the article plus a line the cleaner rightly removes
    (tmp_path / "p.expected.txt").write_text("Support The Moscow Times!\n\n"
                                             + (mt / "seed_000.expected.txt").read_text())
    flat = evaluate(cleaner, fixture_pairs(tmp_path))
    assert list(flat.by_outlet) == ["moscowtimes"]
    s = flat.pages[0].score
    assert s.precision == 1.0 and s.recall < 1.0
    d = flat.to_dict()
    assert d["overall"]["pages"] == 1 and d["pages"][0]["detected"] == "moscowtimes"


HOSTILE = 'Headline <script>alert("x")</script> & more\n\nSupport us\n\nBody <img src=x onerror=1>.\n'


def no_external_assets(html):
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"(src|href)=\"(?!#)", html)
    assert "url(" not in html


def test_explain_html_escapes_and_labels(cleaner):
    result = cleaner.clean(HOSTILE, outlet="moscowtimes")
    html = explain_html([("<page>.txt", result)])
    no_external_assets(html)
    assert "Headline alert(&quot;x&quot;) &amp; more" in html
    assert 'cut &lt;img src=x onerror=1&gt; <span class="rule">markup-tag-fragment</span>' in html
    assert '<del>Support us</del> <span class="rule">mt-support-button</span>' in html
    assert "&lt;page&gt;.txt" in html


def test_eval_html_shows_scores_and_differences(cleaner, tmp_path):
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "p.txt").write_text(HOSTILE)
    (tmp_path / "o" / "p.expected.txt").write_text('Headline alert("x") & more\n\nBody 3 < 5.\n')
    html = eval_html(evaluate(cleaner, fixture_pairs(tmp_path)))
    no_external_assets(html)
    assert "<th>overall</th>" in html and '<a href="#p0">o/p.txt</a>' in html
    assert '<li class="missing">missing: Body 3 &lt; 5.</li>' in html
    assert '<li class="extra">extra: Body .</li>' in html


@given(st.lists(st.sampled_from(["a", "bb", "ccc dd", "", "  e  "]), max_size=8),
       st.lists(st.sampled_from(["a", "bb", "ccc  dd", "", "zz"]), max_size=8))
def test_score_bounds_and_identity(gold, out):
    g, o = "\n".join(gold), "\n".join(out)
    s = score(g, o)
    assert all(0.0 <= v <= 1.0 for v in (s.precision, s.recall, s.f1))
    assert score(g, g).f1 == 1.0
    if score_lines(g) == score_lines(o):
        assert s == Score(1.0, 1.0, 1.0)


def test_eval_reports_dev_and_heldout_parts_and_detection(cleaner, tmp_path):
    seed = (FIXTURES / "moscowtimes" / "seed_000.txt").read_text(encoding="utf-8")
    gold = (FIXTURES / "moscowtimes" / "seed_000.expected.txt").read_text(encoding="utf-8")
    for part in ("dev", "heldout"):
        d = tmp_path / "moscowtimes" / part
        d.mkdir(parents=True)
        (d / "a.txt").write_text(seed, encoding="utf-8")
        (d / "a.expected.txt").write_text(gold, encoding="utf-8")
    other = tmp_path / "other" / "dev"
    other.mkdir(parents=True)
    (other / "b.txt").write_text("Menu\n\nTown hall opens on Monday.\n", encoding="utf-8")
    (other / "b.expected.txt").write_text("Town hall opens on Monday.\n", encoding="utf-8")
    ev = evaluate(cleaner, fixture_pairs(tmp_path))
    assert [(o, part, len(ps)) for (o, part), ps in ev.groups().items()] == [
        ("moscowtimes", "dev", 1), ("moscowtimes", "heldout", 1), ("other", "dev", 1)]
    assert ev.detection() == {"moscowtimes": {"moscowtimes": 2}, "none": {"none": 1}}
    page = ev.pages[0]
    assert page.score.f1 == 1.0 and page.baseline.f1 < 1.0     # doing nothing scores less
    from typer.testing import CliRunner
    from cleaner.cli import app
    out = CliRunner().invoke(app, ["eval", str(tmp_path)]).stdout
    assert "moscowtimes heldout" in out and "moscowtimes      2/2 found" in out


def test_evaluate_forced_outlet_scores_every_page_as_it(cleaner, tmp_path):
    seed = (FIXTURES / "moscowtimes" / "seed_000.txt").read_text(encoding="utf-8")
    gold = (FIXTURES / "moscowtimes" / "seed_000.expected.txt").read_text(encoding="utf-8")
    d = tmp_path / "moscowtimes" / "dev"
    d.mkdir(parents=True)
    (d / "a.txt").write_text(seed, encoding="utf-8")
    (d / "a.expected.txt").write_text(gold, encoding="utf-8")
    pairs = fixture_pairs(tmp_path)
    normal = evaluate(cleaner, pairs)
    none = evaluate(cleaner, pairs, outlet="none")
    # as no outlet's: what an unrecognised page gets, the same as cleaning it as generic
    assert none.forced == "none" and none.pages[0].result.outlet is None
    assert none.pages[0].result.fallback and none.pages[0].result.detected_by is None
    assert none.pages[0].result.text == cleaner.clean(seed, outlet="generic").text
    assert none.pages[0].outlet == "moscowtimes"          # still grouped by its folder
    assert none.detection() == {} and none.to_dict()["forced_outlet"] == "none"
    assert normal.forced is None and normal.to_dict()["forced_outlet"] is None
    forced = evaluate(cleaner, pairs, outlet="moscowtimes")
    assert forced.pages[0].result.detected_by == "forced"
    assert forced.pages[0].score == normal.pages[0].score
    with pytest.raises(UnknownOutlet, match="or none for no outlet"):
        evaluate(cleaner, pairs, outlet="acme")
