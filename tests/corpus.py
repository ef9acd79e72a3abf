"""A small mixed JSONL corpus for the scale-out tests: seed pages (whole and cut short,
so shards hold records of varied sizes), an HTML page, non-ASCII text, and bad lines of
every kind the batch reports (broken JSON, not an object, no text, text not a string,
url not a string), plus a blank line."""
import json
import random

from conftest import SEEDS

BAD = ['{"id": "broken", "text": ', '[1, 2, 3]', '{"id": "no-text"}',
       '{"id": "num", "text": 5}', '{"id": "url", "text": "x", "url": 7}']
HTML = ("<html><head><title>Town news</title></head><body><nav>Home | World</nav>"
        "<article><h1>Bridge reopens</h1><p>" + "The old bridge reopened on Monday "
        "after two years of repairs, officials said. " * 4 + "</p></article></body></html>")


def records(n: int, seed: int = 7) -> list[str]:
    """n JSONL lines, deterministic."""
    pages = [p.read_text() for p in sorted(SEEDS.glob("*.txt"))]
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        if i % 37 == 5:
            lines.append(BAD[(i // 37) % len(BAD)])
        elif i % 53 == 11:
            lines.append("")
        elif i % 97 == 13:   # a lone surrogate: valid JSON, not encodable as UTF-8
            lines.append('{"id": %d, "text": "Odd \\ud800 text.\\nRead more"}' % i)
        elif i % 41 == 3:
            lines.append(json.dumps({"id": i, "html": HTML, "url": "https://example.org/b"}))
        else:
            page = rng.choice(pages)
            if rng.random() < 0.5:
                page = page[: rng.randrange(200, max(201, len(page)))]
            lines.append(json.dumps({"id": i, "lang": "en", "text": page,
                                     "note": "ünïcode ✓"}, ensure_ascii=rng.random() < 0.5))
    return lines


def write(path, n: int) -> list[str]:
    lines = records(n)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines
