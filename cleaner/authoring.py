"""Writing rules: a new rule file, rules suggested from sample pages, checks, fixture tests.

The `clean rules ...` commands are a thin layer over these functions.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from re import _constants as C

import regex

from .document import Document
from .engine import RuleTimeout, _context_lead, alone, check_examples
from .errors import UsageError
from .prefilter import EVERY_LINE, atoms, stdlib_tree
from .scan import doubled_shape, guarded_search
from .evaluate import Pair, clean_pair, unified_diff
from .ruleset import (FLAGS, OUTLET_ID, Pat, RuleError, parse, pattern_pieces, toml_files,
                      top_level_branches)

# ---- rules new ----------------------------------------------------------------------

TEMPLATE = '''\
# {name} ({domain}): rules that strip the outlet's template from its pages.
# Keys: docs/RULES-FORMAT.md in the cleaner project. Check with `clean rules check {file}`,
# then add page pairs to {fixtures}/ and run
# `clean rules test {id} --rules {dir} --fixtures {fixtures_dir}`.
[outlet]
id = "{id}"
name = "{name}"
domains = ["{domain}"]
# A line matching one of these tells a page of this outlet from any other outlet's:
signatures = []
# Weaker cues, each [[evidence]] below adding its weight; a page with this much is the outlet's:
threshold = 2
fallback = false            # true: the generic fallback also runs after these rules
disable = []                # rule ids to switch off, e.g. built-in ones you override

# One [[evidence]] per cue (its name in a byline, its timestamp style):
# [[evidence]]
# id = "{id}-time"
# pattern = '^Updated: \\d{{1,2}}:\\d{{2}} (?:AM|PM) GMT$'
# weight = 1

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
                           file=path, fixtures=fixtures, dir=path.parent,
                           fixtures_dir=fixtures.parent)
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
_MERIDIEM = r"(?:[AaPp]\.?[Mm]\.?)"
# what varies from page to page in a template line: numbers, AM/PM after a time, month
# and day names (AM/PM first: "10:10 PM" and "2:55 AM" are one line of the template)
_VARYING = regex.compile(rf"(?<=\d ?)(?P<ampm>[AaPp]\.?[Mm]\b\.?)|(?P<num>\d+)|"
                         rf"\b(?P<month>{_MONTHS})\b\.?|\b(?P<day>{_DAYS})\b")
_SUBST = {"num": (r"\d+", "0"), "month": (_MONTHS + r"\.?", "<month>"),
          "day": (_DAYS, "<day>"), "ampm": (_MERIDIEM, "<ampm>")}


def mask(line: str) -> str:
    """The line with numbers, times' AM/PM and date words masked: the key lines recur under."""
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


# A sentence this long found on some pages only is more likely a story that a ticker or
# a related-links box showed on pages scraped the same day than a piece of template.
PROSE_WORDS = 12


@dataclass
class Suggestion:
    line: str               # as in the first page that has it
    pages: int              # how many pages have it (masked)
    total: int              # how many pages there were
    doubt: str = ""         # why it is left commented out; "" when proposed as a rule
    id: str = ""            # its rule id in a draft


def suggest(pages: list[str]) -> list[Suggestion]:
    """Every line that recurs (masked) in two or more pages, as a whole-line rule, in page
    order. A line found in one page only is never suggested. A line is in doubt (left for
    the author to decide) when it is on half of the pages or fewer, or is a long sentence
    missing from some page: other stories of a live ticker recur like that on pages
    scraped the same day. Raises ValueError for fewer than two pages."""
    distinct = list(dict.fromkeys(pages))    # a copy of a page would make its body recur
    if len(distinct) < 2:
        raise UsageError(f"need at least 2 different pages of the outlet to find what "
                         f"recurs across them, got {len(distinct)}")
    # split as Document does, so each suggested pattern sees the lines the engine sees
    per_page = [[ln.strip() for ln in p.split("\n") if ln.strip()] for p in distinct]
    total = len(per_page)
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for lines in per_page:
        for ln in lines:
            first.setdefault(mask(ln), ln)
        for key in {mask(ln) for ln in lines}:
            counts[key] = counts.get(key, 0) + 1
    out = []
    for key, line in first.items():     # dicts keep insertion order: page order
        n = counts[key]
        if n < 2:
            continue
        doubt = ""
        if 2 * n <= total:
            doubt = ("on half of the pages or fewer: a story of a ticker or a related "
                     "headline on pages scraped the same day?")
        elif n < total and len(regex.findall(r"\w+", line)) >= PROSE_WORDS:
            doubt = ("a long sentence missing from some pages: a story of a ticker on "
                     "pages scraped the same day?")
        out.append(Suggestion(line, n, total, doubt))
    return out


