"""Speed of the cleaner: library, `clean batch` (local, and on a Dask LocalCluster when
the [dask] extra is installed), start-up, and trafilatura / jusText on the same texts. A benchmark, not a test: figures depend on the machine and its load.

    python bench/speed.py                 # >= 100 MB corpus built from fixtures/
    python bench/speed.py --size-mb 20    # a quicker look

The corpus is every input page of fixtures/ and corpus/ (not the expected files), repeated
in a different shuffled order each round until it reaches --size-mb, written once as
JSONL under bench/out/. trafilatura and jusText are far slower, so they run on a sample
of pages and their rate is extrapolated. The ratio to trafilatura that issues judge
speed by is measured apart: both on the same --paired pages, in turn block by block, in
CPU time (the separate rates, timed minutes apart on a shared machine, swing by a third),
once from a cold start (the process's one-time costs counted) and once after both tools
took --paired other pages (the rate of a long run).
"""
from __future__ import annotations

import argparse
import html
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fixture_pages() -> list[tuple[str, str]]:
    """(outlet folder, text) of every input page of fixtures/ and of the real-page
    corpus/ (dev and heldout alike: speed, not accuracy)."""
    pages = []
    for p in sorted([*(ROOT / "fixtures").glob("*/*.txt"), *(ROOT / "corpus").glob("*/*/*.txt")]):
        if not p.name.endswith(".expected.txt"):
            outlet = p.parent.name if p.parent.parent.name == "fixtures" else p.parent.parent.name
            pages.append((outlet, p.read_text(encoding="utf-8")))
    return pages


def build_corpus(path: Path, size_mb: float, seed: int = 1) -> tuple[int, int]:
    pages = fixture_pages()
    rng = random.Random(seed)
    n = nbytes = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        while nbytes < size_mb * 1e6:
            order = pages[:]
            rng.shuffle(order)
            for outlet, text in order:
                f.write(json.dumps({"id": n, "fixture": outlet, "text": text},
                                   ensure_ascii=False) + "\n")
                n += 1
                nbytes += len(text.encode("utf-8"))
    return n, nbytes


def read_corpus(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)["text"]


def library_rate(path: Path) -> dict:
    """One core, in process: every page of the corpus, timed page by page."""
    from cleaner import Cleaner
    c = Cleaner()
    known = [0, 0, 0.0]      # pages, bytes, seconds
    other = [0, 0, 0.0]
    clock = time.perf_counter
    for text in read_corpus(path):
        t0 = clock()
        r = c.clean(text)
        dt = clock() - t0
        acc = known if r.outlet else other
        acc[0] += 1
        acc[1] += len(text.encode("utf-8"))
        acc[2] += dt
    allp = [known[i] + other[i] for i in range(3)]
    return {name: {"pages_s": a[0] / a[2], "mb_s": a[1] / a[2] / 1e6, "pages": a[0]}
            for name, a in (("known", known), ("all", allp)) if a[2]}


def batch_rate(path: Path, out: Path, jobs: int, nbytes: int, npages: int) -> dict:
    cmd = [sys.executable, "-m", "cleaner", "batch", str(path), str(out), "--jobs", str(jobs),
           "--force", "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True)
    wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        raise SystemExit(f"batch failed: {p.stderr.decode()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU of the command and its workers: on a shared machine, cpu / wall says how many
    # cores the run actually got
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"pages_s": npages / wall, "mb_s": nbytes / wall / 1e6, "wall": wall,
            "cpu": cpu, "rss_mb": after.ru_maxrss / 1024}


def _cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cluster_rate(path: Path, out: Path, nbytes: int, npages: int, shards: int) -> dict:
    """`clean batch --scheduler` on a dask.distributed LocalCluster of 2 single-thread
    worker processes (the [dask] extra), the same command line as the --jobs runs."""
    from distributed import Client, LocalCluster
    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as lc, Client(lc) as client:
        start = time.perf_counter() - t0
        before = client.run(_cpu_seconds)
        mb = path.stat().st_size / 2**20 / shards
        cmd = [sys.executable, "-m", "cleaner", "batch", str(path), str(out), "--scheduler",
               lc.scheduler_address, "--partition-mb", f"{mb:.3f}", "--force", "--quiet"]
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True)
        wall = time.perf_counter() - t0
        if p.returncode not in (0, 1):
            raise SystemExit(f"batch --scheduler failed: {p.stderr.decode()}")
        after = client.run(_cpu_seconds)
    cpu = sum(after[w] - before[w] for w in after)   # the workers; the client is idle
    return {"pages_s": npages / wall, "mb_s": nbytes / wall / 1e6, "wall": wall, "cpu": cpu,
            "start": start}


