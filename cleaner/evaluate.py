"""Score cleaned pages against expected output: the number a rule author improves.

Precision, recall and F1 are character-weighted over lines, as docs/POLICY.md "Scoring"
defines them (and the design notes' tools/score.py computes them): blank lines are
ignored, whitespace runs count as one space, and a line of the output counts as right
when it lines up with the same line of the expected text. Per page, then the mean per
outlet and overall (every page weighs the same, as in score.py).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import regex

from .decode import BinaryInput
from .detect import UnknownOutlet
from .document import Result
from .ruleset import GENERIC_ID

EXPECTED = ".expected.txt"
NO_OUTLET = "none"    # `--outlet none`: every page as an unrecognised one


PARTS = ("dev", "heldout")   # an outlet's pages rules are written from, and those held back


class Pair(NamedTuple):
    """A page and its expected clean text; `outlet` is the folder it sits in below the
    root ("" for a flat folder); `part` the dev/heldout folder below that, if any."""
    outlet: str
    src: Path
    expected: Path

    @property
    def part(self) -> str:
        return self.src.parent.name if self.outlet and self.src.parent.name in PARTS else ""

    @property
    def name(self) -> str:
        folder = "/".join(x for x in (self.outlet, self.part) if x)
        return f"{folder}/{self.src.name}" if folder else self.src.name


def fixture_pairs(root: Path | str) -> list[Pair]:
    """Every NAME.txt with a NAME.expected.txt below `root`, flat or one folder per outlet.
    An expected file without its page is an error (FileNotFoundError), not a skip."""
    root = Path(root)
    pairs = []
    for exp in sorted(root.rglob("*" + EXPECTED)):
        src = exp.with_name(exp.name[: -len(EXPECTED)] + ".txt")
        if not src.is_file():
            raise FileNotFoundError(f"{exp}: no {src.name} beside it")
        rel = exp.parent.relative_to(root).parts
        pairs.append(Pair(rel[0] if rel else "", src, exp))
    return pairs


def score_lines(text: str) -> list[str]:
    return [regex.sub(r"\s+", " ", ln).strip() for ln in text.splitlines() if ln.strip()]


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float

    @classmethod
    def mean(cls, scores: list["Score"]) -> "Score":
        n = len(scores) or 1
        return cls(*(sum(getattr(s, k) for s in scores) / n for k in ("precision", "recall", "f1")))

    def to_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def score(expected: str, output: str) -> Score:
    g, o = score_lines(expected), score_lines(output)
    sm = difflib.SequenceMatcher(a=g, b=o, autojunk=False)
    hit = sum(len(x) for blk in sm.get_matching_blocks() for x in g[blk.a:blk.a + blk.size])
    gl, ol = sum(map(len, g)), sum(map(len, o))
    p = hit / ol if ol else (1.0 if not gl else 0.0)
    r = hit / gl if gl else 1.0
    return Score(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def line_changes(expected: str, output: str) -> list[tuple[str, str]]:
    """The lines that differ: ("missing", line) the output lacks, ("extra", line) it
    should not have, in page order (normalised as for scoring)."""
    g, o = score_lines(expected), score_lines(output)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=g, b=o, autojunk=False).get_opcodes():
        out += [("missing", x) for x in g[i1:i2] if tag in ("delete", "replace")]
        out += [("extra", x) for x in o[j1:j2] if tag in ("insert", "replace")]
    return out


def unified_diff(expected: str, output: str, name: str) -> str:
    return "".join(difflib.unified_diff(expected.splitlines(True), output.splitlines(True),
                                        f"{name} (expected)", f"{name} (cleaned)"))


@dataclass
class Page:
    pair: Pair
    result: Result
    expected: str
    score: Score
    baseline: Score            # the page as it came, uncleaned: what doing nothing scores
    want: str | None = None    # the outlet the page is from, if the cleaner knows it

    @property
    def outlet(self) -> str:
        """The folder's outlet, or for a flat folder the outlet the cleaner detected."""
        return self.pair.outlet or self.result.outlet or "unknown"