def _slug(line: str) -> str:
    words = regex.findall(r"[a-z0-9]+", mask(line).lower())
    return "-".join(words[:4]) or "line"


def _names(line: str, outlet_id: str) -> bool:
    """Whether the line names the outlet: its id's letters run together in it."""
    letters = regex.sub(r"[^a-z0-9]+", "", outlet_id.lower())
    return len(letters) >= 3 and letters in regex.sub(r"[\W_]+", "", line.lower())


MAX_CUES = 6    # evidence cues a draft proposes: the lines found on most pages


def suggest_toml(pages: list[str], outlet_id: str) -> str:
    """A draft rule file: a whole-line rule per recurring line, with its page count; lines
    found on most pages as evidence, lines naming the outlet as signatures; doubtful
    lines commented out. The draft asks for the generic fallback, and a rule that makes
    the fallback keep a line of a sample page that it removes without rules is left
    commented out: the unedited draft does no worse than no rules on those pages."""
    found = suggest(pages)
    pages = list(dict.fromkeys(pages))
    taken: set[str] = set()
    for s in found:
        s.id = base = f"{outlet_id}-{_slug(s.line)}"
        n = 2
        while s.id in taken:
            s.id, n = f"{base}-{n}", n + 1
        taken.add(s.id)
    sure = [s for s in found if not s.doubt]
    cues = sorted(sure, key=lambda s: -s.pages)[:MAX_CUES]
    sigs = [s for s in sure if s.pages == len(pages) and _names(s.line, outlet_id)]
    per_page = [{mask(ln) for ln in p.split("\n") if ln.strip()} for p in pages]
    # every sample page must pass: the fewest cues any page has, at most 3
    seen = min(sum(mask(c.line) in lines for c in cues) for lines in per_page)
    head = _head(outlet_id, len(pages), sigs, max(1, min(3, seen)), cues)
    for s in _widens_fallback(head, found, pages, outlet_id):
        s.doubt = ("with it, the fallback keeps lines of a sample page that it removes "
                   "without rules: it sees the article begin or end at this line")
    return _render(head, found)


def _head(outlet_id: str, total: int, sigs: list[Suggestion], threshold: int,
          cues: list[Suggestion]) -> list[str]:
    out = [f"# Draft rules suggested from {total} pages by `clean rules suggest`: a rule per",
           "# line that recurs across pages (numbers, times and dates masked), with the number",
           "# of pages it is on. Review it: delete what is article text, rename ids, fill in",
           "# name and domains, then `clean rules check`. Lines in doubt are commented out.",
           "[outlet]", f'id = "{outlet_id}"', f'name = "{outlet_id}"', "domains = []",
           "# lines found on every sample page that name the outlet: each decides alone",
           "signatures = [" + ", ".join(toml_str(line_pattern(s.line)) for s in sigs) + "]",
           "# evidence weight a page needs: every sample page has at least this much",
           f"threshold = {threshold}",
           "# the generic fallback still runs after these rules; set it to false once the",
           "# rules remove the whole template",
           "fallback = true", ""]
    for s in cues:
        out += [f"# on {s.pages} of {total} pages", "[[evidence]]",
                f'id = "{s.id}-cue"',
                f"pattern = {toml_str(line_pattern(s.line))}", ""]
    return out


def _render(head: list[str], found: list[Suggestion]) -> str:
    out = list(head)
    for s in found:
        rule = ["[[rule]]", f'id = "{s.id}"', f'kind = "drop_line"',
                f"pattern = {toml_str(line_pattern(s.line))}",
                f"examples = [{toml_str(s.line)}]"]
        out.append(f"# on {s.pages} of {s.total} pages")
        if s.doubt:
            out += [f"# in doubt, {s.doubt}", "# Uncomment it if it is template:"]
            rule = ["# " + r for r in rule]
        out += rule + [""]
    return "\n".join(out)


