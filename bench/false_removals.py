#!/usr/bin/env python3
"""Which rules remove article text? A check that rules generalise beyond their own pages.

    python bench/false_removals.py ../shared/bench/scrapinghub [--outlet ID]... [--examples N]

Article lines come from the benchmark's ground truth (other sites' articles) and from the
expected outputs of the real-page corpus's dev parts (corpus/*/dev: never the held-back
parts). Each outlet's rules (and the generic rules) run on them, forced as that outlet,
three ways:
- whole lines, in pages of 15 article lines;
- a page's cut-off last line, as scraped excerpts end (article lines cut at a random point);
- each drop_block's first example line inserted as line 3 of 40 article pages: the article
  lines its block takes after its start (a block without `end`, or whose end never comes,
  takes up to max_lines: a start line that article pages can show needs an end).
Then the generic side: each article whole (a ground-truth article, a dev expected output),
cleaned as an unknown outlet's page, as an already clean page would be: the lines the
generic rules and the fallback take, and the pages' mean recall.
Every removal here is a rule taking text a reader would keep: each row names the rule, how
many lines it took and a few of them. A benchmark, not a test: the ground truth has
residue of its own (some hits are right), so read the lines before changing a rule.
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402
from cleaner.ruleset import load_rules  # noqa: E402

PAGE_LINES = 15


def articles(bench: Path) -> list[str]:
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    texts = [item.get("articleBody") or "" for item in truth.values()]
    texts += [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("corpus/*/dev/*.expected.txt"))]
    return [t for t in texts if t.strip()]


def unknown_pages(cleaner: Cleaner, texts: list[str]) -> tuple[dict, list[float]]:
    """Lines taken from whole articles cleaned as no outlet's (pages some outlet claims
    are left out: their rules were judged above), and each page's recall in characters."""
    taken, recalls = collections.defaultdict(list), []
    for text in texts:
        result = cleaner.clean(text)
        if result.outlet:
            continue
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        lost = [rm.line for rm in result.removals if rm.line.strip()]
        for rm in result.removals:
            if rm.line.strip():
                taken[rm.rule].append(rm.line)
        recalls.append(1 - sum(map(len, lost)) / max(1, sum(map(len, lines))))
    return taken, recalls


def audit(cleaner: Cleaner, outlet, lines: list[str], rng: random.Random) -> dict:
    """{way: {rule id: [article lines it took]}} for one outlet."""
    taken = {way: collections.defaultdict(list) for way in ("lines", "cut-off", "blocks")}

    def run(page: str, way: str, only=None, rule=None) -> None:
        for rm in cleaner.clean(page, outlet=outlet.id).removals:
            if rm.line.strip() and (only is None or rm.line in only) and rule in (None, rm.rule):
                taken[way][rm.rule].append(rm.line)

    pages = [lines[i:i + PAGE_LINES] for i in range(0, len(lines), PAGE_LINES)]
    for page in pages:
        run("\n\n".join(page), "lines")
        last = page[-1]
        if len(last) > 20:
            cut = last[:rng.randrange(10, len(last))]
            run("\n\n".join(page[:-1] + [cut]), "cut-off", only={cut})
    for rule in outlet.active_rules:
        if rule.kind != "drop_block" or not rule.examples:
            continue
        start = rule.examples[0].split("\n")[0]
        for page in pages[:40]:
            run("\n\n".join(page[:2] + [start] + page[2:]), "blocks", set(page[2:]), rule.id)
    return taken


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bench", type=Path, help="the scrapinghub benchmark folder")
    ap.add_argument("--outlet", action="append",
                    help="outlet id (default: every outlet, then unknown outlets' pages)")
    ap.add_argument("--examples", type=int, default=3, help="lines shown per rule")
    args = ap.parse_args(argv)
    texts = articles(args.bench)
    lines = [ln for t in texts for ln in t.split("\n") if ln.strip()]
    cleaner = Cleaner()
    outlets = [o for o in load_rules()[0] if o.id != "generic" and (not args.outlet or o.id in args.outlet)]
    print(f"{len(lines)} article lines, in pages of {PAGE_LINES}")
    for outlet in outlets:
        for way, rules in audit(cleaner, outlet, lines, random.Random(1)).items():
            show(f"{outlet.id}, {way}", rules, args.examples)
    if not args.outlet:
        rules, recalls = unknown_pages(cleaner, texts)
        recalls.sort()
        show(f"unknown outlet, {len(recalls)} whole articles (mean recall "
             f"{sum(recalls) / max(1, len(recalls)):.3f}, lowest "
             f"{', '.join(f'{r:.2f}' for r in recalls[:5])})", rules, args.examples)
    return 0


def show(title: str, rules: dict, examples: int) -> None:
    print(f"\n{title}: {sum(map(len, rules.values()))} article lines taken")
    for rid, got in sorted(rules.items(), key=lambda kv: -len(kv[1])):
        print(f"  {rid:36s} {len(got):5d}")
        for ln in got[:examples]:
            print(f"      {ln[:140]}")


if __name__ == "__main__":
    sys.exit(main())