@dataclass
class Evaluation:
    pages: list[Page]
    forced: str | None = None  # the outlet every page was cleaned as (`--outlet`), if any

    @property
    def overall(self) -> Score:
        return Score.mean([p.score for p in self.pages])

    @property
    def by_outlet(self) -> dict[str, Score]:
        groups: dict[str, list[Score]] = {}
        for p in self.pages:
            groups.setdefault(p.outlet, []).append(p.score)
        return {k: Score.mean(v) for k, v in sorted(groups.items())}

    def groups(self) -> dict[tuple[str, str], list[Page]]:
        """Pages by outlet and part ("" where the folder has no dev/heldout parts)."""
        out: dict[tuple[str, str], list[Page]] = {}
        for p in sorted(self.pages, key=lambda p: (p.outlet, p.pair.part)):
            out.setdefault((p.outlet, p.pair.part), []).append(p)
        return out

    def detection(self) -> dict[str, dict[str, int]]:
        """For each outlet a page is from ("none": an outlet without rules), how many of
        its pages were found as which outlet ("none": as no outlet). Empty when the
        outlet was forced: nothing was detected."""
        out: dict[str, dict[str, int]] = {}
        if self.forced:
            return out
        for p in self.pages:
            row = out.setdefault(p.want or "none", {})
            row[p.result.outlet or "none"] = row.get(p.result.outlet or "none", 0) + 1
        return dict(sorted(out.items()))

    def to_dict(self) -> dict:
        return {"pages": [{"page": p.pair.name, "outlet": p.outlet, "part": p.pair.part,
                           "detected": p.result.outlet, **p.score.to_dict(),
                           "baseline_f1": p.baseline.f1}
                          for p in self.pages],
                "outlets": {k: {"pages": sum(p.outlet == k for p in self.pages), **s.to_dict()}
                            for k, s in self.by_outlet.items()},
                "parts": [{"outlet": o, "part": part, "pages": len(ps),
                           **Score.mean([p.score for p in ps]).to_dict(),
                           "baseline_f1": Score.mean([p.baseline for p in ps]).f1}
                          for (o, part), ps in self.groups().items()],
                "detection": self.detection(),
                "overall": {"pages": len(self.pages), **self.overall.to_dict()},
                "forced_outlet": self.forced}


def forced_outlet(cleaner, outlet: str | None) -> str | None:
    """The outlet id to clean every page as for `--outlet ID`: "none" (or "generic")
    is no outlet, the generic rules and the fallback as on a page detection does not
    recognise; an id the cleaner does not know raises UnknownOutlet."""
    if not outlet:
        return None
    forced = GENERIC_ID if outlet == NO_OUTLET else outlet
    try:
        cleaner.detector.forced(forced)
    except UnknownOutlet as e:
        raise UnknownOutlet(f"{e}, or {NO_OUTLET} for no outlet") from None
    return forced


def clean_pair(cleaner, pair: Pair, outlet: str | None = None) -> tuple[Result, str]:
    """The cleaned page (as `outlet`'s, if given: an id forced_outlet returned) and its
    expected text; a binary page or an expected file that is not UTF-8 raises
    BinaryInput naming the file (RuleTimeout propagates)."""
    try:
        result = cleaner.clean(pair.src.read_bytes(), outlet=outlet)
    except BinaryInput as e:
        raise BinaryInput(f"{pair.src}: {e}") from None
    try:
        return result, pair.expected.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BinaryInput(f"{pair.expected}: expected text must be UTF-8") from None


def evaluate(cleaner, pairs: list[Pair], outlet: str | None = None) -> Evaluation:
    """Clean each page and score it, and the page as it came (doing nothing). A page in
    a folder named after one of the cleaner's outlets should be detected as it.
    `outlet`: clean every page as that outlet's instead of detecting one ("none": as
    no outlet's, the generic rules and the fallback); pages still group by folder."""
    pages = []
    known = {o.id for o in cleaner.outlets} - {GENERIC_ID}
    forced = forced_outlet(cleaner, outlet)
    for pair in pairs:
        result, expected = clean_pair(cleaner, pair, forced)
        raw = pair.src.read_bytes().decode("utf-8", "replace")
        pages.append(Page(pair, result, expected, score(expected, result.text),
                          score(expected, raw), pair.outlet if pair.outlet in known else None))
    return Evaluation(pages, outlet and (NO_OUTLET if forced == GENERIC_ID else forced))
