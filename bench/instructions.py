"""CPU instructions per page, per stage, counted by valgrind's callgrind.

Seconds on a shared machine move by 20-45% from run to run; an instruction count
repeats to within ~0.1% whatever else runs, so it is the measure for a change worth a
few percent. It ignores cache misses, so confirm a change that trades memory for
instructions (a bigger table, say) in seconds as well (bench/speed.py).

    python bench/instructions.py                  # 200 pages, every stage (~5 min)
    python bench/instructions.py --pages 500 --stages clean

Each stage runs in a process under callgrind on --pages pages of the speed corpus
(fixture pages in shuffled order, after 100 warm-up pages), and a second process does
all the same set-up but skips the stage; the difference over the page count is the
stage's cost per page:
  clean     Cleaner.clean, all of it
  document  splitting a page into a Document
  detect    the outlet from the signatures (the page's one automaton walk included)
  rules     the outlet's and the generic rules on the page
  fallback  the fallback on what the rules kept (the idempotency round of a known page)
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STAGES = ("clean", "document", "detect", "rules", "fallback")
WARM = 100


def pages(count: int) -> list[str]:
    from bench.speed import fixture_pages      # the speed corpus's pages and order
    base = [text for _, text in fixture_pages()]
    rng = random.Random(1)
    out: list[str] = []
    while len(out) < count:
        order = base[:]
        rng.shuffle(order)
        out += order
    return out[:count]


def run_stage(stage: str, count: int, measured: bool) -> None:
    """The child: warm up and set up, then run `stage` on `count` pages if `measured`."""
    from cleaner import Cleaner, fallback, scan
    from cleaner.document import Document
    from cleaner.engine import page_scan
    # valgrind runs ~50x slower: the first pages (which compile the patterns they use)
    # would run out of a page's time
    scan.TIMEOUT = scan.PAGE_TIMEOUT = 1e6
    texts = pages(WARM + count)
    c = Cleaner()
    for t in texts[:WARM]:
        c.clean(t)
    texts = texts[WARM:]
    outlets = [c.detector.outlets.get(c.clean(t).outlet) for t in texts]
    docs = [Document(t) for t in texts] if stage in ("detect", "rules", "fallback") else []
    if stage == "fallback":     # the rules' work is done before counting starts
        for d, o in zip(docs, outlets):
            _rules(c, d, o)
    if not measured:
        return
    if stage == "clean":
        for t in texts:
            c.clean(t)
    elif stage == "document":
        for t in texts:
            Document(t)
    elif stage == "detect":
        for d in docs:
            c.detector.scan(*page_scan(d))
    elif stage == "rules":
        for d, o in zip(docs, outlets):
            _rules(c, d, o)
    elif stage == "fallback":
        for d in docs:
            fallback.apply(d, memo=fallback.Memo())


def _rules(c, doc, outlet) -> None:
    for o in (outlet, c.generic):
        if o is not None:
            c.compiled(o).apply(doc)


def count(stage: str, n: int, measured: bool) -> int:
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
           __file__, "--child", stage, str(n), str(int(measured))]
    err = subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
    return int(re.search(r"Collected : (\d+)", err).group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        run_stage(args.child[0], int(args.child[1]), args.child[2] == "1")
        return 0
    if shutil.which("valgrind") is None:
        print("error: valgrind is not installed (Debian: apt install valgrind)", file=sys.stderr)
        return 2
    stages = args.stages.split(",")
    unknown = set(stages) - set(STAGES)
    if unknown:
        print(f"error: unknown stage(s) {', '.join(sorted(unknown))} (known: {', '.join(STAGES)})",
              file=sys.stderr)
        return 2
    print(f"instructions per page, {args.pages} pages of the speed corpus")
    with ThreadPoolExecutor(os.cpu_count()) as pool:     # each count is a process
        for stage in stages:
            runs = [pool.submit(count, stage, args.pages, measured) for measured in (True, False)]
            per_page = (runs[0].result() - runs[1].result()) / args.pages
            print(f"  {stage:9s} {per_page:>12,.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