def _widens_fallback(head: list[str], found: list[Suggestion], pages: list[str],
                     outlet_id: str) -> list[Suggestion]:
    """The draft rules to leave out because, with them, the fallback keeps lines of the
    sample pages that it removes without any rules for the outlet: a removed line can be
    the border where the fallback sees the article end (an "Avatar" line before an
    author's biography). Rules are taken one by one, those on most pages first, each
    kept only if the pages do not keep more such lines with it than without it."""
    from .pipeline import Cleaner      # the authoring module is loaded by `rules` commands only
    base = Cleaner()
    # what each page keeps without the draft: the baseline the draft must match
    kept_base = [_kept(base.clean(p)) for p in pages]
    draft = parse(_render(head, found), "<draft>")
    candidates = sorted((s for s in found if not s.doubt), key=lambda s: -s.pages)

    def extra(taken: list[Suggestion]) -> int:
        draft.disable = [c.id for c in candidates if c not in taken]
        cleaner = Cleaner(outlets=[*base.outlets, draft])
        return sum(len(_kept(cleaner.clean(p, outlet=outlet_id)) - k)
                   for p, k in zip(pages, kept_base))

    taken: list[Suggestion] = []
    left_out = []
    now = extra(taken)
    for s in candidates:
        more = extra([*taken, s])
        if more > now:
            left_out.append(s)
        else:
            taken.append(s)
            now = more
    return left_out


def _kept(result) -> set[str]:
    """The kept lines of a cleaned page, by text."""
    return {ln.text.strip() for ln in result.document.lines
            if ln.removed_by is None and not ln.blank}


# ---- rules check --------------------------------------------------------------------

# Long lines a scraper really produces (a run of letters, words, digits, dashes, spaces,
# each with an odd last character): a pattern that backtracks catastrophically on any
# of them would stall a batch on such a page.
ADVERSARIAL = ["a" * 20000, "a" * 20000 + "!", "a " * 10000 + "!", "1" * 20000 + "!",
               "word, " * 4000 + "x", " " * 20000 + "x", "-" * 20000 + "x", "x" * 30000]
CHECK_TIMEOUT = 0.5   # seconds per line: a sound pattern needs microseconds


def check_text(text: str, path: Path | str, notes: list[RuleError] | None = None) -> list[RuleError]:
    """Every problem found in one rule file, in file order. `notes` gathers advice that
    is not a problem: patterns the literal prefilter cannot narrow, slow constructs, and
    rules that an earlier rule keeps from firing on their own examples."""
    problems: list[RuleError] = []
    outlet = parse(text, path, problems)
    if outlet is not None:
        for p in outlet.signatures:
            if _check_pattern(p, problems) and notes is not None:
                _note_slow(p, notes)
                _note_letter_runs(p, notes)
        for cue in outlet.evidence:
            if _check_pattern(cue.pattern, problems):
                if notes is not None:
                    _note_slow(cue.pattern, notes)
                    _note_letter_runs(cue.pattern, notes)
                problems += [RuleError(path, msg, cue.id, cue.pattern.line)
                             for msg in _cue_examples(cue)]
        for rule in outlet.rules:
            pats = [p for p in (rule.pattern, rule.end, rule.hint, rule.caption, *rule.above,
                                *rule.below) if p is not None]
            ok = True
            for p in pats:
                ok = _check_pattern(p, problems) and ok
            if ok and notes is not None:
                # a caption rule the engine finds by a line its `above` reads is not slow
                if _context_lead(rule) is None:
                    _note_slow(rule.finder, notes)
                for p in pats:
                    _note_letter_runs(p, notes)
            if ok:
                try:
                    found = check_examples(rule)
                except RuleTimeout:
                    found = ["an example ran out of time"]
                problems += [RuleError(path, msg, rule.id, rule.lineno) for msg in found]
        if notes is not None:
            notes += _shadowed(outlet, {e.rule_id for e in problems})
    return sorted(problems, key=lambda e: e.line or 0)


def _cue_examples(cue) -> list[str]:
    """Problems with a cue's own examples: some line of each `examples` text must match
    it, as detection reads a line (stripped, alone); no line of a `keep` text may."""
    def found(text: str) -> bool:
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        return any(guarded_search(cue.pattern.compiled, ln) for ln in lines)
    problems = []
    try:
        problems += [f"example not matched: {t.strip()!r}" for t in cue.examples if not found(t)]
        problems += [f"keep line matched: {t.strip()!r}" for t in cue.keep if found(t)]
    except TimeoutError:
        problems.append("an example ran out of time")
    return problems