def as_html(text: str) -> str:
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.split("\n") if line.strip())
    return f"<html><head><title>t</title></head><body><article>{body}</article></body></html>"


def others_rate(path: Path, sample: int) -> dict:
    """trafilatura and jusText on the same texts (each line a paragraph: they take HTML)."""
    import justext
    import trafilatura
    texts = []
    for text in read_corpus(path):
        texts.append(text)
        if len(texts) >= sample:
            break
    docs = [as_html(t) for t in texts]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    stop = justext.get_stoplist("English")
    out = {}
    for name, fn in (("trafilatura", lambda d: trafilatura.extract(d, favor_precision=True)),
                     ("jusText", lambda d: justext.justext(d, stop))):
        fn(docs[0])
        t0 = time.perf_counter()
        for d in docs:
            fn(d)
        dt = time.perf_counter() - t0
        out[name] = {"pages_s": len(docs) / dt, "mb_s": nbytes / dt / 1e6, "pages": len(docs)}
    return out


def paired_ratio(path: Path, sample: int, block: int = 100, warm: bool = False) -> dict:
    """The library against trafilatura on the same pages in the same minutes: blocks of
    `block` pages, each cleaned by the library, then given to trafilatura, in CPU seconds
    of this process, each block after a garbage collection (neither pays for the other's
    garbage). Load on the machine drifts over a run; here it hits both alike, where the
    separate rates above, timed minutes apart, swing by a third between runs. Blocks, not
    single pages: alternating page by page would evict each tool's warm caches.
    With `warm`, both tools first take the `sample` pages after those timed, untimed: a
    process's one-time costs (compiling rule patterns on first use, stoplists, plans)
    fall outside the ratio, as they do in a long batch run.
    {"known"|"all": (library seconds, trafilatura seconds, pages)}."""
    import gc
    import trafilatura
    from cleaner import Cleaner
    c = Cleaner()
    cpu = time.process_time
    sums = {"known": [0.0, 0.0, 0], "all": [0.0, 0.0, 0]}
    pages = [t for _, t in zip(range(2 * sample if warm else sample), read_corpus(path))]
    texts, warmup = pages[:sample], pages[sample:] or pages[:1]
    for text in warmup:
        c.clean(text)
        trafilatura.extract(as_html(text), favor_precision=True)
    for k in range(0, len(texts), block):
        chunk = texts[k:k + block]
        docs = [as_html(t) for t in chunk]      # both get the text as it comes to them
        ours, known = [], []
        gc.collect()
        for text in chunk:
            t0 = cpu()
            known.append(bool(c.clean(text).outlet))
            ours.append(cpu() - t0)
        gc.collect()
        for doc, mine, is_known in zip(docs, ours, known):
            t0 = cpu()
            trafilatura.extract(doc, favor_precision=True)
            theirs = cpu() - t0
            for name in ("known", "all") if is_known else ("all",):
                acc = sums[name]
                acc[0] += mine
                acc[1] += theirs
                acc[2] += 1
    return {name: tuple(acc) for name, acc in sums.items() if acc[2]}


