"""The README's Guarantees section points at tests: each named test must exist, so the
promises cannot outlive the tests that hold them."""
import regex

from conftest import ROOT


def test_every_guarantee_names_an_existing_test():
    section = (ROOT / "docs" / "guarantees.md").read_text(encoding="utf-8")
    refs = regex.findall(r"`(test_\w+\.py)::(test_\w+)`", section)
    assert len(refs) >= 15
    missing = [f"{f}::{t}" for f, t in refs
               if not regex.search(rf"^def {t}\(", (ROOT / "tests" / f).read_text(encoding="utf-8"),
                                   regex.M)]
    assert missing == []


def test_every_promise_of_the_readme_has_its_tests_in_the_guarantees_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    short = readme.split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    page = (ROOT / "docs" / "guarantees.md").read_text(encoding="utf-8")
    promises = regex.findall(r"^- \*\*(.+?)\*\*", short, regex.M)
    assert len(promises) >= 15
    for name in promises:
        entry = page.split(f"- **{name}**", 1)
        assert len(entry) == 2, name
        held = entry[1].split("\n- **", 1)[0]
        assert "`test_" in held or "bench/" in held, name     # a test, or a benchmark
