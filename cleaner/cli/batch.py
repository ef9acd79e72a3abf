"""`clean batch IN OUT`: folders and JSONL corpora through cleaner.batch, with a rich
progress bar on a terminal's stderr and a summary at the end."""
from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import batch as batch_mod
from ..decode import printable
from ..outputs import write_atomic
from ..records import Fields
from . import DisableOpt, RulesOpt, app, fail, plural, say


class _Bar(batch_mod.Progress):
    """pages done, pages/s, MB/s and ETA on stderr."""

    def __init__(self, force: bool):
        from rich.console import Console
        from rich.progress import (BarColumn, Progress, TaskProgressColumn,
                                   TextColumn, TimeRemainingColumn)
        self.pages = 0
        self.bar = Progress(TextColumn("cleaning"), BarColumn(), TaskProgressColumn(),
                            TextColumn("{task.fields[pages]} pages"),
                            TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                            console=Console(stderr=True, force_terminal=force or None),
                            transient=True)
        self.task = None

    def start(self, total_pages, total_bytes):
        self.bar.start()
        self.task = self.bar.add_task("clean", total=total_bytes or None, pages=0, rate="")

    def advance(self, pages, nbytes):
        self.pages += pages
        t = self.bar.tasks[0]
        elapsed = max(t.elapsed or 0.0, 1e-6)
        mb = (t.completed + nbytes) / 1e6
        self.bar.update(self.task, advance=nbytes, pages=self.pages,
                        rate=f"{self.pages / elapsed:,.0f} pages/s {mb / elapsed:,.1f} MB/s")

    def stop(self):
        self.bar.stop()


@app.command("batch")
def batch_cmd(
    inp: Annotated[Path, typer.Argument(metavar="IN", help="Folder, or .jsonl[.gz] corpus.",
                                        show_default=False)],
    out: Annotated[Path, typer.Argument(metavar="OUT", help="Output folder, or .jsonl[.gz] file.",
                                        show_default=False)],
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0: all cores).")] = 0,
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="Folder mode: text, or json (one file per page).")] = "text",
    glob: Annotated[Optional[list[str]], typer.Option(
        "--glob", help="Only inputs whose relative path or name matches (repeatable).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Redo outputs that are up to date.")] = False,
    text_field: Annotated[str, typer.Option(help="JSONL: field with plain text.")] = "text",
    html_field: Annotated[str, typer.Option(help="JSONL: field with HTML (when no text).")] = "html",
    url_field: Annotated[str, typer.Option(help="JSONL: field with the page URL.")] = "url",
    output_field: Annotated[Optional[str], typer.Option(
        help="JSONL: put the cleaned text here (default: replace the text field).")] = None,
    meta_field: Annotated[str, typer.Option(help="JSONL: key for the metadata.")] = "cleaner",
    chunk: Annotated[int, typer.Option(help="JSONL records per worker task.")] = batch_mod.CHUNK_RECORDS,
    max_page_mb: Annotated[float, typer.Option(
        help="Folder mode: refuse a page larger than this (after decompression).")
    ] = batch_mod.MAX_PAGE_MB,
    max_record_mb: Annotated[float, typer.Option(
        help="JSONL: refuse a line longer than this (after decompression).")
    ] = batch_mod.MAX_RECORD_MB,
    report: Annotated[Optional[Path], typer.Option(help="Write the summary as JSON here.")] = None,
    progress: Annotated[Optional[bool], typer.Option(
        "--progress/--quiet", help="Progress bar (default: only when stderr is a terminal); "
        "--quiet also drops the summary.", show_default=False)] = None,
    scheduler: Annotated[Optional[str], typer.Option(
        help="JSONL: run on this dask.distributed scheduler (tcp://host:8786); OUT is then "
        "a folder of shards (--jobs: the cluster's workers). Needs the \\[dask] extra.")] = None,
    partition_mb: Annotated[float, typer.Option(help="--scheduler: MB of input per shard.")] = 64,
    rules: RulesOpt = None,
    disable: DisableOpt = None,
):
    """Clean a folder tree or a JSONL corpus on every core, resumably."""
    opts = batch_mod.Options(
        jobs=jobs, fmt=fmt, globs=glob or [], force=force, chunk=chunk,
        fields=Fields(text=text_field, html=html_field, url=url_field, output=output_field,
                      meta=meta_field),
        rules=[str(r) for r in rules or []], disable=disable or [],
        report=None if report is None else str(report), max_page_mb=max_page_mb,
        max_record_mb=max_record_mb)
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Bar(force=bool(progress)) if show else None
    try:
        res = (_on_cluster(scheduler, inp, out, opts, bar, partition_mb) if scheduler
               else batch_mod.run(inp, out, opts, bar))
    except batch_mod.BatchFailed as e:
        if e.summary is not None:
            _list_failures(e.summary)
        raise
    except OSError as e:
        raise fail(printable(f"{e.filename or ''}: {e.strerror or e}".lstrip(": ")), 1) from None
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)     # the run is ending: once is enough
        if bar is not None and bar.task is not None:
            bar.stop()
        say("error", "interrupted; what was written is kept, and the same command resumes")
        sys.stdout.flush()
        # run() has closed every output and ended the workers; a normal exit would join
        # the pool's feeder thread, which can block forever on a pipe the ended workers
        # no longer read
        os._exit(130)
    finally:
        if bar is not None and bar.task is not None:
            bar.stop()
    _list_failures(res)        # --quiet too: quiet drops the bar and summary, not errors
    if report is not None:
        try:
            write_atomic(report, (json.dumps(res.to_dict(), indent=2, ensure_ascii=False)
                                  + "\n").encode("utf-8"))
        except OSError as e:
            raise fail(printable(f"{report}: cannot write report: {e.strerror or e}"), 1) from None
    if progress is not False:
        sys.stdout.write(render_summary(res))
    if res.failed:
        raise typer.Exit(1)


