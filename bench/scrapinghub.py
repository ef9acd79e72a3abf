#!/usr/bin/env python3
"""Our cleaner, trafilatura and jusText on the scrapinghub article-extraction benchmark.

usage: python bench/scrapinghub.py BENCH_DIR [--limit N] [--only TOOL]...
BENCH_DIR holds ground-truth.json ({id: {articleBody, url}}), html/ID.html.gz and
text/ID.txt (the same pages flattened to text). Every tool runs on the same inputs in
the same run; scores use the benchmark's metric (4-word shingles, per-page precision
and recall averaged, F1 from the means). Prints one table: F1, precision, recall, pages/s.
"cleaner + site template" is what a batch gets: each site's template is learnt from the
run's pages of that site (by URL domain) before timing starts.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import html as html_lib
import json
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from cleaner import Cleaner, fallback
from cleaner.document import Document
from cleaner.fallback import resolve_lang, WORD

SHINGLE_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> collections.Counter:
    toks = SHINGLE_WORD.findall(text or "")
    return collections.Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])


def page_score(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def summary(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """The benchmark's aggregation: a page with nothing true and nothing predicted is perfect."""
    def prec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def rec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))
    p = statistics.mean(prec(*r) for r in rows if r[0] + r[1] > 0) if any(r[0] + r[1] for r in rows) else 0.0
    r = statistics.mean(rec(*x) for x in rows if x[0] + x[2] > 0)
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def as_paragraphs(text: str) -> str:
    """Flattened text as the HTML a text-only page would be: one <p> per line."""
    body = "".join(f"<p>{html_lib.escape(line)}</p>\n" for line in text.split("\n") if line.strip())
    return f"<html><body>{body}</body></html>"


def tools(templates: dict[str, frozenset[str]]):
    """Each tool: (input kind, run(text, raw html) -> extracted text). `templates` maps a
    page's text to its site's template (lines shared by the site's pages in the run)."""
    import justext
    import trafilatura

    cleaner = Cleaner()

    def justext_text(markup: str, lang_sample: str) -> str:
        lang = resolve_lang(None, WORD.findall(lang_sample)[:3000])
        paragraphs = justext.justext(markup.encode("utf-8"), justext.get_stoplist(lang))
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    def fallback_alone(text: str, raw: str) -> str:
        """The generic fallback without rules or repeated rounds: its own speed."""
        doc = Document(text)
        fallback.apply(doc)
        return doc.render()

    return {
        "nothing": ("text", lambda text, raw: text),
        "cleaner": ("text", lambda text, raw: cleaner.clean(text, html=False).text),
        "cleaner + site template": ("text", lambda text, raw: cleaner.clean(
            text, html=False, template=templates[text]).text),
        "fallback alone": ("text", fallback_alone),
        "trafilatura": ("text", lambda text, raw: trafilatura.extract(as_paragraphs(text)) or ""),
        "jusText": ("text", lambda text, raw: justext_text(as_paragraphs(text), text)),
        "cleaner --html": ("html", lambda text, raw: cleaner.clean(raw, html=True).text),
        "trafilatura (default)": ("html", lambda text, raw: trafilatura.extract(raw) or ""),
        "trafilatura (favor_precision)": (
            "html", lambda text, raw: trafilatura.extract(raw, favor_precision=True) or ""),
        "jusText (html)": ("html", lambda text, raw: justext_text(raw, trafilatura.extract(raw) or raw)),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bench", type=Path)
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages")
    ap.add_argument("--only", action="append", default=[], help="run only tools with this name")
    args = ap.parse_args(argv)
    try:
        truth = json.loads((args.bench / "ground-truth.json").read_text(encoding="utf-8"))
        pages, sites = [], {}
        for key in sorted(truth)[: args.limit or None]:
            text = (args.bench / "text" / f"{key}.txt").read_text(encoding="utf-8")
            with gzip.open(args.bench / "html" / f"{key}.html.gz", "rb") as f:
                raw = f.read().decode("utf-8", errors="replace")
            pages.append((truth[key].get("articleBody", ""), text, raw))
            sites.setdefault(urlsplit(truth[key].get("url", "")).netloc, []).append(text)
    except (OSError, ValueError) as e:
        print(f"error: cannot read the benchmark: {e}", file=sys.stderr)
        return 2
    print(f"{len(pages)} pages from {args.bench}")
    print(f"{'tool':32} {'input':5} {'F1':>6} {'prec':>6} {'recall':>6} {'pages/s':>8}")
    # a batch learns each site's template from its pages (timed apart: done once per site)
    templates = {text: template for texts in sites.values()
                 for template in [fallback.site_template(texts)] for text in texts}
    for name, (kind, run) in tools(templates).items():
        if args.only and name not in args.only:
            continue
        run(pages[0][1], pages[0][2])            # warm up: imports, compiled rules
        rows, t0 = [], time.perf_counter()
        for true, text, raw in pages:
            rows.append(page_score(true, run(text, raw)))
        rate = len(pages) / (time.perf_counter() - t0)
        f1, p, r = summary(rows)
        print(f"{name:32} {kind:5} {f1:6.3f} {p:6.3f} {r:6.3f} {rate:8.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
