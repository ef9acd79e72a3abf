"""Does cleaning time grow linearly with input size on the two extreme shapes of input,
one huge line and very many short lines? Cleans each shape at a small and a full size
(default: a 5 MB and a 50 MB single line; 100,000 and 1,000,000 short lines) and prints
the cost ratio, which should be close to the size ratio (10).

    python bench/linearity.py            # full sizes (about a minute and 1-2 GB of memory)
    python bench/linearity.py --scale 0.1
"""
from __future__ import annotations

import argparse
import time

from cleaner import Cleaner

SENTENCE = "The council approved the new budget on Tuesday after a long debate about schools. "
SHORT = ["Read more", "Share", "Line {n} of the story goes on, and on.", "", "Advertisement"]


def one_line(size: int) -> str:
    return (SENTENCE * (size // len(SENTENCE) + 1))[:size]


def short_lines(count: int) -> str:
    return "\n".join(SHORT[n % len(SHORT)].format(n=n) for n in range(count))


def cost(cleaner: Cleaner, text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        cleaner.clean(text, html=False)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="multiply both sizes (default 1)")
    ap.add_argument("--repeat", type=int, default=2, help="best of N runs (default 2)")
    args = ap.parse_args()
    cleaner = Cleaner()
    cleaner.clean("warm-up\n")
    shapes = [("single line", one_line, 50_000_000, "MB", 1e6),
              ("short lines", short_lines, 1_000_000, "lines", 1)]
    for name, make, full, unit, div in shapes:
        full = int(full * args.scale)
        small = full // 10
        t_small = cost(cleaner, make(small), args.repeat)
        t_full = cost(cleaner, make(full), args.repeat)
        print(f"{name}: {small / div:g} {unit} {t_small:.3f} s, {full / div:g} {unit} "
              f"{t_full:.3f} s, cost ratio {t_full / t_small:.1f} for size ratio 10")


if __name__ == "__main__":
    main()
