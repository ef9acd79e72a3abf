"""Find, read, validate and compile rule files (TOML -> Outlet).

Loading runs no rule: it only checks keys and compiles patterns, so a broken
file fails fast with one line naming the file, the line, the rule and the problem.
"""
from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex

from .document import META_KEYS
from .errors import CleanerError

# VERSION1 scopes inline flags such as (?i) to their group, which lets every rule
# of an outlet be joined into one alternation without one rule's flags leaking.
FLAGS = regex.VERSION1
KINDS = ("drop_line", "drop_block", "drop_caption", "cut", "meta")
META_GROUPS = META_KEYS        # the named groups a meta rule may capture
OUTLET_KEYS = {"id", "name", "domains", "signatures", "disable", "description", "lang",
               "threshold", "fallback", "drop_repeats", "drop_doubled"}
EVIDENCE_KEYS = {"id", "pattern", "weight", "description", "examples", "keep"}
TABLES = {"outlet", "rule", "evidence", "define"}
THRESHOLD = 2      # evidence weight a page needs when its outlet's file names none
RULE_KEYS = {"id", "kind", "pattern", "start", "end", "hint", "description", "examples", "keep",
             "enabled", "max_lines", "lines", "before", "capture", "caption", "needs_end",
             "adjacent", "above", "below"}
PATTERN_KEYS = {"drop_line": ("pattern",), "drop_caption": ("pattern",), "cut": ("pattern",),
                "meta": ("pattern",), "drop_block": ("start",)}
GENERIC_ID = "generic"
OUTLET_ID = regex.compile(r"[a-z0-9][a-z0-9_.-]*")   # also the rule file's name
PACK_GROUP = "cleaner.rules"     # entry points naming a package folder of rule files


class RuleError(CleanerError):
    """A problem in a rule file, printed as `file:line: rule-id: message`."""

    def __init__(self, path, message, rule_id=None, line=None):
        self.path, self.rule_id, self.line, self.message = str(path), rule_id, line, message
        where = self.path + (f":{line}" if line else "")
        super().__init__(f"{where}: {rule_id + ': ' if rule_id else ''}{message}")


class Pat:
    """A checked pattern source, compiled on first use: a run pays only for the
    outlets it meets, and `validate` compiles everything when asked (rules check,
    batch start-up). A compile error still names file, line and rule."""
    __slots__ = ("source", "path", "rule_id", "line", "key", "_compiled")

    def __init__(self, source, path, rule_id, line, key):
        self.source, self.path, self.rule_id, self.line, self.key = source, str(path), rule_id, line, key
        self._compiled = None

    @property
    def compiled(self) -> regex.Pattern:
        if self._compiled is None:
            try:
                self._compiled = regex.compile(self.source, FLAGS)
            except regex.error as e:
                raise RuleError(self.path, f"bad pattern in '{self.key}': {e.msg} at position "
                                f"{e.pos}", self.rule_id, self.line) from None
        return self._compiled

    @property
    def anchored(self) -> bool:
        """Every top-level branch starts with ^ (after inline flags): the pattern can
        only match at the start of a line, which lets the engine try it only there. A
        verbose pattern is read as written plainly: its layout and comments come first."""
        return all(_FLAGS_THEN_CARET.match(b) for b in top_level_branches(plain(self.source)))


_FLAGS_THEN_CARET = regex.compile(r"(?:\(\?[a-zA-Z-]+\))*\^")


def pattern_pieces(source: str, verbose: bool = False):
    """A pattern's characters as (start, piece, kind): kind "syntax" outside character
    classes, "literal" for an escape ("\\x", one piece), a class and its contents (a
    leading "]" is a literal; "[" inside a class opens a nested set, as VERSION1 reads
    it), "comment" for a verbose pattern's `#` comment through its newline (one piece)."""
    i, depth = 0, 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            yield i, source[i:i + 2], "literal"
            i += 2
            continue
        if c == "[":
            depth += 1
            step = 2 if source[i + 1:i + 2] == "]" else 3 if source[i + 1:i + 3] == "^]" else 1
            yield i, source[i:i + step], "literal"
            i += step
            continue
        if depth:
            depth -= c == "]"
            yield i, c, "literal"
        elif c == "#" and verbose:
            end = source.find("\n", i)
            end = len(source) if end < 0 else end + 1
            yield i, source[i:end], "comment"
            i = end
            continue
        else:
            yield i, c, "syntax"
        i += 1


