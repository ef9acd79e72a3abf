"""The `clean` command: a thin typer layer over the library.

`clean [FILE...]` cleans pages to stdout; subcommands (batch, rules, eval) live in
sibling modules and register themselves on `app`. Errors are one line on stderr with
an exit code (2: bad usage or input, 1: a failure while cleaning), never a traceback:
every error of the package is a CleanerError carrying its exit code, and `describe` is
the one place that turns an error into its line and code.
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

from ..decode import printable, shown_name as shown
from ..errors import CleanerError, UsageError
from ..pipeline import Cleaner

HELP_OPTIONS = ("-h", "--help")


def describe(error: Exception) -> tuple[str, int]:
    """An error's one-line message and the exit code it ends the command with."""
    if isinstance(error, CleanerError):
        return str(error), error.exit_code
    if isinstance(error, OSError):     # a file that cannot be read or written is bad input
        if isinstance(error.filename, (str, bytes, os.PathLike)) and error.strerror:
            return f"{shown(os.fsdecode(error.filename))}: {error.strerror}", 2
        return str(error), 2
    # not an error the package raises on purpose: a bug, named as one
    return f"{type(error).__name__}: {error} (a bug in cleaner: please report it)", 1


class _DefaultToClean(TyperGroup):
    """`clean FILE` means `clean clean FILE`: any first argument that is not a
    subcommand goes to the default command, whose options `clean --help` shows."""

    def parse_args(self, ctx, args):
        if not args or args[0] not in self.commands:
            before_files = args[:args.index("--")] if "--" in args else args
            if any(a in HELP_OPTIONS for a in before_files):
                args = ["--help"]        # `clean FILE --help` is `clean --help`
            else:
                args = ["clean", *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx, formatter):
        # a user types `clean --help` first: the cleaning options, then the other commands
        default = self.commands["clean"]
        view = TyperGroup(
            name=ctx.info_name, params=default.params, help=f"{self.help}\n\n{default.help}",
            commands={k: c for k, c in self.commands.items() if c is not default},
            subcommand_metavar="| COMMAND [ARGS]...", rich_markup_mode=self.rich_markup_mode,
            context_settings=self.context_settings)
        view.format_help(type(ctx)(view, info_name=ctx.info_name, parent=ctx.parent,
                                   **self.context_settings), formatter)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise                       # the reader left: main() ends quietly
        except (CleanerError, OSError) as e:
            message, code = describe(e)
            say("error", message)
            raise typer.Exit(code) from None


app = typer.Typer(cls=_DefaultToClean, add_completion=False, no_args_is_help=False,
                  help="Turn text scraped from news pages into the article alone.",
                  context_settings={"help_option_names": list(HELP_OPTIONS)})


def say(kind: str, message: str) -> None:
    """One line on stderr (`error: ...`, `warning: ...`); file names in it may hold
    control characters, which are shown escaped rather than sent to the terminal."""
    sys.stderr.write(f"{kind}: {printable(message)}\n")
    sys.stderr.flush()


def fail(message: str, code: int = 2) -> CleanerError:
    """The error to raise for a bad argument: one line on stderr, exit `code`."""
    return CleanerError(message, code)


def warn(message: str) -> None:
    say("warning", message)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


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
    cleaner = Cleaner(rules=rules or None, disable=disable or [])
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
        metavar="FILE...", help="Text or HTML files; '-' or nothing reads stdin.",
        show_default=False)] = None,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Show every line with the rule that removed it.")] = False,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="text, or json (one object per input; with several files, "
        "its `source` names the file).")] = "text",
    outlet: Annotated[Optional[str], typer.Option(help="Force an outlet id.")] = None,
    url: Annotated[Optional[str], typer.Option(help="Page URL: its domain picks the outlet.")] = None,
    html: Annotated[Optional[bool], typer.Option(
        "--html/--text", help="Treat input as HTML / as text (default: detect).",
        show_default=False)] = None,
    lang: Annotated[Optional[str], typer.Option(
        help="Stoplist language for the fallback, a name or an ISO 639-1 code: Russian, ru "
        "(default: detected).")] = None,
    rules: RulesOpt = None,
    disable: DisableOpt = None,
    # not `--html FILE`: --html already means "the input is HTML"
    report: Annotated[Optional[Path], typer.Option(
        "--html-report", metavar="FILE",
        help="Also write the --explain view as one self-contained HTML page.")] = None,
):
    """Clean pages to stdout: `clean FILE...`, or a page on stdin. One bad file never stops the others."""
    if fmt not in ("text", "json"):
        raise fail(f"--format must be text or json, not {fmt!r}")
    if fmt == "json" and explain:
        raise fail("--explain is a text view; with --format json, `removals` and `cuts` "
                   "already name the rule of every removed line")
    cleaner = make_cleaner(rules, disable)
    if outlet:
        cleaner.detector.forced(outlet)         # an unknown id stops before any work
    if lang:
        from ..fallback import resolve_lang
        resolve_lang(lang, [])                  # so does a language without a stoplist
    if not files and sys.stdin.isatty():
        say("note", "reading a page from the terminal; end it with Ctrl-D "
                    "(`clean FILE` cleans a file, `clean --help` shows the options)")
    code = 0
    explained = []
    for name in files or ["-"]:
        label = "<stdin>" if name == "-" else shown(name)
        try:
            # the bytes go straight in: freed once decoded, not held beside the text
            result = cleaner.clean(read_input(name), outlet=outlet, url=url, html=html, lang=lang)
        except Exception as e:     # one bad file never stops the others
            message, failed = describe(e)
            hint = (" (--html means the input is HTML; write a report with --html-report FILE)"
                    if html and name.endswith((".html", ".htm")) and "no such file" in message
                    else "")
            # read_input's messages already start with the file's name
            say("error", (message if isinstance(e, OSError) else f"{label}: {message}") + hint)
            code = max(code, failed)
            continue
        for w in result.warnings:
            warn(f"{label}: {w}")
        explained.append((label, result))
        if fmt == "json":
            obj = result.to_dict()
            if files and len(files) > 1:
                obj = {"source": label, **obj}
            write_out(json.dumps(obj, ensure_ascii=False) + "\n")
        elif explain:
            from .explain import explain_text
            write_out(explain_text(result, printable(label), cleaner))
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
