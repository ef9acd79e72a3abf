"""The README's Guarantees section points at tests: each named test must exist, so the
promises cannot outlive the tests that hold them."""
import regex

from conftest import ROOT


def test_every_guarantee_names_an_existing_test():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    refs = regex.findall(r"`(test_\w+\.py)::(test_\w+)`", section)
    assert len(refs) >= 15
    missing = [f"{f}::{t}" for f, t in refs
               if not regex.search(rf"^def {t}\(", (ROOT / "tests" / f).read_text(encoding="utf-8"),
                                   regex.M)]
    assert missing == []
