"""Clean whole folders and JSONL corpora on every core: walk, worker pool, atomic
writes, resume, summary. Progress goes out through a callback (the CLI draws the bar).

One job per module: `base` the options, errors and input checks; `pool` the worker
processes; `folder` folder mode; `jsonl` JSONL mode with its checkpoints. What a batch
shares with the Dask and datatrove integrations (a record, its reason for failing, the
Summary) is in cleaner.records; writing files is cleaner.outputs.
"""
from __future__ import annotations

import time
from pathlib import Path

from .. import outputs
from ..pipeline import Cleaner
from ..records import Summary
from .base import (CHUNK_BYTES, CHUNK_RECORDS, MAX_PAGE_MB, MAX_RECORD_MB, BatchError,
                   BatchFailed, Options, Progress, default_jobs, is_input, is_jsonl,
                   not_regular)
from .folder import FOLDER_LOCK, output_name, run_folder, walk
from .jsonl import run_jsonl

__all__ = ["CHUNK_BYTES", "CHUNK_RECORDS", "FOLDER_LOCK", "MAX_PAGE_MB", "MAX_RECORD_MB",
           "BatchError", "BatchFailed", "Options", "Progress", "Summary", "default_jobs",
           "is_jsonl", "output_name", "run", "walk"]


def run(inp: Path | str, out: Path | str, opts: Options = Options(),
        progress: Progress | None = None) -> Summary:
    inp, out = Path(inp), Path(out)
    progress = progress or Progress()
    if opts.fmt not in ("text", "json"):
        raise BatchError(f"--format must be text or json, not {opts.fmt!r}")
    if opts.jobs < 0 or opts.chunk < 1:
        raise BatchError("--jobs must be >= 0 and --chunk >= 1")
    if not (opts.max_page_mb > 0 and opts.max_record_mb > 0):
        raise BatchError("--max-page-mb and --max-record-mb must be positive")
    if not inp.exists():
        raise BatchError(f"{inp}: no such file or folder")
    if not inp.is_dir() and (kind := not_regular(inp.stat().st_mode)):
        raise BatchError(f"{inp}: is {kind}, not a regular file")
    # fail on bad user rules here, once, before any worker starts (a Cleaner compiles
    # every pattern not shipped with it; compiling the built-in ones too cost ~0.15 s
    # of start-up, and workers compile the ones they use as they go)
    Cleaner(rules=opts.rules or None, disable=opts.disable)
    started = time.perf_counter()
    if not inp.is_dir() and not is_jsonl(inp):
        raise BatchError(f"{inp}: not a folder or a .jsonl[.gz] file (clean single pages "
                         "with `clean FILE`)")
    if opts.report is not None and is_input(Path(opts.report), inp):
        raise BatchError(f"--report {opts.report}: is an input; choose another file")
    from concurrent.futures.process import BrokenProcessPool
    try:
        result = (run_folder if inp.is_dir() else run_jsonl)(inp, out, opts, progress)
    except BrokenProcessPool:
        raise BatchFailed("a worker process died (out of memory?); outputs written so far "
                          "are kept and a rerun resumes") from None
    except outputs.OutputBusy as e:
        raise BatchError(str(e)) from None
    result.wall_seconds = round(time.perf_counter() - started, 3)
    return result
