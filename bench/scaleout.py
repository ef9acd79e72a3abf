"""Scale-out overhead: the same JSONL corpus cleaned by the library on one core, by
`clean batch --jobs 2`, and by run_shards on a dask.distributed LocalCluster of two worker
processes; prints a Markdown table and what this machine does per hour.

    python bench/scaleout.py [--records 8000] [--shards 16] [--workdir DIR]

Needs the [dask] extra. The corpus is the fixture pages, repeated in a shuffled order
and cut at varied lengths (fixed seed), as JSONL records {"id", "text"}.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_corpus(path: Path, n: int, seed: int = 1) -> int:
    pages = [p.read_text() for p in sorted(ROOT.glob("fixtures/*/*.txt"))
             if not p.name.endswith(".expected.txt")]
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            page = rng.choice(pages)
            cut = rng.randrange(len(page) // 2, len(page) + 1)
            f.write(json.dumps({"id": i, "text": page[:cut]}, ensure_ascii=False) + "\n")
    return path.stat().st_size


def one_core(path: Path) -> float:
    from cleaner import Cleaner
    from cleaner.records import clean_record
    cleaner = Cleaner()
    records = [json.loads(line) for line in path.open(encoding="utf-8")]
    clean_record(cleaner, records[0])   # compile the rules outside the timing
    t, cpu = time.perf_counter(), time.process_time()
    for r in records:
        clean_record(cleaner, r)
    return time.perf_counter() - t, time.process_time() - cpu


def two_processes(path: Path, out: Path) -> tuple[float, float]:
    """`clean batch --jobs 2`: (wall seconds, CPU seconds of it and its workers)."""
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cleaner", "batch", str(path), str(out),
                    "--jobs", "2", "--quiet", "--force"], check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def _cpu_seconds() -> float:
    import resource
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cluster(path: Path, out: Path, shards: int) -> tuple[float, float, float]:
    """(cluster start, job wall seconds, CPU seconds the workers spent on the job)."""
    from distributed import Client, LocalCluster
    from cleaner import batch
    from cleaner.integrations.dask import run_shards
    t = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as lc, Client(lc) as client:
        started = time.perf_counter() - t
        before = client.run(_cpu_seconds)
        size = path.stat().st_size
        res = run_shards(client, path, out, batch.Options(force=True), -(-size // shards))
        after = client.run(_cpu_seconds)
        assert res.pages == sum(1 for _ in path.open()) and not res.failed, res
        return started, res.wall_seconds, sum(after[w] - before[w] for w in after)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=8000)
    ap.add_argument("--shards", type=int, default=16)
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="cleaner-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus.jsonl"
    load = os.getloadavg()[0]   # the figures mean little on a busy machine
    size = build_corpus(corpus, args.records)
    mb = size / 1e6
    wall, cpu = one_core(corpus)
    rows = [("library, 1 core (no I/O)", wall, cpu)]
    label = "`clean batch --jobs 2`"
    rows.append((label, *two_processes(corpus, work / "local.jsonl")))
    started, seconds, cpu = cluster(corpus, work / "shards", args.shards)
    rows.append((f"LocalCluster 2 workers, {args.shards} shards (job only)", seconds, cpu))
    rows.append(("LocalCluster, incl. cluster start", seconds + started, None))
    print(f"corpus: {args.records} records, {mb:.1f} MB; "
          f"load average before: {load:.1f} on {os.cpu_count()} cores\n")
    print("| run | wall s | pages/s | MB/s | CPU s |\n|---|---:|---:|---:|---:|")
    for name, s, c in rows:
        print(f"| {name} | {s:.2f} | {args.records / s:.0f} | {mb / s:.2f} | "
              f"{'' if c is None else f'{c:.2f}'} |")
    local, dask_job = rows[1][1], rows[2][1]
    print(f"\ncluster job vs {label}: {100 * (dask_job / local - 1):+.0f}% wall "
          f"(cluster start {started:.1f} s, paid once); CPU: {100 * (rows[2][2] / rows[1][2] - 1):+.0f}%")
    print(f"per hour on this machine ({os.cpu_count()} cores, LocalCluster): "
          f"{3600 * args.records / dask_job / 1e6:.2f} M pages, {3.6 * mb / dask_job:.2f} GB")
    if not args.workdir:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
