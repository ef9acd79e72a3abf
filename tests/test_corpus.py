"""The real-page corpus is well formed: every expected output is the page's own lines,
in order (the policy never rewrites or invents a line), and every page has a source."""
import pytest

from cleaner.evaluate import fixture_pairs, score_lines

from conftest import ROOT

CORPUS = ROOT / "corpus"
PAIRS = fixture_pairs(CORPUS)


def test_each_outlet_has_dev_and_heldout_pages():
    for outlet in {p.outlet for p in PAIRS}:
        parts = [p.part for p in PAIRS if p.outlet == outlet]
        assert parts.count("heldout") >= len(parts) / 3, outlet


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.name)
def test_expected_lines_are_page_lines_in_order(pair):
    page = iter(score_lines(pair.src.read_text(encoding="utf-8")))
    for line in score_lines(pair.expected.read_text(encoding="utf-8")):
        assert any(line == p for p in page), line


def test_every_page_has_its_address():
    for outlet in {p.outlet for p in PAIRS}:
        rows = (CORPUS / outlet / "sources.tsv").read_text(encoding="utf-8").splitlines()
        ids = {r.split("\t")[0] for r in rows}
        assert {p.src.name[:-4] for p in PAIRS if p.outlet == outlet} <= ids, outlet
