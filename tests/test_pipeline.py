"""The public API: outlet choice, metadata, HTML input, the Result object."""
import pytest

from cleaner import clean
from cleaner.detect import UnknownOutlet

from conftest import SEEDS

HT = (SEEDS / "001_22393708c0e98bc9.txt").read_text(encoding="utf-8")
BBC = (SEEDS / "002_bd2f4c37c13cce80.txt").read_text(encoding="utf-8")


def test_detects_outlet_and_collects_metadata():
    r = clean(HT)
    assert r.outlet == "hindustantimes" and r.detected_by == "evidence"
    assert r.title == "Moscow says 'no proof' North Korea sending weapons to Russia"
    assert r.agency == "AFP"
    assert r.published == "Oct 17, 2023 03:52 PM IST"
    assert r.tags == ["russia kremlin north korea"]
    assert not r.fallback


def test_bbc_metadata():
    r = clean(BBC)
    assert (r.outlet, r.author, r.agency, r.published) == (
        "bbc_mirror", "Zubaida Abdul Jalil", "BBC News", "4 hour(s) ago")


def test_url_picks_outlet():
    r = clean("Headline\n\nSupport us\n\nBody text here.", url="https://www.themoscowtimes.com/2023/x")
    assert r.outlet == "moscowtimes" and r.detected_by == "url"
    assert "Support us" not in r.text


def test_forced_outlet_and_unknown_id():
    assert clean("text", outlet="bbc_mirror").outlet == "bbc_mirror"
    with pytest.raises(UnknownOutlet):
        clean("text", outlet="nope")


def test_unknown_text_goes_to_fallback():
    r = clean("Just a line of text.")
    assert r.outlet is None and r.fallback and r.text == "Just a line of text.\n"


def test_empty_input():
    r = clean("")
    assert r.text == "" and r.removals == []
    assert clean(b"").text == ""


def test_bytes_input_is_decoded():
    assert clean("Café society.".encode()).text == "Café society.\n"


def test_to_dict_fields():
    d = clean(HT).to_dict()
    assert {"text", "outlet", "title", "author", "agency", "published", "tags", "removals"} <= set(d)
    assert {"line": "AFP |", "rule": "ht-byline", "number": 6} in d["removals"]


def test_html_input_goes_through_trafilatura_then_rules():
    paras = "".join(f"<p>{p}</p>" for p in [
        "The Kremlin said on Tuesday there was no proof North Korea was sending supplies of weapons to Russia after Washington released images.",
        "North Korean leader Kim Jong Un traveled to Russia last month and met President Vladimir Putin, sparking speculation about an arms deal.",
        "Read more: Another headline entirely",
        "Russia and North Korea, historic allies, are both under rafts of global sanctions for their actions over many years."])
    page = (f"<!DOCTYPE html><html><head><title>Kremlin says no proof</title></head><body>"
            f"<nav><a href='/'>Home</a><a href='/news'>News</a></nav><article><h1>Kremlin says no proof</h1>"
            f"{paras}</article><footer>Copyright © Example</footer></body></html>")
    r = clean(page)
    assert "The Kremlin said on Tuesday" in r.text
    assert "Read more" not in r.text and "Home" not in r.text


def test_signature_matching_a_blank_line_does_not_pick_the_outlet():
    # found by tests/test_fuzz.py: '^x?$' matches "", so the blank line after a final
    # newline made `clean(output)` pick an outlet that `clean(input)` had not
    from cleaner import Cleaner
    from cleaner.ruleset import parse
    c = Cleaner(outlets=[parse("[outlet]\nid = 'fz'\nsignatures = ['^x?$']\n[[rule]]\n"
                               "id = 'r'\nkind = 'drop_line'\npattern = 'a'\n")])
    for text in ("a", "a\n", "a\n\n\n", "\na"):
        result = c.clean(text)
        assert (result.text, result.outlet) == ("a\n", None)


def test_outlet_rules_see_text_that_generic_cuts_leave():
    # found by tests/test_fuzz.py: generic's cut turned 'a1b' into 'a1', which the
    # outlet's rule drops, but only on a second clean, since the outlet had already run
    from cleaner import Cleaner
    from cleaner.ruleset import parse
    c = Cleaner(outlets=[
        parse("[outlet]\nid = 'fz'\nsignatures = ['^Signed$']\n[[rule]]\nid = 'r'\n"
              "kind = 'drop_line'\npattern = '1$'\n"),
        parse("[outlet]\nid = 'generic'\n[[rule]]\nid = 'g'\nkind = 'cut'\npattern = 'b+'\n")])
    result = c.clean("Signed\na1b\nkept")
    assert result.text == "Signed\n\nkept\n" and c.clean(result.text).text == result.text
    assert [(r.line, r.rule) for r in result.removals] == [("a1", "r")]


def test_signature_revealed_by_a_cut_picks_the_outlet():
    # a generic cut turns 'Signed by the desk, as usual. [ad]' into a signature line:
    # clean(output) would see it, so the first clean must see it too
    from cleaner import Cleaner
    from cleaner.ruleset import parse
    c = Cleaner(outlets=[
        parse("[outlet]\nid = 'fz'\nsignatures = ['^Signed by the desk, as usual\\.$']\n"
              "[[rule]]\nid = 'r'\nkind = 'drop_line'\npattern = '^Paid words of a sponsor, "
              "read them all\\.$'\n"),
        parse("[outlet]\nid = 'generic'\n[[rule]]\nid = 'g'\nkind = 'cut'\n"
              "pattern = ' \\[ad\\]'\n")])
    text = ("Signed by the desk, as usual. [ad]\nPaid words of a sponsor, read them all.\n"
            "The article says what happened on Monday, and why it matters to the town.")
    result = c.clean(text)
    assert [r.rule for r in result.removals] == ["r"]       # fz's rule, once fz is seen
    assert result.text == ("Signed by the desk, as usual.\n\nThe article says what happened "
                           "on Monday, and why it matters to the town.\n")
    assert c.clean(result.text).text == result.text


def test_xhtml_with_xml_declaration_is_html():
    from cleaner.html import looks_like_html
    assert looks_like_html('<?xml version="1.0" encoding="utf-8"?>\n<html><body></body></html>')


def test_a_page_of_one_huge_line_costs_a_few_times_its_size_in_memory():
    # a page sent as one line used to peak at 15x its size: the fallback listed every word
    import tracemalloc
    from cleaner.pipeline import Cleaner
    cleaner = Cleaner()
    cleaner.clean("Warm up: load the rules and stoplists first.\n")
    text = "The council said on Monday that the new harbour would open next year. " * 40000
    tracemalloc.start()
    try:
        result = cleaner.clean(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.text == text.rstrip() + "\n"
    assert peak < 6 * len(text)