def plain(source: str) -> str:
    """A pattern verbose from its start ((?x) leading it) as the same pattern written
    plainly: spaces and newlines outside character classes dropped, `#` comments
    dropped, escapes kept (an escaped space is a space). Any other pattern as it is."""
    if not _VERBOSE.match(source):
        return source
    return "".join(piece for _, piece, kind in pattern_pieces(source, verbose=True)
                   if kind == "literal" or kind == "syntax" and not piece.isspace())


def top_level_branches(source: str) -> list[str]:
    """Split a pattern on the | that are outside groups and character classes."""
    branches, depth, start = [], 0, 0
    for i, c, kind in pattern_pieces(source):
        if kind != "syntax":
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            branches.append(source[start:i])
            start = i + 1
    branches.append(source[start:])
    return branches


def compile_union(pats: list[Pat], flags: int = 0, lead: str = "") -> regex.Pattern:
    """One alternation of many patterns, after `lead`; a bad member is reported by name.
    A verbose member's last line may be a comment: a newline ends it before the group
    closes."""
    members = (f"(?:{p.source}\n)" if _VERBOSE.match(p.source) else f"(?:{p.source})"
               for p in pats)
    try:
        return regex.compile(f"{lead}(?:{'|'.join(members)})", FLAGS | flags)
    except regex.error:
        for p in pats:
            p.compiled     # raises RuleError naming the culprit
        raise


@dataclass
class Rule:
    id: str
    kind: str
    pattern: Pat | None = None      # trigger: pattern, or start for blocks
    end: Pat | None = None
    hint: Pat | None = None         # cheaper pattern true wherever `pattern` is: finds candidates
    max_lines: int = 80                         # a block never runs past this many lines
    lines: int = 1                              # caption lines after the marker
    before: int = 0                             # caption lines before the marker
    capture: str | None = None                  # drop_caption: keep caption as this metadata
    caption: Pat | None = None                  # drop_caption: each caption line must match
    needs_end: bool = False                     # drop_block: no end found, nothing goes
    adjacent: bool = False                      # drop_caption: no blank line below the marker
    above: list[Pat] = field(default_factory=list)  # drop_caption: the lines above, as printed
    below: list[Pat] = field(default_factory=list)  # drop_caption: the lines below, as printed
    description: str = ""
    examples: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    enabled: bool = True
    source: str = ""
    lineno: int | None = None
    replaces: str = ""              # `file:line` of the rule this one overrode, if any

    @property
    def finder(self) -> Pat:
        """The pattern the engine looks for candidate lines with: the hint, if any."""
        return self.hint or self.pattern

    @property
    def where(self) -> str:
        return f"{self.source}:{self.lineno}" if self.lineno else self.source


@dataclass
class Cue:
    """Evidence that a page is an outlet's: a line matching `pattern` adds `weight` (each
    cue counts once per page). A signature is a cue that decides alone."""
    id: str
    pattern: Pat
    weight: int = 1
    description: str = ""
    examples: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)


