import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from cleaner import Cleaner, evaluate, html
from cleaner.decode import normalise_newlines

# what is derived per pattern (cleaner/derived.py) is cached in a folder of the session's
# own, empty at its start (the commands tests run inherit it): tests see values derived,
# stored and read back, never a developer's cache
os.environ["CLEANER_CACHE_DIR"] = _CACHE = tempfile.mkdtemp(prefix="cleaner-test-cache-")
atexit.register(shutil.rmtree, _CACHE, True)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEEDS = ROOT / "seeds"

# `python -m pytest -q` (CI included) runs the property tests derandomized: the same
# examples every run, so a test never fails at random. A longer random search is
# `HYPOTHESIS_PROFILE=random python -m pytest -q`; whatever it finds becomes an @example.
_QUIET = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=200, derandomize=True, database=None, **_QUIET)
settings.register_profile("random", max_examples=2000, print_blob=True, **_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def fixture_pairs():
    """(outlet folder, input path, expected path) for every fixtures/<outlet>/NAME.txt."""
    return evaluate.fixture_pairs(FIXTURES)


@pytest.fixture(scope="session")
def cleaner():
    return Cleaner()


def check_invariants(cleaner: Cleaner, text: str, rule_ids: set[str], **kw) -> None:
    """POLICY.md on one page: form, idempotence, no invented lines, removals named."""
    result = cleaner.clean(text, **kw)
    out = result.text
    # form: one final newline, no leading or trailing blank line, no double blank
    assert out == "" or (out.endswith("\n") and not out.endswith("\n\n") and out[0] != "\n")
    assert "\n\n\n" not in out
    # idempotent for the outlet the page was cleaned as (POLICY.md); unknown pages as
    # they are; the output is text, so it is cleaned again as text (a kept line of
    # markup at its start, with rule files that keep one, would read as an HTML page)
    again = {**kw, "html": False} | ({"outlet": result.outlet} if result.outlet else {})
    assert cleaner.clean(out, **again).text == out
    # no invented lines: the output is the kept lines, in input order, each equal to its
    # input line (trailing whitespace trimmed) or, if a rule cut from it, a subsequence
    lines = result.document.lines
    # every line stays right-trimmed (cuts included), so Line.blank (an empty text) is exact
    assert all(ln.text == ln.text.rstrip() for ln in lines)
    kept = [(i, ln) for i, ln in enumerate(lines) if ln.removed_by is None and not ln.blank]
    assert [ln.text for _, ln in kept] == [s for s in out.split("\n") if s]
    source = normalise_newlines(text)
    if kw.get("html", html.looks_like_html(source)):
        # an HTML page's input lines: the text trafilatura extracted, or the flattened
        # page when the pipeline rescued a poor extraction
        page = html.Page(source)
        sources = [html.extract(page, kw.get("url"))[0], page.flat]
    else:
        sources = [source]
    assert any(_taken_from(src.split("\n"), kept) for src in sources), out
    # every removal and cut names a rule that exists (or the fallback, with its reason)
    for r in result.removals:
        assert r.rule in rule_ids or (r.rule in ("fallback", "repeat", "doubled") and r.reason), r
    for c in result.cuts:
        assert c.rule in rule_ids and c.line, c


def _taken_from(source: list[str], kept) -> bool:
    """Whether each kept (index, line) is its source line, or a subsequence of it if cut."""
    for i, ln in kept:
        if i >= len(source):
            return False
        rest = iter(source[i])
        if not (all(c in rest for c in ln.text) if ln.cut_by else ln.text == source[i].rstrip()):
            return False
    return True


def run_clean(args, data=b"", cwd=None, env=None):
    """`python -m cleaner ARGS` as a real subprocess (bytes in, CompletedProcess out)."""
    # a C-locale terminal must not break output
    env = {**os.environ, "PYTHONIOENCODING": "ascii", **(env or {})}
    return subprocess.run([sys.executable, "-m", "cleaner", *map(str, args)], input=data,
                          capture_output=True, env=env, cwd=cwd, timeout=120)
