"""Writing rules: a new rule file, rules suggested from sample pages, checks, fixture tests.

The `clean rules ...` commands are a thin layer over these functions.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import regex

from .engine import RuleTimeout, check_examples
from .errors import UsageError
from .prefilter import EVERY_LINE, atoms, slow_letter_runs
from .evaluate import Pair, clean_pair, unified_diff
from .ruleset import OUTLET_ID, Pat, RuleError, parse, toml_files

# ---- rules new ----------------------------------------------------------------------

TEMPLATE = '''\
# {name} ({domain}): rules that strip the outlet's template from its pages.
# Keys: docs/RULES-FORMAT.md in the cleaner project. Check with `clean rules check {file}`,
# then add page pairs to {fixtures}/ and run `clean rules test {id}`.
[outlet]
id = "{id}"
name = "{name}"
domains = ["{domain}"]
# A line matching one of these tells a page of this outlet from any other:
signatures = []
disable = []                # rule ids to switch off, e.g. built-in ones you override

# One [[rule]] per piece of template. Copy this block, uncomment and edit:
# [[rule]]
# id = "{id}-share-links"   # stable: --explain and reports show it
# kind = "drop_line"        # drop_line | drop_block | drop_caption | cut | meta
# pattern = '^Share this article$'
# description = "Share buttons under the headline"
# examples = ["Share this article"]                      # must be removed
# keep = ["Share this article with a friend, she said."]  # must stay
'''


def new_rule_file(outlet_id: str, name: str, domain: str, rules_dir: Path,
                  fixtures_dir: Path) -> tuple[Path, Path]:
    """Write RULES_DIR/ID.toml and create FIXTURES_DIR/ID/; never overwrite a file.
    Raises ValueError for a bad id or an existing file."""
    if not OUTLET_ID.fullmatch(outlet_id):
        raise UsageError(f"outlet id {outlet_id!r}: use lowercase letters, digits, '-', '_' or '.'")
    path = Path(rules_dir) / f"{outlet_id}.toml"
    fixtures = Path(fixtures_dir) / outlet_id
    if path.exists():
        raise UsageError(f"{path} already exists; not overwriting it")
    text = TEMPLATE.format(id=outlet_id, name=_basic(name), domain=_basic(domain.lower()),
                           file=path, fixtures=fixtures)
    parse(text, path)   # what we write must load
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as f:    # "x": a race cannot overwrite either
        f.write(text)
    fixtures.mkdir(parents=True, exist_ok=True)
    return path, fixtures


_CONTROL = [*range(32), 0x7F]     # TOML strings may not hold these as they are


def _basic(s: str) -> str:
    """Text for inside a TOML basic string "..."."""
    return (s.replace("\\", "\\\\").replace('"', '\\"')
            .translate({c: f"\\u{c:04x}" for c in _CONTROL}))


def toml_str(s: str) -> str:
    """A TOML string for s: a literal '...' (patterns keep their backslashes) when it
    can be, else a basic string."""
    control = any(ord(c) in _CONTROL and c != "\n" for c in s)
    if "'" not in s and "\n" not in s and not control:
        return f"'{s}'"
    if "\n" in s and "'''" not in s and not s.endswith("'") and not control:
        return "'''\n" + s + "'''"      # a multi-line example stays readable
    return f'"{_basic(s)}"'


# ---- rules suggest ------------------------------------------------------------------

_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
           r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DAYS = r"(?:Mon|Tue(?:s)?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?"
# what varies from page to page in a template line: numbers, month and day names
_VARYING = regex.compile(rf"(?P<num>\d+)|\b(?P<month>{_MONTHS})\b\.?|\b(?P<day>{_DAYS})\b")
_SUBST = {"num": (r"\d+", "0"), "month": (_MONTHS + r"\.?", "<month>"),
          "day": (_DAYS, "<day>")}


def mask(line: str) -> str:
    """The line with numbers and date words masked: the key lines recur under."""
    return _VARYING.sub(lambda m: _SUBST[m.lastgroup][1], line.strip())


def line_pattern(line: str) -> str:
    """An anchored pattern matching this line with its numbers and dates masked."""
    s, out, pos = line.strip(), [], 0
    for m in _VARYING.finditer(s):
        out += [_escape(s[pos:m.start()]), _SUBST[m.lastgroup][0]]
        pos = m.end()
    out.append(_escape(s[pos:]))
    return "^" + "".join(out) + "$"


def _escape(s: str) -> str:
    """Literal text as a pattern: one space stays a space, other whitespace is \\s+."""
    parts = regex.split(r"(\s+)", s)
    return "".join(regex.escape(p, special_only=True) if n % 2 == 0 else
                   " " if p == " " else r"\s+" for n, p in enumerate(parts))


@dataclass
class Suggestion:
    lines: list[str]        # as in the first page that has them
    pages: int              # how many pages have them

    @property
    def kind(self) -> str:
        return "drop_line" if len(self.lines) == 1 else "drop_block"


def _runs(lines: list[str], recurring: set[str]) -> list[list[str]]:
    """Maximal runs of consecutive (blank lines aside) recurring lines."""
    runs, cur = [], []
    for ln in lines:
        if mask(ln) in recurring:
            cur.append(ln)
        elif cur:
            runs.append(cur)
            cur = []
    return runs + ([cur] if cur else [])


def suggest(pages: list[str]) -> list[Suggestion]:
    """The template of an outlet's pages: every line that recurs (masked) in two or more
    pages, grouped into blocks where the same run of lines recurs. A line found in one
    page only is never suggested. Raises ValueError for fewer than two pages."""
    distinct = list(dict.fromkeys(pages))    # a copy of a page would make its body recur
    if len(distinct) < 2:
        raise UsageError(f"need at least 2 different pages of the outlet to find what "
                         f"recurs across them, got {len(distinct)}")
    pages = distinct
    # split as Document does, so each suggested pattern sees the lines the engine sees
    per_page = [[ln.strip() for ln in p.split("\n") if ln.strip()] for p in pages]
    counts: dict[str, int] = {}
    for lines in per_page:
        for key in {mask(ln) for ln in lines}:
            counts[key] = counts.get(key, 0) + 1
    recurring = {k for k, n in counts.items() if n >= 2}
    runs: dict[tuple, tuple[list[str], set[int]]] = {}
    for n, lines in enumerate(per_page):
        for run in _runs(lines, recurring):
            key = tuple(mask(ln) for ln in run)
            runs.setdefault(key, (run, set()))[1].add(n)
    out, covered = [], set()
    for key, (run, where) in runs.items():
        if len(run) > 1 and len(where) >= 2:
            out.append(Suggestion(run, len(where)))
            covered.update(key)
    for key, (run, _) in runs.items():
        for ln in run:
            k = mask(ln)
            if k not in covered:
                covered.add(k)
                out.append(Suggestion([ln], counts[k]))
    # in page order: the first page that has the line, then its place there
    first = {mask(ln): (n, i) for n, lines in reversed(list(enumerate(per_page)))
             for i, ln in enumerate(lines)}
    return sorted(out, key=lambda s: first[mask(s.lines[0])])


def _slug(line: str) -> str:
    words = regex.findall(r"[a-z0-9]+", mask(line).lower())
    return "-".join(words[:4]) or "line"


def suggest_toml(pages: list[str], outlet_id: str) -> str:
    """A draft rule file for the suggestions, with page counts as comments."""
    found = suggest(pages)
    pages = list(dict.fromkeys(pages))
    total = len(pages)
    every = [s for s in found if s.pages == len(pages)]
    out = [f"# Draft rules suggested from {total} pages by `clean rules suggest`: each rule",
           "# is a line or block that recurs across pages (numbers and dates masked).",
           "# Review it: delete what is article text, rename ids, then `clean rules check`.",
           "[outlet]", f'id = "{outlet_id}"', f'name = "{outlet_id}"', "domains = []",
           "# lines found on every sample page tell this outlet's pages apart:",
           "signatures = [" + ", ".join(toml_str(line_pattern(s.lines[0])) for s in every[:2]) + "]",
           ""]
    ids: set[str] = set()
    for s in found:
        rid = base = f"{outlet_id}-{_slug(s.lines[0])}"
        n = 2
        while rid in ids:
            rid, n = f"{base}-{n}", n + 1
        ids.add(rid)
        out += [f"# in {s.pages} of {total} pages", "[[rule]]", f'id = "{rid}"',
                f'kind = "{s.kind}"']
        if s.kind == "drop_line":
            out += [f"pattern = {toml_str(line_pattern(s.lines[0]))}",
                    f"examples = [{toml_str(s.lines[0])}]"]
        else:
            out += [f"start = {toml_str(line_pattern(s.lines[0]))}",
                    f"end = {toml_str(line_pattern(s.lines[-1]))}",
                    f"max_lines = {len(s.lines)}",
                    f"examples = [{toml_str(chr(10).join(s.lines))}]"]
        out.append("")
    return "\n".join(out)


# ---- rules check --------------------------------------------------------------------

# Long lines a scraper really produces (a run of letters, words, digits, dashes, spaces,
# each with an odd last character): a pattern that backtracks catastrophically on any
# of them would stall a batch on such a page.
ADVERSARIAL = ["a" * 20000, "a" * 20000 + "!", "a " * 10000 + "!", "1" * 20000 + "!",
               "word, " * 4000 + "x", " " * 20000 + "x", "-" * 20000 + "x", "x" * 30000]
CHECK_TIMEOUT = 0.5   # seconds per line: a sound pattern needs microseconds


def check_text(text: str, path: Path | str, notes: list[RuleError] | None = None) -> list[RuleError]:
    """Every problem found in one rule file, in file order. `notes` gathers advice that
    is not a problem: patterns the literal prefilter cannot narrow, and slow constructs."""
    problems: list[RuleError] = []
    outlet = parse(text, path, problems)
    if outlet is not None:
        for p in outlet.signatures:
            if _check_pattern(p, problems) and notes is not None:
                _note_slow(p, notes)
                _note_letter_runs(p, notes)
        for rule in outlet.rules:
            pats = [p for p in (rule.pattern, rule.end, rule.hint) if p is not None]
            ok = True
            for p in pats:
                ok = _check_pattern(p, problems) and ok
            if ok and notes is not None:
                _note_slow(rule.finder, notes)
                for p in pats:
                    _note_letter_runs(p, notes)
            if ok:
                try:
                    found = check_examples(rule)
                except RuleTimeout:
                    found = ["an example ran out of time"]
                problems += [RuleError(path, msg, rule.id, rule.lineno) for msg in found]
    return sorted(problems, key=lambda e: e.line or 0)


def _check_pattern(p: Pat, problems: list[RuleError]) -> bool:
    try:
        compiled = p.compiled
    except RuleError as e:
        problems.append(e)
        return False
    if p.key != "end" and compiled.search("") is not None:
        problems.append(RuleError(p.path, f"'{p.key}' matches an empty line, so it matches "
                                  "every line", p.rule_id, p.line))
        return False
    for s in ADVERSARIAL:
        try:
            compiled.search(s, timeout=CHECK_TIMEOUT)
        except TimeoutError:
            problems.append(RuleError(p.path, f"'{p.key}' backtracks catastrophically: over "
                                      f"{CHECK_TIMEOUT}s on a {len(s) // 1000} KB line of "
                                      f"{s[:6]!r}...; make the repeats unambiguous",
                                      p.rule_id, p.line))
            return False
    return True


def _note_slow(p: Pat, notes: list[RuleError]) -> None:
    if atoms(p.source) in (None, EVERY_LINE):
        notes.append(RuleError(p.path, f"'{p.key}' has no literal text the prefilter can "
                               "look for, so the regex engine tries it on every line (slow "
                               "on big corpora): put a literal word in it, or add a `hint`",
                               p.rule_id, p.line))


def _note_letter_runs(p: Pat, notes: list[RuleError]) -> None:
    if slow_letter_runs(p.source):
        notes.append(RuleError(p.path, f"'{p.key}' repeats a set of letters and spaces "
                               "case-insensitively, which the regex module matches ~40x "
                               "slower: make the set case-sensitive, as in "
                               "(?-i:[\\p{L} ]+) (it matches the same text)",
                               p.rule_id, p.line))


def check_paths(paths: list, notes: list[RuleError] | None = None) -> tuple[int, list[RuleError]]:
    """(number of files checked, problems) for rule files and folders of them (Paths,
    or package folders of rule packs); `notes` as for check_text."""
    files = []
    for p in paths:
        if p.is_dir():
            files += toml_files(p)
        elif p.is_file():
            files.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    problems = []
    for f in files:
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            problems.append(RuleError(f, f"cannot read rule file: {e}"))
            continue
        problems += check_text(text, f, notes)
    return len(files), problems


# ---- rules test ---------------------------------------------------------------------

@dataclass
class Outcome:
    pair: Pair
    problems: list[str]     # a unified diff, a wrong outlet: empty when the pair passes

    @property
    def ok(self) -> bool:
        return not self.problems


def run_fixtures(cleaner, pairs: list[Pair]) -> list[Outcome]:
    """Clean each fixture page; it must give its expected text, and a page in an outlet's
    folder must be detected as that outlet ("generic" pages as none)."""
    out = []
    for pair in pairs:
        result, expected = clean_pair(cleaner, pair)
        problems = []
        want = None if pair.outlet in ("", "generic") else pair.outlet
        if pair.outlet and result.outlet != want:
            problems.append(f"detected outlet {result.outlet or 'none'}, "
                            f"expected {want or 'none'} (check the signatures)")
        if result.text != expected:
            problems.append(unified_diff(expected, result.text, pair.name))
        out.append(Outcome(pair, problems))
    return out