def _shadowed(outlet, broken: set) -> list[RuleError]:
    """Rules that never fire on a line of their own examples because an earlier rule of
    the file takes it, where that changes the result: the engine gives a line to the
    first rule in file order that matches it (a meta rule and a block cannot both start
    on a byline; a meta rule that takes a promo line stores it as a byline's fields)."""
    rules = [r for r in outlet.rules if r.kind != "cut" and r.enabled and r.id not in broken]
    out = []
    for n, rule in enumerate(rules):
        for text in rule.examples:
            lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
            if rule.kind in ("drop_block", "drop_caption"):
                # the line it starts on: a caption rule's example may open with the
                # lines its `above` reads, which it does not take
                lines = _first_taken(rule, text) if rule.above else lines[:1]
            for line in lines:
                if not _matches(rule, line):
                    continue
                first = next((r for r in rules[:n] if _matches(r, line)
                              and _takes_in(r, text, line)), None)
                # harmless: a drop_line whose line an earlier non-meta rule removes anyway
                if first is not None and (rule.kind != "drop_line" or first.kind == "meta"):
                    fix = ("start the block on the line after the meta rule's line, to keep "
                           "its fields" if first.kind == "meta" and rule.kind == "drop_block"
                           else "reorder the rules or narrow the earlier pattern")
                    out.append(RuleError(
                        rule.pattern.path, f"never fires on its example {line!r}: rule "
                        f"{first.id} ({first.kind}, line {first.lineno}) comes first in the "
                        f"file and takes that line (a line goes to the first rule that "
                        f"matches it); {fix}", rule.id, rule.lineno))
                    break
    return out


def _first_taken(rule, text: str) -> list[str]:
    """The first line of an example that the rule alone removes (none if it removes none)."""
    doc = Document(text)
    alone(rule).apply(doc)
    return [ln.text.strip() for ln in doc.lines if ln.removed_by is not None][:1]


def _takes_in(rule, text: str, line: str) -> bool:
    """Whether a rule that may decline (a `caption` that must match or be `adjacent`, a
    block that `needs_end`) takes `line` when run alone on the example text around it."""
    if (rule.caption is None and not rule.needs_end and not rule.adjacent
            and not rule.above and not rule.below):
        return True
    doc = Document(text)
    try:
        alone(rule).apply(doc)
    except RuleTimeout:
        return True
    return any(ln.removed_by and ln.text.strip() == line for ln in doc.lines)


def _matches(rule, line: str) -> bool:
    try:
        return rule.pattern.compiled.search(line, timeout=CHECK_TIMEOUT) is not None
    except TimeoutError:
        return False


def _check_pattern(p: Pat, problems: list[RuleError]) -> bool:
    try:
        compiled = p.compiled
    except RuleError as e:
        problems.append(e)
        return False
    # an end, and a caption's neighbouring lines (a blank line among them), may be empty
    if p.key not in ("end", "above", "below") and compiled.search("") is not None:
        problems.append(RuleError(p.path, f"'{p.key}' matches an empty line, so it matches "
                                  "every line", p.rule_id, p.line))
        return False
    for group in ambiguous_repeats(p.source):
        problems.append(RuleError(p.path, f"'{p.key}' repeats {group!r}, whose text can be "
                                  "split in more than one way: on a long line that does not "
                                  "match, every split is tried (exponential time); make the "
                                  "alternatives exclusive, or the repeat possessive (++, *+) "
                                  "or atomic ((?>...))", p.rule_id, p.line))
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


# Short texts to try a repeated group on: every character class a pattern is likely to
# name, alone, repeated, and in pairs and triples of a few.
_SAMPLES = sorted({c * k for c in "aAz1 \t.,-_'/:é\u0416\u00a0\u2019" for k in (1, 2, 3)}
                  | {x + y for x in "a1 .-" for y in "a1 .-"}
                  | {x + y + z for x in "a1 .-" for y in "a1 .-" for z in "a1 .-"})
_GROUP_PREFIX = regex.compile(r"(?:\?(?:P?<[A-Za-z_]\w*>|[a-zA-Z-]*:|\|))?")
_LEADING_FLAGS = regex.compile(r"(?:\(\?[a-zA-Z]+\))*")


