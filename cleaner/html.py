"""HTML input: trafilatura extracts the main text (the only module that imports it);
`Page.flat` gives the whole page as lines, the way a scraper copies it, for the text path.
A page is parsed once, by libxml2 with its huge-tree option (its default limits drop
everything nested deeper than 255 levels and any text node over 10 MB, without a word),
and what it still drops is named in `Page.warnings`."""
from __future__ import annotations

import re

import regex

# elements that start a new line when a browser lays a page out
_BLOCK = frozenset("""address article aside blockquote br button caption dd details dialog div dl dt
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr label li main nav ol option p
pre section select summary table td textarea th title tr ul""".split())
_HIDDEN = frozenset("script style noscript template svg iframe".split())
_SPACE = regex.compile(r"[^\S\n]+")
_HTML_START = regex.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|article)\b",
                            regex.I | regex.S)
# Code points XML 1.0 forbids: lxml refuses to hold them in a tree ("All strings must be
# XML compatible" on a page with a BEL), and lone surrogates (from a Python str) cannot be
# encoded. Form feed and vertical tab are white space; the other controls show nothing.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NOT_XML_AS = {"\x0b": " ", "\x0c": " ", **{chr(c): "\ufffd" for c in range(0xD800, 0xE000)}}
_DEPTH = re.compile(r"depth in document: (\d+)")
# an extraction shorter than this (in characters) is suspect: trafilatura's own threshold
# (min_extracted_size) for trying its backup extractors
SHORT_EXTRACT = 250


def looks_like_html(text: str) -> bool:
    # a plain-text page rarely has a "<" near its start: it costs no regex call
    return text.find("<", 0, 4096) >= 0 and bool(_HTML_START.match(text[:4096]))


class Page:
    """One HTML page parsed once: trafilatura reads its tree, the text path its `flat`
    lines. `warnings` name text the parser dropped."""

    def __init__(self, html: str):
        import lxml.html   # installed with trafilatura; heavy, so imported only for HTML

        self.warnings: list[str] = []
        self._flat: str | None = None
        if _NOT_XML.search(html):
            html = _NOT_XML.sub(lambda m: _NOT_XML_AS.get(m[0], ""), html)
        # trafilatura's own parser settings, and no limit on depth or text size
        parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True, collect_ids=False,
                                      default_doctype=False, remove_comments=True, remove_pis=True)
        try:
            self.tree = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
        except (ValueError, lxml.etree.ParserError):     # an empty document
            self.tree = None
        for error in parser.error_log:
            if error.type_name == "ERR_RESOURCE_LIMIT":  # libxml2 stops reading there
                depth = _DEPTH.search(error.message)
                self.warnings.append(
                    f"HTML nested deeper than {depth[1]} levels: the text from there on was dropped"
                    if depth else f"the HTML parser gave up ({error.message.strip()}): "
                    "the text from there on was dropped")
                break

    def rough_words(self) -> int:
        """About as many words as a reader sees, at a fifth of the cost of `flat`: the
        body's text split at white space (script text counts too, words that only
        markup separates count as one)."""
        return 0 if self.tree is None else len(self.tree.xpath("string(/html/body)").split())

    @property
    def flat(self) -> str:
        """Every visible text of the page (and its title first), one block per line."""
        if self._flat is None:
            self._flat = "" if self.tree is None else _flatten(self.tree)
        return self._flat


def _flatten(root) -> str:
    from lxml import etree

    parts = []
    walk = etree.iterwalk(root, events=("start", "end"))
    for event, el in walk:
        tag = el.tag
        if event == "start":
            if tag in _HIDDEN:
                walk.skip_subtree()
                continue
            if tag in _BLOCK:
                parts.append("\n")
            if el.text and isinstance(tag, str):
                parts.append(el.text)
        elif el is not root:
            if tag in _BLOCK:
                parts.append("\n")
            elif tag == "a":      # adjacent links are separate words, as on screen
                parts.append(" ")
            if el.tail:
                parts.append(el.tail)
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def flatten(html: str | Page) -> str:
    """Every visible text of the page (and its title first), one block per line."""
    return (html if isinstance(html, Page) else Page(html)).flat


def extract(html: str | Page, url: str | None = None) -> tuple[str, dict]:
    """Main text (paragraphs separated by blank lines) and the page metadata (title,
    author, published, tags)."""
    import trafilatura   # heavy: imported only when HTML comes in

    page = html if isinstance(html, Page) else Page(html)
    if page.tree is None:
        return "", {}
    try:
        meta = _metadata(page.tree, url)
    except Exception:   # metadata is a bonus; a page it chokes on still gets its text
        meta = {}
    # trafilatura works on a copy of the tree it is given. Fast mode skips its backup
    # extractors (readability, jusText: a third of its time); the text path on the
    # flattened page is ours (pipeline: the rescue), tried when this looks wrong.
    found = trafilatura.bare_extraction(page.tree, url=url, include_comments=False,
                                        include_tables=True, favor_precision=True, fast=True)
    text = found.text if found is not None and found.text else ""
    return "\n\n".join(p for p in text.split("\n") if p.strip()), meta


def _metadata(tree, url: str | None) -> dict:
    """What trafilatura's metadata pass finds for the title (a page's headline, not the
    first paragraph), author, date and tags, less its searches for categories, tags
    in links, licence and site name, a third of its time."""
    from htmldate import find_date
    from trafilatura import metadata as tm
    from trafilatura.settings import set_date_params

    found = tm.examine_meta(tree)
    if found.author and " " not in found.author:     # as trafilatura: no one-word author
        found.author = None
    found = tm.extract_meta_json(tree, found)
    found.title = found.title or tm.extract_title(tree)
    found.author = found.author or tm.extract_author(tree)
    found.url = found.url or tm.extract_url(tree, url)
    found.date = find_date(tree, **set_date_params(), url=found.url)
    found.clean_and_trim()
    return {key: value for key, value in (("title", found.title), ("author", found.author),
                                          ("published", found.date), ("tags", found.tags)) if value}
