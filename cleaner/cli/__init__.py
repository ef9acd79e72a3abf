"""The `clean` command: a thin typer layer over the library.

`clean [FILE...]` cleans pages to stdout; subcommands (batch, rules, eval) live in
sibling modules and register themselves on `app`. Errors are one line on stderr with
an exit code (2: bad usage or input, 1: a failure while cleaning), never a traceback.
"""
from __future__ import annotations

import gzip
import json
import os
import sys
import zlib
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from ..decode import BinaryInput, shown_name as shown
from ..detect import UnknownOutlet
from ..engine import RuleTimeout
from ..pipeline import Cleaner
from ..ruleset import RuleError
from .explain import explain_text


class _DefaultToClean(TyperGroup):
    """`clean FILE` means `clean clean FILE`: any first argument that is not a
    subcommand goes to the default command."""

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["clean", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=_DefaultToClean, add_completion=False, no_args_is_help=False,
                  help="Turn text scraped from news pages into the article alone.",
                  context_settings={"help_option_names": ["-h", "--help"]})


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error and return the Exit to raise."""
    sys.stderr.write(f"error: {message}\n")
    sys.stderr.flush()
    return typer.Exit(code)


def warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")


def write_out(text: str) -> None:
    # bytes, so that a C locale cannot turn a non-ASCII article into an encode error
    out = getattr(sys.stdout, "buffer", None)
    try:
        if out is not None:
            sys.stdout.flush()
            out.write(text.encode("utf-8"))
            out.flush()
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    except BrokenPipeError:
        raise                       # the reader left: main() ends quietly
    except OSError as e:            # a full disk: what was written stays written
        # point stdout at /dev/null so the interpreter's last flush cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise fail(f"cannot write the output: {e.strerror or e}", 1) from None


def make_cleaner(rules: list[Path] | None, disable: list[str] | None) -> Cleaner:
    try:
        cleaner = Cleaner(rules=rules or None, disable=disable or [])
    except RuleError as e:
        raise fail(str(e)) from None
    for w in cleaner.rule_warnings:
        warn(w)
    return cleaner


def write_report(path: Path, html: str) -> None:
    try:
        path.write_text(html, encoding="utf-8")
    except OSError as e:
        raise fail(f"{path}: cannot write report: {e.strerror or e}") from None


RulesOpt = Annotated[Optional[list[Path]], typer.Option(
    "--rules", help="Extra folder of rule files (repeatable); also $CLEANER_RULES.")]
DisableOpt = Annotated[Optional[list[str]], typer.Option(
    "--disable", help="Rule id to switch off (repeatable).")]


def read_input(name: str) -> bytes:
    """Bytes of a file, or of stdin for '-'. Raises OSError with a readable message."""
    if name == "-":
        return sys.stdin.buffer.read()
    path = Path(name)
    if path.is_dir():
        raise OSError(f"{shown(name)}: is a folder (use `clean batch` for folders)")
    try:
        if path.name.lower().endswith(".gz"):    # as `clean batch` reads page.html.gz
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise OSError(f"{shown(name)}: not a valid gzip file: {e}") from None
    except FileNotFoundError:
        raise OSError(f"{shown(name)}: no such file") from None
    except OSError as e:     # permissions, symlink loops, I/O errors
        raise OSError(f"{shown(name)}: cannot read: {e.strerror or e}") from None


@app.command("clean")
def clean_cmd(
    files: Annotated[Optional[list[str]], typer.Argument(
        help="Text or HTML files; '-' or nothing reads stdin.", show_default=False)] = None,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Show every line with the rule that removed it.")] = False,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="text, or json (one object per input).")] = "text",
    outlet: Annotated[Optional[str], typer.Option(help="Force an outlet id.")] = None,
    url: Annotated[Optional[str], typer.Option(help="Page URL: its domain picks the outlet.")] = None,
    html: Annotated[Optional[bool], typer.Option(
        "--html/--text", help="Treat input as HTML / as text (default: detect).",
        show_default=False)] = None,
    lang: Annotated[Optional[str], typer.Option(
        help="Stoplist language for the fallback (default: detected).")] = None,
    rules: RulesOpt = None,
    disable: DisableOpt = None,
    # not `--html FILE`: --html already means "the input is HTML"
    report: Annotated[Optional[Path], typer.Option(
        "--html-report", metavar="FILE",
        help="Also write the --explain view as one self-contained HTML page.")] = None,
):
    """Clean pages to stdout (the default command: `clean FILE` = `clean clean FILE`)."""
    if fmt not in ("text", "json"):
        raise fail(f"--format must be text or json, not {fmt!r}")
    cleaner = make_cleaner(rules, disable)
    code = 0
    explained = []
    for name in files or ["-"]:
        label = "<stdin>" if name == "-" else shown(name)
        try:
            data = read_input(name)
            result = cleaner.clean(data, outlet=outlet, url=url, html=html, lang=lang)
        except OSError as e:
            hint = (" (--html means the input is HTML; write a report with --html-report FILE)"
                    if html and name.endswith((".html", ".htm")) and "no such file" in str(e)
                    else "")
            sys.stderr.write(f"error: {e}{hint}\n")
            code = max(code, 2)
            continue
        except BinaryInput as e:
            sys.stderr.write(f"error: {label}: {e}\n")
            code = max(code, 2)
            continue
        except (UnknownOutlet, RuleError, ValueError) as e:
            raise fail(str(e)) from None
        except RuleTimeout as e:
            sys.stderr.write(f"error: {label}: {e}\n")
            code = max(code, 1)
            continue
        for w in result.warnings:
            warn(f"{label}: {w}")
        explained.append((label, result))
        if fmt == "json":
            obj = result.to_dict()
            if files and len(files) > 1:
                obj = {"file": label, **obj}
            write_out(json.dumps(obj, ensure_ascii=False) + "\n")
        elif explain:
            write_out(explain_text(result, label, cleaner))
        else:
            write_out(result.text)
    if report is not None:
        from ..report import explain_html   # here: `clean FILE` start-up does not pay for it
        write_report(report, explain_html(explained))
    if code:
        raise typer.Exit(code)


def main() -> None:
    try:
        app(prog_name="clean")
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    except BrokenPipeError:
        # the reader went away (`clean FILE | head`): not an error of ours
        sys.stderr.close()
        raise SystemExit(0) from None


from . import batch, evaluate, rules  # noqa: E402,F401  (subcommands register themselves on app)