def ambiguous_repeats(source: str) -> list[str]:
    """Groups repeated without bound (+, *, {n,}) whose text can be split in more than one
    way: two alternatives match the same text ((x|x)+), the group matches what two of its
    repeats match ((a|aa)+, (a+)+, (\\w+\\s?)+), or it matches nothing ((a?)*). Each is
    exponential on a line that fails to match after a long run: `xyz(a|aa)+$` passes any
    timing test on lines without "xyz". Found on the pattern's groups, tried on short
    sample texts; possessive repeats and atomic groups are sound."""
    flags = _LEADING_FLAGS.match(source).group()
    found, stack = [], []
    for i, c, kind in pattern_pieces(source):
        if kind != "syntax":
            continue
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            start = stack.pop()
            q = regex.match(r"(?:[+*]|\{\d*,\})(?![+])", source[i + 1:])
            body = source[start + 1:i]
            prefix = _GROUP_PREFIX.match(body)
            if q and not body.startswith(("?=", "?!", "?<=", "?<!", "?>", "?#")):
                if _ambiguous(flags, body[prefix.end():]):
                    found.append(source[start:i + 1] + q.group())
    return found


def _ambiguous(flags: str, body: str) -> bool:
    try:
        one = regex.compile(f"{flags}(?:{body})", FLAGS)
        two = regex.compile(f"{flags}(?:{body}){{2}}", FLAGS)
        branches = [regex.compile(f"{flags}(?:{b})", FLAGS) for b in top_level_branches(body)]
    except regex.error:
        return False        # a back reference or the like: not judged alone
    try:
        if one.fullmatch("", timeout=CHECK_TIMEOUT):
            return True
        for s in _SAMPLES:
            if not one.fullmatch(s, timeout=CHECK_TIMEOUT):
                continue
            if two.fullmatch(s, timeout=CHECK_TIMEOUT) or sum(
                    b.fullmatch(s, timeout=CHECK_TIMEOUT) is not None for b in branches) > 1:
                return True
    except TimeoutError:
        return True
    return False


def slow_letter_runs(source: str) -> bool:
    """Whether `source` repeats, case-insensitively, a set of letters (\\p{..} or \\w)
    that also holds a space, as `(?i)skip [\\p{L} ]+ and`: the regex module matches it
    tens of times slower than the set made case-sensitive (`(?-i:[\\p{L} ]+)`), which
    matches the same text, as letters' case forms are letters."""
    read = stdlib_tree(source)
    return read is not None and _slow_runs(*read)


def _slow_runs(tree, ignore_case: bool) -> bool:
    for op, av in tree:
        if op is C.SUBPATTERN:
            _, on, off, sub = av
            if _slow_runs(sub, (ignore_case or bool(on & C.SRE_FLAG_IGNORECASE))
                          and not off & C.SRE_FLAG_IGNORECASE):
                return True
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            # (a short bounded repeat backtracks little)
            if ignore_case and av[1] > 8 and any(o is C.IN and _letters_and_space(a)
                                                 for o, a in av[2]):
                return True
            if _slow_runs(av[2], ignore_case):
                return True
        elif op is C.BRANCH:
            if any(_slow_runs(b, ignore_case) for b in av[1]):
                return True
        elif op in (C.ASSERT, C.ASSERT_NOT):
            if _slow_runs(av[1], ignore_case):
                return True
        elif op is C.ATOMIC_GROUP and _slow_runs(av, ignore_case):
            return True
    return False


def _letters_and_space(items) -> bool:
    if items and items[0][0] is C.NEGATE:
        return False
    cats = {av for op, av in items if op is C.CATEGORY}
    return C.CATEGORY_WORD in cats and (C.CATEGORY_SPACE in cats or any(
        op is C.LITERAL and chr(av).isspace() for op, av in items))


def _note_slow(p: Pat, notes: list[RuleError]) -> None:
    # a line written twice (scan.doubled_shape) is tested by its length and halves
    if atoms(p.source) in (None, EVERY_LINE) and doubled_shape(p.source) is None:
        fix = ("put a literal word in it" if p.key == "hint" else
               "put a literal word in it, or add a `hint`")
        notes.append(RuleError(p.path, f"'{p.key}' has no literal text the prefilter can "
                               "look for, so the regex engine tries it on every line (slow "
                               f"on big corpora): {fix}", p.rule_id, p.line))


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
    loaded = {o.id for o in cleaner.outlets}
    for pair in pairs:
        result, expected = clean_pair(cleaner, pair)
        problems = []
        want = None if pair.outlet in ("", "generic") else pair.outlet
        if want and want not in loaded:
            problems.append(f"outlet {want} is not loaded: no rule file in use has "
                            f'id = "{want}"; name its folder with --rules DIR')
        elif pair.outlet and result.outlet != want:
            problems.append(f"detected outlet {result.outlet or 'none'}, "
                            f"expected {want or 'none'} (check the signatures)")
        if result.text != expected:
            problems.append(unified_diff(expected, result.text, pair.name))
        out.append(Outcome(pair, problems))
    return out
