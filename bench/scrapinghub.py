#!/usr/bin/env python3
"""Our cleaner, trafilatura and jusText on the scrapinghub article-extraction benchmark.

usage: python bench/scrapinghub.py BENCH_DIR [--limit N] [--only TOOL]... [--wrecked TOOL]...
BENCH_DIR holds ground-truth.json ({id: {articleBody, url}}), html/ID.html.gz and
text/ID.txt (the same pages flattened to text). Every tool runs on the same inputs in
the same run, page by page in turn (so a change in the machine's load hits every tool
alike), timed in CPU seconds of this process (other processes' load does not count).
Scores use the benchmark's metric (4-word shingles, per-page precision and recall
averaged, F1 from the means). Prints one table: F1, precision, recall, wrecked pages
(a page scoring under half of what doing nothing, the whole text, scores), pages/s, and
speed relative to trafilatura on the same input (text: as paragraphs; HTML: precision
mode, without metadata). `--wrecked TOOL` lists that tool's wrecked pages. Then the
fixtures' pages of other outlets (fixtures/generic), by the project's line metric.
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


def page_f1(tp: float, fp: float, fn: float) -> float:
    """One page's F1 from its page_score."""
    return 2 * tp / (2 * tp + fp + fn) if tp else (1.0 if fp == fn == 0 else 0.0)


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
        # what `clean --html` asks of it: the text and the title, author and date
        "trafilatura (precision+metadata)": ("html", lambda text, raw: getattr(trafilatura.bare_extraction(
            raw, favor_precision=True, include_comments=False, with_metadata=True), "text", "")),
        "jusText (html)": ("html", lambda text, raw: justext_text(raw, trafilatura.extract(raw) or raw)),
    }


SPEED_BASE = {"text": "trafilatura", "html": "trafilatura (favor_precision)"}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bench", type=Path)
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages")
    ap.add_argument("--only", action="append", default=[], help="run only tools with this name")
    ap.add_argument("--wrecked", action="append", default=[], help="list this tool's wrecked pages")
    ap.add_argument("--fixtures", type=Path, default=Path(__file__).resolve().parent.parent / "fixtures",
                    help="fixtures folder whose generic/ pages are scored too")
    args = ap.parse_args(argv)
    try:
        truth = json.loads((args.bench / "ground-truth.json").read_text(encoding="utf-8"))
        pages, sites = [], {}
        for key in sorted(truth)[: args.limit or None]:
            text = (args.bench / "text" / f"{key}.txt").read_text(encoding="utf-8")
            with gzip.open(args.bench / "html" / f"{key}.html.gz", "rb") as f:
                raw = f.read().decode("utf-8", errors="replace")
            pages.append((key, truth[key].get("articleBody", ""), text, raw))
            sites.setdefault(urlsplit(truth[key].get("url", "")).netloc, []).append(text)
    except (OSError, ValueError) as e:
        print(f"error: cannot read the benchmark: {e}", file=sys.stderr)
        return 2
    # a batch learns each site's template from its pages (timed apart: done once per site)
    templates = {text: template for texts in sites.values()
                 for template in [fallback.site_template(texts)] for text in texts}
    chosen = {name: tool for name, tool in tools(templates).items()
              if not args.only or name in args.only or name == "nothing"}
    # a first pass warms every tool up (imports, compiled rules, the date parser's
    # locales some pages need): the second, timed, shows the rate over a long batch
    for timed in (False, True):
        rows = {name: [] for name in chosen}
        seconds = dict.fromkeys(chosen, 0.0)
        for _, true, text, raw in pages:
            for name, (kind, run) in chosen.items():
                t0 = time.process_time()
                out = run(text, raw)
                seconds[name] += time.process_time() - t0
                rows[name].append(page_score(true, out))
    f1 = {name: [page_f1(*r) for r in rs] for name, rs in rows.items()}
    print(f"{len(pages)} pages from {args.bench}")
    print(f"{'tool':34} {'input':5} {'F1':>6} {'prec':>6} {'recall':>6} {'wrecked':>7} "
          f"{'pages/s':>8} {'speed':>6}")
    rate = {name: len(pages) / max(seconds[name], 1e-9) for name in chosen}
    for name, (kind, _) in chosen.items():
        f, p, r = summary(rows[name])
        wrecked = [key for (key, *_), mine, none in zip(pages, f1[name], f1["nothing"]) if mine < none / 2]
        base = SPEED_BASE[kind]
        speed = f"{rate[name] / rate[base]:5.2f}x" if base in rate and name != "nothing" else ""
        print(f"{name:34} {kind:5} {f:6.3f} {p:6.3f} {r:6.3f} {len(wrecked):7d} {rate[name]:8.1f} {speed:>6}",
              flush=True)
        if name in args.wrecked:
            for key in wrecked:
                i = next(n for n, page in enumerate(pages) if page[0] == key)
                print(f"    wrecked {key}: F1 {f1[name][i]:.3f}, doing nothing {f1['nothing'][i]:.3f}")
    other_outlets(args.fixtures)
    return 0


def other_outlets(root: Path) -> None:
    """The fixtures' pages of outlets no rule file knows (fixtures/generic), by the
    project's line metric (cleaner.evaluate, as tools/score.py)."""
    from cleaner import evaluate

    pairs = [p for p in evaluate.fixture_pairs(root) if p.outlet == "generic"]
    if not pairs:
        return
    cleaner = Cleaner()
    for name, run in (("nothing", lambda text: text), ("cleaner", lambda text: cleaner.clean(text).text)):
        got = evaluate.Score.mean([evaluate.score(p.expected.read_text(encoding="utf-8"),
                                                  run(p.src.read_text(encoding="utf-8"))) for p in pairs])
        print(f"{root.name}/generic ({len(pairs)} pages), line metric, {name:8} F1 {got.f1:.3f} "
              f"prec {got.precision:.3f} recall {got.recall:.3f}")


if __name__ == "__main__":
    sys.exit(main())
