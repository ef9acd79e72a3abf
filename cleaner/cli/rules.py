"""`clean rules list|new|suggest|check|test`: write, check and test rule files."""
from __future__ import annotations

import json
import os
import sys
from shlex import quote
from pathlib import Path
from typing import Annotated, Optional

import regex
import typer

from ..decode import BinaryInput, decode
from ..ruleset import rule_dirs, rule_packs
from ..errors import UsageError
from . import DisableOpt, RulesOpt, app, fail, make_cleaner, plural, warn, write_out
from .evaluate import find_pairs

# each command imports the authoring module itself: `clean FILE` start-up never pays for it
rules_app = typer.Typer(help="List, write, check and test rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


def _show(path: str) -> str:
    """A path relative to the working folder when it is below it (shorter to read)."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
    except ValueError:      # another drive on Windows
        return path


@rules_app.command("list")
def list_cmd(rules: RulesOpt = None, disable: DisableOpt = None,
             as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False):
    """Every outlet and rule in use: id, kind, source, enabled.

    A later file with the same outlet id extends it; a rule with an existing id
    replaces it (shown as `replaces FILE:LINE`)."""
    cleaner = make_cleaner(rules, disable)
    outlets = []
    for o in cleaner.outlets:
        off = set(o.disable)
        outlets.append({
            "id": o.id, "name": o.name, "source": _show(o.source),
            "extended_by": [_show(s) for s in o.extended_by], "domains": o.domains,
            "rules": [{"id": r.id, "kind": r.kind, "source": _show(r.where),
                       "enabled": r.enabled and r.id not in off,
                       "why_disabled": ("enabled = false" if not r.enabled else
                                        "disabled by id" if r.id in off else None),
                       "replaces": _show(r.replaces) if r.replaces else None}
                      for r in o.rules]})
    if as_json:
        write_out(json.dumps({"outlets": outlets}, ensure_ascii=False, indent=1) + "\n")
        return
    out = []
    for o in outlets:
        ext = f"; extended by {', '.join(o['extended_by'])}" if o["extended_by"] else ""
        out.append(f"{o['id']}  {o['name']}  ({o['source']}{ext})")
        width = max((len(r["id"]) for r in o["rules"]), default=0)
        for r in o["rules"]:
            state = "enabled" if r["enabled"] else f"disabled ({r['why_disabled']})"
            if r["replaces"]:
                state += f", replaces {r['replaces']}"
            out.append(f"  {r['id']:<{width}}  {r['kind']:<13}{r['source']}  {state}")
        out.append("")
    write_out("\n".join(out))


@rules_app.command("new")
def new_cmd(
    outlet_id: Annotated[str, typer.Argument(metavar="ID", help="Outlet id: the file is ID.toml.")],
    name: Annotated[str, typer.Option(help="The outlet's name.")],
    domain: Annotated[str, typer.Option(help="Its domain, e.g. example.com.")],
    rules_dir: Annotated[Path, typer.Option("--dir", help="Folder for the rule file.")] = Path("rules"),
    fixtures: Annotated[Path, typer.Option(help="Folder of fixture folders.")] = Path("fixtures"),
):
    """Write a commented rule file and an empty fixtures folder.

    Never overwrites a file."""
    from .. import authoring
    path, folder = authoring.new_rule_file(outlet_id, name, domain, rules_dir, fixtures)
    write_out(f"wrote {path}\ncreated {folder}/ (put NAME.txt + NAME.expected.txt pairs here)\n"
              f"next: clean rules check {quote(str(path))}\n"
              f"      clean rules test {outlet_id} --rules {quote(str(path.parent))} "
              f"--fixtures {quote(str(folder.parent))}\n")


@rules_app.command("suggest")
def suggest_cmd(
    pages_dir: Annotated[Path, typer.Argument(help="Folder of raw pages (*.txt) of one outlet.")],
    outlet: Annotated[Optional[str], typer.Option(help="Outlet id for the draft.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the draft here (never overwrites).")] = None,
):
    """Draft rules from the lines that recur across an outlet's pages.

    Numbers and dates are masked; a line found in one page only is never proposed."""
    from .. import authoring
    if not pages_dir.is_dir():
        raise fail(f"{pages_dir}: not a folder of pages")
    files = sorted(p for p in pages_dir.glob("*.txt") if not p.name.endswith(".expected.txt"))
    pages = []
    for f in files:
        try:
            text, warnings = decode(f.read_bytes())
        except (OSError, BinaryInput) as e:
            warn(f"{f}: skipped: {e}")
            continue
        for w in warnings:
            warn(f"{f}: {w}")
        pages.append(text)
    outlet_id = outlet or _slug(pages_dir.resolve().name)
    if out is not None and out.exists():
        raise fail(f"{out} already exists; not overwriting it")
    try:
        draft = authoring.suggest_toml(pages, outlet_id)
    except UsageError as e:
        raise UsageError(f"{pages_dir}: {e}") from None
    for problem in authoring.check_text(draft, out or "<draft>"):
        warn(f"the draft has a problem to fix: {problem}")
    if out is None:
        write_out(draft)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("x", encoding="utf-8") as fh:
            fh.write(draft)
    except OSError as e:
        raise fail(f"{out}: cannot write: {e.strerror or e}") from None
    rules = draft.count("\n[[rule]]")
    write_out(f"wrote {out}: {rules} rules, {draft.count('# [[rule]]')} more in doubt "
              f"(commented out), from {len(pages)} pages\n")


def _slug(name: str) -> str:
    return regex.sub(r"[^a-z0-9_.-]+", "-", name.lower()).strip("-.") or "outlet"


@rules_app.command("check")
def check_cmd(paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Rule files or folders (default: every rule folder in use).", show_default=False)] = None):
    """Validate rule files; `file:line: rule-id: message` per problem.

    Checks TOML, keys, duplicate ids, patterns (compile, empty match, catastrophic
    backtracking) and each rule's own examples; exit 1 if any problem. Notes on stderr
    name patterns without a literal for the prefilter (slow, not wrong)."""
    from .. import authoring
    if not paths:
        warnings: list[str] = []
        paths = [*rule_dirs(), *(folder for _, folder in rule_packs(warnings))]
        for w in warnings:
            warn(w)
    notes: list = []
    count, problems = authoring.check_paths(paths, notes)
    sys.stderr.write("".join(f"note: {note}\n" for note in notes))
    write_out("".join(f"{p}\n" for p in problems))
    write_out(f"checked {plural(count, 'rule file')}: "
              f"{plural(len(problems), 'problem') if problems else 'no problems'}\n")
    if problems:
        raise typer.Exit(1)


@rules_app.command("test")
def test_cmd(
    outlet_id: Annotated[Optional[str], typer.Argument(
        metavar="[ID]", help="Only this outlet's fixtures.", show_default=False)] = None,
    fixtures: Annotated[Path, typer.Option(
        help="Folder with one folder of NAME.txt + NAME.expected.txt pairs per outlet.")] = Path("fixtures"),
    rules: RulesOpt = None, disable: DisableOpt = None,
):
    """Run fixture pairs; a diff per mismatch, exit 1 if any.

    Pairs are FIXTURES/<outlet>/NAME.txt + NAME.expected.txt."""
    from .. import authoring
    pairs = find_pairs(fixtures, "no fixtures folder (use --fixtures DIR)")
    if outlet_id:
        pairs = [p for p in pairs if p.outlet == outlet_id]
    if not pairs:
        raise fail(f"no fixture pairs (NAME.txt + NAME.expected.txt) in "
                   f"{fixtures / outlet_id if outlet_id else fixtures}")
    cleaner = make_cleaner(rules, disable)
    outcomes = authoring.run_fixtures(cleaner, pairs)
    failed = 0
    for o in outcomes:
        write_out(f"{'ok  ' if o.ok else 'FAIL'} {o.pair.name}\n")
        for problem in o.problems:
            write_out(problem if problem.endswith("\n") else problem + "\n")
        failed += not o.ok
    write_out(f"{len(outcomes) - failed} passed, {failed} failed\n")
    if failed:
        raise typer.Exit(1)
