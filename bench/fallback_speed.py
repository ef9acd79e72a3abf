#!/usr/bin/env python3
"""Speed of the generic fallback alone, in MB/s, on clean articles and on raw pages.

usage: python bench/fallback_speed.py BENCH_DIR
Clean articles are the benchmark's ground-truth bodies (the fallback also runs on
outlet output in the second round, so it must be cheap there); raw pages are text/.
"""
import json
import sys
import time
from pathlib import Path

from cleaner import fallback
from cleaner.document import Document


def rate(texts: list[str], repeat: int = 3) -> float:
    fallback.apply(Document(texts[0]))          # warm up: stoplists
    size = sum(len(t.encode("utf-8")) for t in texts) * repeat
    t0 = time.perf_counter()
    for _ in range(repeat):
        for t in texts:
            fallback.apply(Document(t))
    return size / (time.perf_counter() - t0) / 1e6


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: fallback_speed.py BENCH_DIR", file=sys.stderr)
        return 2
    bench = Path(sys.argv[1])
    try:
        truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
        raw = [(bench / "text" / f"{k}.txt").read_text(encoding="utf-8") for k in truth]
    except (OSError, ValueError) as e:
        print(f"error: cannot read the benchmark: {e}", file=sys.stderr)
        return 2
    clean = [v["articleBody"] for v in truth.values() if v.get("articleBody")]
    print(f"fallback on clean articles: {rate(clean):6.2f} MB/s ({len(clean)} pages)")
    print(f"fallback on raw pages:      {rate(raw):6.2f} MB/s ({len(raw)} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
