"""HTML input: trafilatura extracts the main text; the only module that imports it."""
from __future__ import annotations

import regex

_HTML_START = regex.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|article)\b",
                            regex.I | regex.S)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:4096]))


def extract(html: str, url: str | None = None) -> tuple[str, dict]:
    """Main text (paragraphs separated by blank lines) and the page metadata."""
    import trafilatura   # heavy: imported only when HTML comes in

    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True,
                               favor_precision=True, with_metadata=False) or ""
    meta = {}
    try:
        m = trafilatura.extract_metadata(html, default_url=url)
    except Exception:   # metadata is a bonus; a page it chokes on still gets its text
        m = None
    if m is not None:
        for key, attr in (("title", "title"), ("author", "author"), ("published", "date"),
                          ("tags", "tags")):
            value = getattr(m, attr, None)
            if value:
                meta[key] = value
    return "\n\n".join(p for p in text.split("\n") if p.strip()), meta
