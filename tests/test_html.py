"""HTML input: control characters, gzip files, deep nesting and huge text nodes are read
without a crash, and whatever the parser still drops is named in a warning."""
import gzip

import pytest
from typer.testing import CliRunner

from cleaner import clean, html as html_mod
from cleaner.cli import app

from conftest import run_clean

ARTICLE = [
    "The council voted on Tuesday to keep the old bridge open to cyclists and walkers for another ten years.",
    "Engineers had warned that the steel frame needed repairs, but the cost was lower than the council had feared.",
    "Work on the deck will start in the spring and is expected to last until the end of the summer.",
    "Residents who use the bridge every day said they were relieved by the decision of the council.",
]


def page(body: str, title: str = "Bridge stays open") -> str:
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>"


def article(paragraphs=ARTICLE) -> str:
    return "<article><h1>Bridge stays open</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>"


# every C0 control XML forbids (tab, newline and carriage return are allowed), and the
# code points it forbids elsewhere; lone surrogates only reach us in a str from Python
NOT_XML = [chr(c) for c in range(32) if c not in (9, 10, 13)] + ["\ufffe", "\uffff", "\ud800"]


@pytest.mark.parametrize("char", NOT_XML, ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_in_html_are_cleaned_not_a_crash(char):
    r = clean(page(article([p + char for p in ARTICLE]), title=f"Bridge{char}"), html=True)
    shown = "\ufffd" if char == "\ud800" else ""      # as a decoder shows what it cannot read
    assert r.text == clean(page(article([p + shown for p in ARTICLE])), html=True).text


@pytest.mark.parametrize("char", ["\x07", "\x01", "\x1b"], ids=repr)
def test_control_characters_reach_the_flattened_page_cleaned(char, monkeypatch):
    """The text path's rescue flattens the page with lxml, which refused them."""
    monkeypatch.setattr(html_mod, "extract", lambda page, url=None: ("", {}))
    dirty = [p.replace("council", f"coun{char}cil") for p in ARTICLE]
    r = clean(page(article(dirty)), html=True)
    assert "council" in r.text and char not in r.text
    assert "council" in html_mod.flatten(page(article(dirty)))


def test_a_bel_in_a_file_is_cleaned_through_the_cli(tmp_path):
    f = tmp_path / "bel.html"
    f.write_bytes(page(article([ARTICLE[0] + "\x07", *ARTICLE[1:]])).encode())
    out = run_clean(["--html", f])
    assert out.returncode == 0, out.stderr
    assert ARTICLE[0].encode() in out.stdout and b"\x07" not in out.stdout


@pytest.mark.parametrize("args", [["--html"], []], ids=["--html", "detected"])
def test_a_gzipped_html_file_is_read_as_batch_reads_it(tmp_path, args):
    f = tmp_path / "page.html.gz"
    f.write_bytes(gzip.compress(page(article()).encode()))
    r = CliRunner().invoke(app, [*args, str(f)])
    assert r.exit_code == 0, r.output
    assert ARTICLE[0] in r.stdout
    out = run_clean([*args, f])
    assert out.returncode == 0 and ARTICLE[0].encode() in out.stdout


def test_a_broken_gzip_file_is_a_one_line_error(tmp_path):
    (tmp_path / "bad.html.gz").write_bytes(gzip.compress(page(article()).encode())[:40])
    (tmp_path / "ok.txt").write_text(ARTICLE[0], encoding="utf-8")
    out = run_clean(["bad.html.gz", "ok.txt"], cwd=tmp_path)
    assert out.returncode == 2 and b"Traceback" not in out.stderr
    assert out.stderr.decode().startswith("error: bad.html.gz: ") and out.stderr.count(b"\n") == 1
    assert ARTICLE[0].encode() in out.stdout      # the next file is still cleaned


def nested(depth: int, inner: str) -> str:
    return page("<div>" * depth + inner + "</div>" * depth + f"<p>{ARTICLE[3]}</p>")


def test_text_nested_deeper_than_255_levels_is_kept():
    """libxml2's default limit (depth 255) dropped the rest of the page silently."""
    doc = nested(600, "".join(f"<p>{p}</p>" for p in ARTICLE[:3]))
    r = clean(doc, html=True)
    assert all(p in r.text for p in ARTICLE) and not r.warnings
    assert all(p in html_mod.flatten(doc) for p in ARTICLE)


def test_text_dropped_beyond_the_parsers_depth_limit_is_named():
    doc = page(f"<p>{ARTICLE[0]}</p>" + "<div>" * 5000 + f"<p>{ARTICLE[1]}</p>" + "</div>" * 5000)
    r = clean(doc, html=True)
    assert [w for w in r.warnings if "nested deeper than" in w and "dropped" in w]


def test_a_text_node_over_10_mb_is_kept():
    """libxml2's default limit (10 MB a text node) dropped such a text, and all after it."""
    big = "The council met again. " * 500_000         # 11.5 MB in one paragraph
    parsed = html_mod.Page(page(f"<p>{big}</p><p>{ARTICLE[0]}</p>"))
    assert not parsed.warnings
    flat = parsed.flat.split("\n")
    assert len(flat[1]) == len(big.strip()) and flat[2] == ARTICLE[0]


def test_empty_and_whitespace_html_give_no_text_and_no_crash():
    for doc in ("", "   ", "<html></html>", "\x07"):
        assert clean(doc, html=True).text == ""


HEADED = ("<!DOCTYPE html><html><head><title>Bridge stays open | Town News</title>"
          "<meta property='og:title' content='Bridge stays open'>"
          "<meta name='author' content='Jo Park'>"
          "<meta property='article:published_time' content='2024-05-02T10:00:00Z'></head><body>"
          "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><header><h1>Bridge stays open</h1>"
          "</header><main>" + "".join(f"<p>{p}</p>" for p in ARTICLE) + "</main></body></html>")


def test_html_metadata_fills_the_result_title_is_the_headline():
    r = clean(HEADED, html=True)
    assert (r.title, r.author, r.published) == ("Bridge stays open", "Jo Park", "2024-05-02")
    assert r.text.startswith(ARTICLE[0])     # trafilatura left the headline out


def test_the_rescued_page_keeps_its_headline_in_the_text_and_its_title_from_metadata(monkeypatch):
    monkeypatch.setattr(html_mod, "extract",
                        lambda page, url=None: ("Subscribe to read", {"title": "Bridge stays open",
                                                                      "author": "Jo Park"}))
    r = clean(HEADED, html=True)
    assert r.text.split("\n")[0] == "Bridge stays open" and ARTICLE[3] in r.text
    assert (r.title, r.author) == ("Bridge stays open", "Jo Park") and "title" not in r.metadata


def test_the_text_path_rescue_is_not_run_when_trafilatura_found_the_article(monkeypatch):
    """Flattening and cleaning the whole page cost as much again as trafilatura: a page
    whose extraction holds a fair share of its words never pays for it."""
    def fail(self):
        raise AssertionError("the page was flattened")
    monkeypatch.setattr(html_mod.Page, "flat", property(fail))
    assert ARTICLE[0] in clean(HEADED, html=True).text


def test_a_page_of_text_without_headline_metadata_takes_its_first_line_as_title():
    assert clean("\n".join(ARTICLE)).title == ARTICLE[0]


def test_a_short_extraction_gives_way_to_the_text_path_when_that_finds_more(monkeypatch):
    """Fast mode skips trafilatura's own backup for short results: a page it cut to two
    sentences (under 250 characters) gets the text path's whole article."""
    monkeypatch.setattr(html_mod, "extract", lambda page, url=None: (ARTICLE[2], {}))
    assert all(p in clean(HEADED, html=True).text for p in ARTICLE)
    # a short page that trafilatura read whole keeps trafilatura's text
    short = page("<p>Short note.</p><p>" + ARTICLE[2] + "</p>")
    monkeypatch.setattr(html_mod, "extract", lambda page, url=None: ("Short note.\n\n" + ARTICLE[2], {}))
    assert clean(short, html=True).text == f"Short note.\n\n{ARTICLE[2]}\n"