@dataclass
class Outlet:
    id: str
    name: str
    domains: list[str]
    signatures: list[Pat]
    rules: list[Rule]
    source: str = ""
    lang: str | None = None
    disable: list[str] = field(default_factory=list)
    extended_by: list[str] = field(default_factory=list)   # later files with this id
    evidence: list[Cue] = field(default_factory=list)
    threshold: int | None = None    # None: THRESHOLD
    fallback: bool | None = None    # run the generic fallback after the rules (None: no)
    drop_repeats: bool | None = None   # drop a line that repeats an earlier kept one
    drop_doubled: bool | None = None   # drop both copies of a line printed twice in a row

    @property
    def needed(self) -> int:
        """The evidence weight that makes a page this outlet's."""
        return self.threshold if self.threshold is not None else THRESHOLD

    @property
    def cues(self) -> list[Cue]:
        """Signatures (each decides alone) and the weighted evidence."""
        return [Cue("signature", p, self.needed) for p in self.signatures] + self.evidence

    @property
    def active_rules(self) -> list[Rule]:
        off = set(self.disable)
        return [r for r in self.rules if r.enabled and r.id not in off]

    def validate(self) -> None:
        """Compile every pattern now, raising RuleError for the first bad one."""
        for p in self.signatures:
            p.compiled
        for c in self.evidence:
            c.pattern.compiled
        for r in self.rules:
            for p in (r.pattern, r.end, r.hint, r.caption, *r.above, *r.below):
                if p is not None:
                    p.compiled


def builtin_rules_dir() -> Path:
    """Rules ship inside the wheel as cleaner/rules; an editable install reads the
    top-level rules/ folder of the checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "rules"
    return packaged if packaged.is_dir() else here.parent / "rules"


def rule_dirs(extra: list[str | Path] | None = None, env: bool = True) -> list[Path]:
    """Built-in rules, then $CLEANER_RULES (unless `env` is off), then each --rules
    folder: a later folder extends or overrides an earlier one, so what the command
    line names wins."""
    env = os.environ.get("CLEANER_RULES", "") if env else ""
    return [builtin_rules_dir(), *(Path(p) for p in env.split(os.pathsep) if p),
            *(Path(d) for d in extra or [])]


def rule_packs(warnings: list[str]) -> list[tuple[str, object]]:
    """(name, folder) of each rule pack other packages register under the entry-point
    group `cleaner.rules`; the value names a package whose folder holds *.toml files.
    A pack that cannot be found is reported in `warnings` and skipped."""
    # imported here: importlib.metadata costs ~40 ms to import, paid only by a Cleaner
    import importlib.metadata
    import importlib.resources
    packs = []
    for ep in sorted(importlib.metadata.entry_points(group=PACK_GROUP), key=lambda e: e.name):
        try:
            folder = importlib.resources.files(ep.value)
            if not folder.is_dir():
                raise NotADirectoryError(f"{ep.value} is not a folder")
        except Exception as e:    # any failure of a third-party package is its own
            warnings.append(f"rule pack {ep.name!r} ({ep.value}) skipped: "
                            f"{type(e).__name__}: {e}")
            continue
        packs.append((ep.name, folder))
    return packs


def load_rules(extra: list[str | Path] | None = None,
               env: bool = True) -> tuple[list[Outlet], list[str]]:
    """Every rule the cleaner uses: built-in rules, installed rule packs, then
    $CLEANER_RULES and `extra` folders (later extends or overrides earlier). A broken
    pack is skipped with a warning (returned); a broken folder of the user's is an error."""
    warnings: list[str] = []
    outlets: dict[str, Outlet] = {}
    dirs = rule_dirs(extra, env)
    for d in dirs[:1]:
        _merge_all(outlets, _load_dir(d))
    for name, folder in rule_packs(warnings):
        try:
            loaded = _load_dir(folder)
            for o in loaded:
                o.validate()
        except RuleError as e:
            warnings.append(f"rule pack {name!r} skipped: {e}")
            continue
        _merge_all(outlets, loaded)
    for d in dirs[1:]:
        _merge_all(outlets, _load_dir(d))
    return list(outlets.values()), warnings


def load_dirs(dirs: list[Path]) -> list[Outlet]:
    """Every *.toml in the folders, in order; a later file with an outlet id already
    seen adds its rules to that outlet (same rule id replaces) and its `disable`."""
    outlets: dict[str, Outlet] = {}
    for d in dirs:
        _merge_all(outlets, _load_dir(d))
    return list(outlets.values())