def startup(runs: int = 7) -> dict:
    seed = ROOT / "seeds" / "000_793e23ee459727fc.txt"
    exe = Path(sys.executable).with_name("clean")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "cleaner"]

    def median(c):
        """(wall, CPU) seconds, medians: CPU time is what a busy machine does not inflate."""
        walls, cpus = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(c, capture_output=True, check=True)
            walls.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        return statistics.median(walls), statistics.median(cpus)

    return {"clean": median([*cmd, str(seed)]),
            "python": median([sys.executable, "-c", "pass"])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, default=100)
    ap.add_argument("--sample", type=int, default=300, help="pages for trafilatura/jusText")
    ap.add_argument("--paired", type=int, default=1500,
                    help="pages for the paired library/trafilatura ratio (0: skip it)")
    ap.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--cluster-shards", type=int, default=16,
                    help="LocalCluster run: input split in this many shards (0: skip it)")
    args = ap.parse_args()

    corpus = args.workdir / "corpus.jsonl"
    npages, nbytes = build_corpus(corpus, args.size_mb)
    print(f"corpus: {npages} pages, {nbytes / 1e6:.1f} MB of text "
          f"({len(fixture_pages())} fixtures, shuffled each round); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)

    rows = []
    lib = library_rate(corpus)
    for name, label in (("known", "library, known-outlet pages, 1 core"),
                        ("all", "library, all pages, 1 core")):
        if name in lib:
            rows.append((label, lib[name]["mb_s"], lib[name]["pages_s"], ""))
    print("library done", flush=True)
    batch = {}
    for j in args.jobs:
        r = batch_rate(corpus, args.workdir / f"out-{j}.jsonl", j, nbytes, npages)
        batch[j] = r
        rows.append((f"clean batch --jobs {j} (JSONL)", r["mb_s"], r["pages_s"],
                     f"{r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU (got {r['cpu'] / r['wall']:.2f}"
                     f" cores), peak RSS {r['rss_mb']:.0f} MB"))
        print(f"batch --jobs {j} done", flush=True)
    cluster = None
    if args.cluster_shards:
        try:
            cluster = cluster_rate(corpus, args.workdir / "shards", nbytes, npages,
                                   args.cluster_shards)
        except ImportError:
            print("LocalCluster skipped: pip install -e '.[dask]'")
    if cluster:
        rows.append((f"clean batch --scheduler, LocalCluster 2 workers, {args.cluster_shards} "
                     "shards", cluster["mb_s"], cluster["pages_s"],
                     f"{cluster['wall']:.1f} s wall, {cluster['cpu']:.1f} s worker CPU; "
                     f"cluster start {cluster['start']:.1f} s (not counted)"))
        print("batch --scheduler done", flush=True)
    others = others_rate(corpus, args.sample)
    for name, r in others.items():
        rows.append((f"{name} (sample of {r['pages']} pages)", r["mb_s"], r["pages_s"], ""))
    paired = {(cold, name): r for cold in (True, False) if args.paired
              for name, r in paired_ratio(corpus, args.paired, warm=not cold).items()}
    st = startup()

    print()
    print("| run | MB/s | pages/s | note |")
    print("|---|---:|---:|---|")
    for label, mb, ps, note in rows:
        print(f"| {label} | {mb:.2f} | {ps:,.0f} | {note} |")
    print(f"| `clean` on a seed, start to finish | | | {st['clean'][0] * 1000:.0f} ms wall, "
          f"{st['clean'][1] * 1000:.0f} ms CPU (bare `python -c pass`: "
          f"{st['python'][0] * 1000:.0f} ms) |")
    print()
    for (cold, name), (ours, theirs, n) in paired.items():
        print(f"library / trafilatura, {name if name == 'all' else 'known-outlet'} pages, the "
              f"same {n} pages, block by block in turn (CPU time), "
              f"{'from a cold start' if cold else f'after {args.paired} other pages'}: "
              f"{theirs / ours:.1f}x")
    base = lib["all"]["mb_s"]
    traf = others["trafilatura"]["mb_s"]
    for j, r in batch.items():
        print(f"batch --jobs {j}: {r['mb_s'] / base:.0%} of the library rate (all pages), "
              f"{r['mb_s'] / traf:.0f}x trafilatura")
    if 1 in batch and 2 in batch:
        print(f"--jobs 2 / --jobs 1: {batch[2]['mb_s'] / batch[1]['mb_s']:.2f}x")
    if cluster and 2 in batch:
        print(f"LocalCluster / --jobs 2: {cluster['wall'] / batch[2]['wall']:.2f}x the wall time, "
              f"{cluster['cpu'] / batch[2]['cpu']:.2f}x the CPU")
        print(f"per hour on this machine ({os.cpu_count()} cores): --jobs 2 "
              f"{batch[2]['pages_s'] * 3600 / 1e6:.2f} M pages ({batch[2]['mb_s'] * 3.6:.1f} GB), "
              f"LocalCluster {cluster['pages_s'] * 3600 / 1e6:.2f} M pages "
              f"({cluster['mb_s'] * 3.6:.1f} GB); with every core free (from the CPU time): "
              f"{os.cpu_count() * npages / cluster['cpu'] * 3600 / 1e6:.2f} M pages "
              f"({os.cpu_count() * nbytes / cluster['cpu'] * 3600 / 1e9:.1f} GB)")


if __name__ == "__main__":
    main()
