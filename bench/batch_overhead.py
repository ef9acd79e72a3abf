"""What `clean batch` adds to each page beyond Cleaner.clean, in process, one core:
reading the JSONL record, writing its output line, the summary counters (JSONL mode),
and reading and atomically writing the files (folder mode). A benchmark, not a test.

    python bench/batch_overhead.py                  # corpus built by bench/speed.py
    python bench/batch_overhead.py --pages 500 CORPUS.jsonl

Each page is cleaned once; the batch code then runs with a cleaner that hands those
results back, so only the batch's own work is timed (minimum of --runs, interleaved
with the bare cleaning it is compared to, as this machine's load varies run to run).
"""
from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import batch  # noqa: E402
from cleaner.pipeline import Cleaner  # noqa: E402
from cleaner.records import Fields, clean_lines  # noqa: E402


class Replay:
    """A cleaner that returns the results of a real one, in order."""

    def __init__(self, results):
        self.results = iter(results)

    def clean(self, text, **options):
        return next(self.results)


def seconds(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path, nargs="?", default=ROOT / "bench" / "out" / "corpus.jsonl")
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    with open(args.corpus, "rb") as f:
        lines = list(itertools.islice(f, args.pages))
    texts = [json.loads(line)["text"] for line in lines]
    cleaner = Cleaner()
    results = [cleaner.clean(t) for t in texts]
    n = len(lines)
    chunk = batch.CHUNK_RECORDS

    def bare():
        for t in texts:
            cleaner.clean(t)

    def jsonl():
        replay = Replay(results)
        for i in range(0, n, chunk):
            clean_lines(replay, lines[i:i + chunk], i + 1, Fields())

    work = Path(tempfile.mkdtemp(prefix="batch-overhead-"))
    try:
        src = work / "in"
        for i, t in enumerate(texts):
            (src / f"d{i % 10}").mkdir(parents=True, exist_ok=True)
            (src / f"d{i % 10}" / f"p{i}.txt").write_text(t, encoding="utf-8")
        jobs = sorted((str(src / f"d{i % 10}" / f"p{i}.txt"), f"d{i % 10}/p{i}.txt")
                      for i in range(n))

        def folder(fmt):
            def run():
                out = work / "out"
                shutil.rmtree(out, ignore_errors=True)
                batch.pool._cleaner = Replay([results[int(Path(s).stem[1:])] for s, _ in jobs])
                todo = [(s, str(out / rel), rel) for s, rel in jobs]
                for i in range(0, n, batch.folder.CHUNK_FILES):
                    batch.folder._file_chunk(todo[i:i + batch.folder.CHUNK_FILES], fmt)
            return run

        timings = {name: [] for name in ("bare", "jsonl", "folder text", "folder json")}
        fns = {"bare": bare, "jsonl": jsonl, "folder text": folder("text"),
               "folder json": folder("json")}
        for _ in range(args.runs):       # interleaved: each round sees the same load
            for name, fn in fns.items():
                timings[name].append(seconds(fn))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    per_page = {k: min(v) / n * 1e6 for k, v in timings.items()}
    print(f"{n} pages of {args.corpus.name}, minimum of {args.runs} runs, us per page:")
    print(f"  Cleaner.clean alone               {per_page['bare']:8.1f}")
    for name in ("jsonl", "folder text", "folder json"):
        share = per_page["bare"] / (per_page["bare"] + per_page[name])
        print(f"  batch's own work, {name:<12}   {per_page[name]:8.1f}   "
              f"(batch at {share:.0%} of the library rate, start-up aside)")


if __name__ == "__main__":
    main()