def _load_dir(d) -> list[Outlet]:
    """The outlets of one folder (a Path, or a package folder from importlib.resources)."""
    if not d.is_dir():
        raise RuleError(d, "rules folder not found")
    return [load_file(f) for f in toml_files(d)]


def toml_files(d) -> list:
    """The *.toml files of a folder (a Path or an importlib.resources Traversable)."""
    return sorted((f for f in d.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


def _merge_all(outlets: dict[str, Outlet], new: list[Outlet]) -> None:
    for o in new:
        merge(outlets, o)


def merge(outlets: dict[str, Outlet], new: Outlet) -> None:
    old = outlets.get(new.id)
    if old is None:
        outlets[new.id] = new
        return
    replaced = {r.id: r for r in new.rules}
    for r in old.rules:
        if r.id in replaced:
            replaced[r.id].replaces = r.where
    old.rules = [replaced.pop(r.id, r) for r in old.rules] + list(replaced.values())
    old.disable += new.disable
    old.extended_by.append(new.source)
    old.domains += [d for d in new.domains if d not in old.domains]
    old.signatures += [s for s in new.signatures
                       if s.source not in {o.source for o in old.signatures}]
    cues = {c.id: c for c in new.evidence}
    old.evidence = [cues.pop(c.id, c) for c in old.evidence] + list(cues.values())
    for key in ("threshold", "fallback", "drop_repeats", "drop_doubled", "lang"):
        if getattr(new, key) is not None:
            setattr(old, key, getattr(new, key))


def load_file(path) -> Outlet:
    path = Path(path) if isinstance(path, str) else path
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RuleError(path, f"cannot read rule file: {e}") from None
    return parse(text, path)


def parse(text: str, path: Path | str = "<rules>",
          problems: list[RuleError] | None = None) -> Outlet | None:
    """The outlet of one rule file. Raises RuleError at the first problem, or, given a
    `problems` list, records every problem it can find (a broken rule is left out) and
    returns what could be read (None if the file is not TOML or has no [outlet])."""
    def report(err: RuleError) -> None:
        if problems is None:
            raise err
        problems.append(err)

    def guarded(fn, *args, default=None):
        try:
            return fn(*args)
        except RuleError as e:
            report(e)
            return default

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = _toml_error_line(str(e))
        report(RuleError(path, f"invalid TOML: {e}", line=line))
        return None
    for key in sorted(set(data) - TABLES):
        header = regex.search(r"^\s*\[\[?\s*" + regex.escape(key) + r"\s*\]", text, regex.M)
        line = text.count("\n", 0, header.start()) + 1 if header else _find_key(text, 0, key)
        report(RuleError(path, _unknown(key, TABLES, "top-level table"), line=line))
    defines = guarded(_defines, data.get("define", {}), path, text, default={})
    head = data.get("outlet")
    if not isinstance(head, dict):
        report(RuleError(path, "missing [outlet] table"))
        return None
    for key in head:
        if key not in OUTLET_KEYS:
            report(RuleError(path, _unknown(key, OUTLET_KEYS, "outlet key"),
                             line=_find_key(text, 0, key)))
    oid = head.get("id")
    if not isinstance(oid, str) or not OUTLET_ID.fullmatch(oid):
        report(RuleError(path, "outlet id must be lowercase letters, digits, '-', '_' or '.'",
                         line=_find_key(text, 0, "id")))
    sigs = [guarded(_pat, s, path, text, None, "signatures", 0, defines) for s in
            guarded(_str_list, head, "signatures", path, text, None, default=[])]
    threshold = head.get("threshold")
    if threshold is not None and (not isinstance(threshold, int) or isinstance(threshold, bool)
                                  or threshold < 1):
        report(RuleError(path, "'threshold' must be a positive integer",
                         line=_find_key(text, 0, "threshold")))
        threshold = None
    switches = {}
    for key in ("fallback", "drop_repeats", "drop_doubled"):
        switches[key] = head.get(key)
        if switches[key] is not None and not isinstance(switches[key], bool):
            report(RuleError(path, f"'{key}' must be true or false",
                             line=_find_key(text, 0, key)))
            switches[key] = None
    evidence = []
    for item in _tables(data, "evidence", path, report):
        cue = guarded(_cue, item, path, text, report, defines)
        if cue is not None:
            if any(c.id == cue.id for c in evidence):
                report(RuleError(path, "duplicate evidence id", cue.id,
                                 _rule_line(text, cue.id, 2)))
                continue
            evidence.append(cue)
    rules_data = _tables(data, "rule", path, report)
    rules, seen = [], set()
    for item in rules_data:
        rule = guarded(_rule, item, path, text, report, defines)
        if rule is None:
            continue
        if rule.id in seen:
            report(RuleError(path, "duplicate rule id", rule.id, _rule_line(text, rule.id, 2)))
            continue
        seen.add(rule.id)
        rules.append(rule)
    return Outlet(id=str(oid), name=str(head.get("name", oid)),
                  domains=[d.lower().lstrip(".") for d in
                           guarded(_str_list, head, "domains", path, text, None, default=[])],
                  signatures=[p for p in sigs if p], rules=rules, source=str(path), lang=head.get("lang"),
                  disable=guarded(_str_list, head, "disable", path, text, None, default=[]),
                  evidence=evidence, threshold=threshold, **switches)


def _tables(data: dict, key: str, path, report) -> list[dict]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        report(RuleError(path, f"use [[{key}]] tables for {key}"))
        return []
    return items


_VERBOSE = regex.compile(r"\(\?[a-zA-Z]*x[a-zA-Z]*\)")
_DEFINE_NAME = regex.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DEFINE_USE = regex.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")


def _defines(table, path, text: str) -> dict[str, str]:
    """The [define] table: named pattern pieces, written `{{name}}` inside any pattern
    of the file (and inside other pieces), so an agency list or a name pattern is written
    once. Expanded before compiling."""
    if not isinstance(table, dict):
        raise RuleError(path, "[define] must be a table of name = 'pattern piece'")
    for name, value in table.items():
        if not _DEFINE_NAME.fullmatch(name) or not isinstance(value, str):
            raise RuleError(path, f"define {name!r}: a name of letters, digits and '_' with "
                            "a string value", line=_find_key(text, 0, name))
    out = {}
    for name in table:
        out[name] = _expand(table[name], table, path, None, _find_key(text, 0, name), (name,))
    return out


def _expand(source: str, defines: dict[str, str], path, rid, line, seen=()) -> str:
    def piece(m):
        name = m.group(1)
        if name not in defines:
            raise RuleError(path, f"'{{{{{name}}}}}' is not in the file's [define] table",
                            rid, line)
        if name in seen:
            raise RuleError(path, f"define {name!r} uses itself", rid, line)
        return "(?:" + _expand(defines[name], defines, path, rid, line, (*seen, name)) + ")"
    return _DEFINE_USE.sub(piece, source) if "{{" in source else source


def _table(item: dict, table: str, keys: set[str], path, text: str, report):
    """A [[rule]] or [[evidence]] table's id, its line, and an `error(msg, key)` maker
    naming both; unknown keys are reported. A bad id leaves nothing to check: raises."""
    tid = item.get("id")
    if not isinstance(tid, str) or not regex.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", tid):
        raise RuleError(path, f"every [[{table}]] needs an id of letters, digits, '-', '_' "
                        f"or '.' (got {tid!r})", line=_rule_line(text, str(tid)))
    lineno = _rule_line(text, tid)

    def error(msg, key=None):
        return RuleError(path, msg, tid, _find_key(text, lineno, key) if key else lineno)

    for key in item:
        if key not in keys:
            report(error(_unknown(key, keys, f"{table} key"), key))
    return tid, lineno, error


def _cue(item: dict, path, text: str, report, defines: dict[str, str]) -> Cue:
    cid, lineno, error = _table(item, "evidence", EVIDENCE_KEYS, path, text, report)
    weight = item.get("weight", 1)
    if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
        report(error("'weight' must be a positive integer", "weight"))
        weight = 1
    if not isinstance(item.get("pattern"), str) or not item["pattern"]:
        raise error("evidence needs a non-empty string 'pattern'")
    return Cue(cid, _pat(item["pattern"], path, text, cid, "pattern", lineno, defines), weight,
               str(item.get("description", "")),
               _str_list(item, "examples", path, text, cid, lineno),
               _str_list(item, "keep", path, text, cid, lineno))


def _rule(item: dict, path, text: str, report, defines: dict[str, str]) -> Rule:
    """One [[rule]] table. A problem the rest of the rule can be checked past goes to
    `report` (which raises when loading, collects for `rules check`); one that leaves
    no rule to check raises."""
    rid, lineno, error = _table(item, "rule", RULE_KEYS, path, text, report)
    kind = item.get("kind")
    if kind not in KINDS:
        raise error(f"kind must be one of {', '.join(KINDS)} (got {kind!r})", "kind")
    needed = PATTERN_KEYS[kind]
    for key in needed:
        if not isinstance(item.get(key), str) or not item[key]:
            raise error(f"kind {kind} needs a non-empty string '{key}'")
    for key in ("pattern", "start", "end"):
        if key in item and key not in needed and not (kind == "drop_block" and key == "end"):
            report(error(f"'{key}' is not used by kind {kind}", key))
    trigger = _pat(item[needed[0]], path, text, rid, needed[0], lineno, defines)
    if kind == "meta" and not regex.search(r"\(\?P?<(?:%s)>" % "|".join(META_GROUPS), trigger.source):
        report(error(f"a meta rule needs a named group: one of {', '.join(META_GROUPS)}", "pattern"))
    end = (_pat(item["end"], path, text, rid, "end", lineno, defines)
           if "end" in item and kind == "drop_block" else None)
    hint = (_pat(item["hint"], path, text, rid, "hint", lineno, defines)
            if "hint" in item else None)
    numbers = {"max_lines": 80, "lines": 1, "before": 0}
    for key in numbers:
        value = item.get(key, numbers[key])
        least = 0 if key != "max_lines" else 1     # a caption may lie wholly before its marker
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            report(error(f"'{key}' must be a " + ("positive integer" if least else
                                                "whole number, 0 or more"), key))
        else:
            numbers[key] = value
    for key, owner in (("before", "drop_caption"), ("caption", "drop_caption"),
                       ("adjacent", "drop_caption"), ("above", "drop_caption"),
                       ("below", "drop_caption"), ("needs_end", "drop_block")):
        if key in item and kind != owner:
            report(error(f"'{key}' is for {owner} rules", key))
    caption = (_pat(item["caption"], path, text, rid, "caption", lineno, defines)
               if "caption" in item and kind == "drop_caption" else None)
    needs_end = item.get("needs_end", False)
    if not isinstance(needs_end, bool) or (needs_end and "end" not in item):
        report(error("'needs_end' must be true or false, and true needs an 'end'", "needs_end"))
        needs_end = False
    context = {}
    for key in ("above", "below"):
        value = item.get(key, []) if kind == "drop_caption" else []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            report(error(f"'{key}' must be a pattern or a list of patterns", key))
            value = []
        context[key] = [_pat(v, path, text, rid, key, lineno, defines) for v in value]
    adjacent = item.get("adjacent", False)
    if not isinstance(adjacent, bool):
        report(error("'adjacent' must be true or false", "adjacent"))
        adjacent = False
    adjacent = adjacent and kind == "drop_caption"
    capture = item.get("capture")
    if capture is not None and (kind != "drop_caption" or capture not in META_GROUPS):
        report(error(f"'capture' is for drop_caption rules and names one of "
                     f"{', '.join(META_GROUPS)}", "capture"))
        capture = None
    enabled = item.get("enabled", True)
    if not isinstance(enabled, bool):
        report(error("'enabled' must be true or false", "enabled"))
        enabled = True
    return Rule(id=rid, kind=kind, pattern=trigger, end=end, hint=hint, max_lines=numbers["max_lines"],
                lines=numbers["lines"], before=numbers["before"], capture=capture,
                caption=caption, needs_end=needs_end, adjacent=adjacent,
                above=context["above"], below=context["below"],
                description=str(item.get("description", "")),
                examples=_str_list(item, "examples", path, text, rid, lineno),
                keep=_str_list(item, "keep", path, text, rid, lineno),
                enabled=enabled, source=str(path), lineno=lineno)


def _pat(pattern, path, text, rid, key, after=0, defines=None) -> Pat:
    line = _find_key(text, after, key)
    if not isinstance(pattern, str):
        raise RuleError(path, f"'{key}' must be a string", rid, line)
    pattern = _expand(pattern, defines or {}, path, rid, line)
    # a verbose pattern ((?x) first) may span lines; elsewhere a newline is a mistake
    bad = (_CONTROL_VERBOSE if _VERBOSE.match(pattern) else _CONTROL).search(pattern)
    if bad is not None:
        raise RuleError(path, f"'{key}' contains control character {bad.group()!r}: write patterns "
                        "as TOML literal strings ('...') so backslashes stay", rid, line)
    return Pat(pattern, path, rid, line, key)


# control characters but a tab (and, in a verbose pattern, a newline or carriage return)
_CONTROL = regex.compile(r"[\x00-\x08\x0a-\x1f]")
_CONTROL_VERBOSE = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _str_list(item, key, path, text, rid, after=0) -> list[str]:
    value = item.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(path, f"'{key}' must be a list of strings", rid, _find_key(text, after, key))
    return list(value)


def _unknown(key, known, what) -> str:
    hint = difflib.get_close_matches(key, sorted(known), n=1)
    return f"unknown {what} '{key}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")


def _rule_line(text: str, rid: str, nth: int = 1) -> int | None:
    """Line of the nth `id = "rid"` (a duplicate id is reported where it repeats)."""
    lines = _id_lines(text).get(rid, ())
    return lines[nth - 1] if len(lines) >= nth else None


_ID_LINE = regex.compile(r"^\s*id\s*=\s*['\"]([^'\"\n]*)['\"]", regex.M)


@lru_cache(maxsize=8)
def _id_lines(text: str) -> dict[str, list[int]]:
    """Each id in a rule file with the lines it is given on: one read per file, not one
    pattern compiled and run per rule."""
    out: dict[str, list[int]] = {}
    line = pos = 0
    for m in _ID_LINE.finditer(text):      # newlines counted from one id to the next
        line += text.count("\n", pos, m.start())
        pos = m.start()
        out.setdefault(m.group(1), []).append(line + 1)
    return out


def _find_key(text: str, after: int | None, key: str) -> int | None:
    """Line number of `key = ...` at or after line `after`, within the same table."""
    lines = _split(text)
    start = max((after or 1) - 1, 0)
    # back up to the table header so keys written before `id` are found too
    while start > 0 and not lines[start].lstrip().startswith("["):
        start -= 1
    for n in range(start, len(lines)):
        s = lines[n].lstrip()
        if n > start and s.startswith("["):
            break
        if s.startswith(key) and _EQUALS.match(s, len(key)):
            return n + 1
    return after


_EQUALS = regex.compile(r"\s*=")     # after a key: one pattern, not one per key and line


@lru_cache(maxsize=8)
def _split(text: str) -> list[str]:
    return text.split("\n")


def _toml_error_line(msg: str) -> int | None:
    m = regex.search(r"line (\d+)", msg)
    return int(m.group(1)) if m else None
