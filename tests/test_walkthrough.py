"""docs/adding-an-outlet.md, performed: every `sh` block runs, in order, through the real
`clean` command in a temporary folder; the one edit the page asks for is made to the
drafted file as the page describes it."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

DOC = ROOT / "docs" / "adding-an-outlet.md"
EXAMPLE = ROOT / "docs" / "examples" / "gazette"


def blocks(lang):
    return re.findall(rf"^```{lang}\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)


def run(block, cwd):
    bindir = str(Path(sys.executable).parent)    # where the `clean` entry point lives
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    env.pop("CLEANER_RULES", None)
    p = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"{block}\nexit {p.returncode}\n{p.stdout}\n{p.stderr}"
    assert "Traceback" not in p.stderr
    return p.stdout


def edit_byline_rule(path: Path, new_rule: str) -> None:
    """Step 3: replace the drafted one-author byline rule with the page's meta rule."""
    text = path.read_text(encoding="utf-8")
    rules = text.split("[[rule]]")
    kept = [r for r in rules if 'id = "gazette-by-jane-holt-0"' not in r]
    assert len(kept) == len(rules) - 1, "the draft proposes the byline rule the page shows"
    path.write_text("[[rule]]".join(kept) + "\n" + new_rule, encoding="utf-8")


def test_walkthrough(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "docs" / "examples" / "gazette")
    sh = blocks("sh")
    [new_rule] = [b for b in blocks("toml") if b.startswith("[[rule]]")]
    assert len(sh) == 6

    collect, suggest, check, fixtures, test, measure = sh
    run(collect, tmp_path)
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == [
        "ferry.txt", "library.txt", "regatta.txt"]

    out = run(suggest, tmp_path)
    draft = tmp_path / "my-rules" / "gazette.toml"
    assert "wrote my-rules/gazette.toml" in out
    text = draft.read_text(encoding="utf-8")
    assert "Share this article" in text and "Last updated" in text
    assert "Torpoint" not in text and "volunteers" not in text   # no article text

    edit_byline_rule(draft, new_rule)
    assert "checked 1 rule file: no problems" in run(check, tmp_path)

    run(fixtures, tmp_path)
    # the "correct by hand" step: the output already is the article, as shipped
    for name in ("ferry", "library"):
        got = (tmp_path / "fixtures" / "gazette" / f"{name}.expected.txt").read_text(encoding="utf-8")
        assert got == (EXAMPLE / "expected" / f"{name}.expected.txt").read_text(encoding="utf-8")

    out = run(test, tmp_path)
    assert "ok   gazette/ferry.txt" in out and "2 passed, 0 failed" in out

    out = run(measure, tmp_path)
    assert re.search(r"^overall\s+2 pages\s+1\.000\s+1\.000\s+1\.000$", out, re.M), out


def test_draft_alone_misses_other_authors(tmp_path):
    """Why the edit step matters: the unedited draft fails on a page by another author,
    and `rules test` shows it as a diff (exit 1)."""
    shutil.copytree(EXAMPLE, tmp_path / "docs" / "examples" / "gazette")
    collect, suggest, *_ = blocks("sh")
    run(collect, tmp_path)
    run(suggest, tmp_path)
    (tmp_path / "fixtures" / "gazette").mkdir(parents=True)
    for name in ("library.txt", "library.expected.txt"):
        src = EXAMPLE / ("pages" if name == "library.txt" else "expected") / name
        shutil.copy(src, tmp_path / "fixtures" / "gazette" / name)
    bindir = str(Path(sys.executable).parent)
    p = subprocess.run([os.path.join(bindir, "clean"), "rules", "test", "--rules", "my-rules"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1
    assert "FAIL gazette/library.txt" in p.stdout
    assert "+By Tom Pascoe | 3 April 2024, 17:40" in p.stdout
