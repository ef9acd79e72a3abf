"""`clean eval DIR`: precision, recall and F1 of the cleaner against expected output."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

# the evaluate and report modules are imported by the commands that use them, so that
# registering `eval` costs `clean FILE` no start-up time
from . import DisableOpt, RulesOpt, app, fail, make_cleaner, plural, write_out, write_report

ReportOpt = Annotated[Optional[Path], typer.Option(
    "--html", "--html-report", help="Also write a self-contained HTML report here.")]


def find_pairs(folder: Path, not_found: str) -> list:
    """The fixture pairs below `folder`, or a one-line error (exit 2)."""
    from ..evaluate import fixture_pairs
    if not folder.is_dir():
        raise fail(f"{folder}: {not_found}")
    return fixture_pairs(folder)


def _row(label: str, extra: str, s) -> str:
    return f"{label:<44} {extra:<16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}\n"


@app.command("eval")
def eval_cmd(
    folder: Annotated[Path, typer.Argument(
        metavar="DIR", help="NAME.txt + NAME.expected.txt pairs, flat or one folder per outlet.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False,
    outlet: Annotated[Optional[str], typer.Option(
        metavar="ID", help="Clean every page as this outlet's, without detection; `none`: as "
                           "no outlet's (generic rules and fallback, as an unrecognised page).")] = None,
    html: ReportOpt = None,
    rules: RulesOpt = None,
    disable: DisableOpt = None,
):
    """Precision, recall, F1 of cleaned pages against expected output.

    Character-weighted lines (docs/POLICY.md), per page, per outlet and overall (means)."""
    pairs = find_pairs(folder, "not a folder")
    if not pairs:
        raise fail(f"{folder}: no NAME.txt + NAME.expected.txt pairs")
    cleaner = make_cleaner(rules, disable)
    from ..evaluate import Score, evaluate, forced_outlet
    from ..report import eval_html
    forced_outlet(cleaner, outlet)      # an unknown id stops before any work
    ev = evaluate(cleaner, pairs, outlet)
    if html is not None:
        write_report(html, eval_html(ev))
    if as_json:
        write_out(json.dumps(ev.to_dict(), indent=1) + "\n")
        return
    out = [f"every page cleaned as outlet {ev.forced}\n\n"] if ev.forced else []
    out += [f"{'page':<44} {'outlet':<16} {'P':>6} {'R':>6} {'F1':>6}\n"]
    out += [_row(p.pair.name, p.outlet, p.score) for p in ev.pages]
    out.append("\n")
    out += [_row(f"outlet {k}", plural(sum(p.outlet == k for p in ev.pages), "page"), s)
            for k, s in ev.by_outlet.items()]
    out.append(_row("overall", plural(len(ev.pages), "page"), ev.overall))
    groups = ev.groups()
    if any(part for _, part in groups):
        # the held-back part is the number that counts: its pages were not read while
        # the rules were written
        out.append(f"\n{'outlet / part':<44} {'pages':<16} {'P':>6} {'R':>6} {'F1':>6}"
                   f" {'as is':>6}\n")
        for (outlet, part), pages in groups.items():
            s = Score.mean([p.score for p in pages])
            base = Score.mean([p.baseline for p in pages]).f1
            out.append(_row(f"{outlet} {part}".rstrip(), plural(len(pages), "page"), s).rstrip("\n")
                       + f" {base:6.3f}\n")
    table = ev.detection()
    if any(want != "none" for want in table):
        out.append(f"\ndetection (page from -> found as)\n")
        for want, found in table.items():
            right = found.get(want, 0)
            n = sum(found.values())
            rest = ", ".join(f"{k} {v}" for k, v in sorted(found.items()) if k != want)
            out.append(f"{want:<16} {right}/{n} found" + (f"; {rest}" if rest else "") + "\n")
    write_out("".join(out))

