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


def article_lines(bench: Path) -> list[str]:
    lines = []
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    for item in truth.values():
        lines += [ln for ln in (item.get("articleBody") or "").split("\n") if ln.strip()]
    for p in sorted(ROOT.glob("corpus/*/dev/*.expected.txt")):
        lines += [ln for ln in p.read_text(encoding="utf-8").split("\n") if ln.strip()]
    return lines


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
    ap.add_argument("--outlet", action="append", help="outlet id (default: every outlet)")
    ap.add_argument("--examples", type=int, default=3, help="lines shown per rule")
    args = ap.parse_args(argv)
    lines = article_lines(args.bench)
    cleaner = Cleaner()
    outlets = [o for o in load_rules()[0] if o.id != "generic" and (not args.outlet or o.id in args.outlet)]
    print(f"{len(lines)} article lines, in pages of {PAGE_LINES}")
    for outlet in outlets:
        taken = audit(cleaner, outlet, lines, random.Random(1))
        for way, rules in taken.items():
            total = sum(map(len, rules.values()))
            print(f"\n{outlet.id}, {way}: {total} article lines taken")
            for rid, got in sorted(rules.items(), key=lambda kv: -len(kv[1])):
                print(f"  {rid:36s} {len(got):5d}")
                for ln in got[:args.examples]:
                    print(f"      {ln[:140]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