_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7f, 0xa0)]}
_CONTROLS[ord("\n")] = "\\n"


def printable(text: str) -> str:
    """Text safe for a terminal line: control characters (ESC, newline, ...) in file
    names show as escapes instead of acting."""
    return text.translate(_CONTROLS)


def _list_failures(res: batch_mod.Summary, shown: int = 5) -> None:
    """The first failed pages on stderr, where errors go."""
    for f in res.failures[:shown]:
        where = f.get("path") or f"line {f.get('line')}"
        sys.stderr.write(printable(f"error: {where}: {f['error']}") + "\n")
    if res.failed > shown:
        sys.stderr.write(f"error: ... and {res.failed - shown} more"
                         + (printable(f" (see {res.errors_file})") if res.errors_file else "")
                         + "\n")


def _on_cluster(address: str, inp: Path, out: Path, opts: batch_mod.Options, bar,
                partition_mb: float) -> batch_mod.Summary:
    try:
        from ..integrations import dask as dask_mod
    except ImportError:
        raise fail("--scheduler needs the dask extra: pip install 'cleaner[dask]'") from None
    with dask_mod.connect(address) as client:
        return dask_mod.run_shards(client, inp, out, opts, int(partition_mb * 2**20), bar)


def render_summary(res: batch_mod.Summary) -> str:
    lines = []
    skipped_what = "complete shards" if res.mode == "shards" else "up to date"
    if res.mode == "jsonl" and res.skipped:
        lines.append("output is up to date (newer than the input): skipped; --force redoes it")
    elif res.resumed_at_line is not None:
        now = res.pages - res.earlier_pages
        lines.append(f"resumed at input line {res.resumed_at_line} ({res.earlier_pages} pages "
                     f"cleaned before); this run cleaned {now} pages in "
                     f"{res.wall_seconds:.1f} s; {res.pages} pages in all "
                     f"({res.bytes_in / 1e6:.1f} MB)")
    else:
        lines.append(f"cleaned {plural(res.pages, 'page')} ({res.bytes_in / 1e6:.1f} MB) in "
                     f"{res.wall_seconds:.1f} s"
                     + (f", skipped {res.skipped} {skipped_what} (--force redoes them)"
                        if res.skipped else ""))
    for outlet, n in sorted(res.outlets.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {outlet:<20} {n:>8} page{'' if n == 1 else 's'}")
    if res.pages:
        share = res.chars_removed / res.chars_in if res.chars_in else 0.0
        lines.append(f"fell back to the generic path: {plural(res.fallback, 'page')}")
        if res.warned:
            lines.append(f"cleaned with a warning (bytes replaced, HTML text dropped...): "
                         f"{plural(res.warned, 'page')}")
        lines.append(f"characters removed: {res.chars_removed:,} ({share:.1%})")
    lines.append(f"failures: {res.failed}"
                 + (f", {res.earlier_failed} of them from earlier runs (--force redoes them)"
                    if res.earlier_failed else "")
                 + (f" (see {res.errors_file})" if res.errors_file else ""))
    return "".join(printable(line) + "\n" for line in lines)
