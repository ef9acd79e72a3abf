"""HTML input: trafilatura extracts the main text (the only module that imports it);
`flatten` gives the whole page as lines, the way a scraper copies it, for the text path."""
from __future__ import annotations

import regex

# elements that start a new line when a browser lays a page out
_BLOCK = frozenset("""address article aside blockquote br button caption dd details dialog div dl dt
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr label li main nav ol option p
pre section select summary table td textarea th title tr ul""".split())
_SPACE = regex.compile(r"[^\S\n]+")
_HTML_START = regex.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|article)\b",
                            regex.I | regex.S)


def looks_like_html(text: str) -> bool:
    # a plain-text page rarely has a "<" near its start: it costs no regex call
    return text.find("<", 0, 4096) >= 0 and bool(_HTML_START.match(text[:4096]))


def extract(html: str, url: str | None = None) -> tuple[str, dict]:
    """Main text (paragraphs separated by blank lines) and the page metadata, from one
    trafilatura pass (a separate metadata pass cost a third more time)."""
    import trafilatura   # heavy: imported only when HTML comes in

    options = dict(url=url, include_comments=False, include_tables=True, favor_precision=True)
    try:
        found = trafilatura.bare_extraction(html, with_metadata=True, **options)
    except Exception:   # metadata is a bonus; a page it chokes on still gets its text
        found = trafilatura.bare_extraction(html, with_metadata=False, **options)
    if found is None:
        return "", {}
    meta = {}
    for key, attr in (("title", "title"), ("author", "author"), ("published", "date"),
                      ("tags", "tags")):
        value = getattr(found, attr, None)
        if value:
            meta[key] = value
    text = found.text or ""
    return "\n\n".join(p for p in text.split("\n") if p.strip()), meta


def flatten(html: str) -> str:
    """Every visible text of the page (and its title first), one block per line."""
    import lxml.html   # installed with trafilatura; heavy, so imported only for HTML

    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for el in list(root.iter("script", "style", "noscript", "template", "svg", "iframe")):
        if el.getparent() is not None:
            el.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
        elif el.tag == "a":      # adjacent links are separate words, as on screen
            el.tail = " " + (el.tail or "")
    lines = (_SPACE.sub(" ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)
