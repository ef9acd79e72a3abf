"""Did a change of speed change any output? Hashes every result of the cleaner on a fixed
set of pages, to compare two versions of the code:

    python bench/samecheck.py save before.json      # on the old code
    python bench/samecheck.py compare before.json   # on the new: prints the differences

Pages: every input of fixtures/, corpus/*/dev and corpus/*/heldout, the seeds, and the
scrapinghub texts (SCRAPINGHUB, if present), each cleaned as detected and with each
outlet forced (read as bytes, as `clean FILE` reads them). A result's hash covers its
text, outlet, title, removals, cuts, metadata, fallback, detection, language, warnings
and evidence (or the error it raised). All pages go through one Cleaner twice: the
second pass (warm: plans made, caches full) must give the first's results too.
Held-back pages are hashed, never named: only how many of them differ is printed.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRAPINGHUB = Path("/work/shared/bench/scrapinghub/text")


def pages() -> list[tuple[str, Path]]:
    """(key, path) of every page; a held-back page's key is only its position."""
    out = []
    inputs = lambda d: sorted(p for p in d.glob("*.txt") if not p.name.endswith(".expected.txt"))
    for p in inputs(ROOT / "seeds"):
        out.append((f"seeds/{p.name}", p))
    for d in sorted((ROOT / "fixtures").iterdir()):
        out += [(str(p.relative_to(ROOT)), p) for p in inputs(d)]
    for d in sorted((ROOT / "corpus").glob("*/dev")):
        out += [(str(p.relative_to(ROOT)), p) for p in inputs(d)]
    for d in sorted((ROOT / "corpus").glob("*/heldout")):
        out += [(f"{d.relative_to(ROOT)}#{n}", p) for n, p in enumerate(inputs(d))]
    if SCRAPINGHUB.is_dir():
        out += [(f"scrapinghub/{p.name}", p) for p in sorted(SCRAPINGHUB.iterdir())]
    return out


def digest(cleaner, data: bytes, outlet: str | None) -> str:
    try:
        r = cleaner.clean(data, outlet=outlet)
        fields = [r.text, r.outlet, r.title, [list(x) for x in r.removals],
                  [list(x) for x in r.cuts], sorted((k, repr(v)) for k, v in r.metadata.items()),
                  r.fallback, r.detected_by, r.lang, r.warnings, [list(e) for e in r.evidence]]
    except Exception as e:      # an error is a result too
        fields = ["error", type(e).__name__, str(e)]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()[:16]


def results() -> dict[str, str]:
    from cleaner import Cleaner
    c = Cleaner()
    modes = [None, *sorted(o.id for o in c.outlets)]
    todo = [(key, p.read_bytes()) for key, p in pages()]
    first: dict[str, str] = {}
    warm_diffs = 0
    for rnd in range(2):
        for key, data in todo:
            for mode in modes:
                k = f"{key} [{mode or 'detected'}]"
                h = digest(c, data, mode)
                if rnd == 0:
                    first[k] = h
                elif first[k] != h:
                    warm_diffs += 1
                    print(f"warm pass differs: {_shown(k)}")
    print(f"{len(first)} results ({len(todo)} pages x {len(modes)} modes); "
          f"second pass in the same process: {warm_diffs} differences")
    return first


def _shown(key: str) -> str:
    return "a held-back page" if "/heldout#" in key else key


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("save", "compare"):
        print(__doc__.split("\n\n")[1])
        return 2
    path = Path(sys.argv[2])
    now = results()
    if sys.argv[1] == "save":
        path.write_text(json.dumps(now, indent=0, sort_keys=True))
        return 0
    before = json.loads(path.read_text())
    diffs = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    held = sum("/heldout#" in k for k in diffs)
    for k in diffs:
        if "/heldout#" not in k:
            print(f"differs: {k}")
    print(f"{len(diffs)} differences ({held} of them on held-back pages) in {len(now)} results")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
