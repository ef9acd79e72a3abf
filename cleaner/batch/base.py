"""What every batch mode shares: the options, the errors, the progress callback, and
the checks on inputs (a regular file, never one of the outputs)."""
from __future__ import annotations

import errno
import io
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CleanerError
from ..records import Fields, Summary

CHUNK_RECORDS = 64             # JSONL records per task: enough that IPC is noise
CHUNK_BYTES = 4 << 20          # ... unless they are big
# bounds on what is read into memory at once; news pages are far smaller
MAX_PAGE_MB = 32               # a folder page, after decompression for .gz
MAX_RECORD_MB = 64             # a JSONL line, after decompression for .jsonl.gz


class BatchError(CleanerError, ValueError):
    """Bad arguments: nothing was done (exit 2)."""


class BatchFailed(CleanerError, RuntimeError):
    """The run stopped midway (a worker died, the list of failures could not be
    written); what is written stays, a rerun resumes. `summary`: what was done, if known."""
    exit_code = 1

    def __init__(self, message: str, summary: Summary | None = None):
        super().__init__(message)
        self.summary = summary


@dataclass
class Options:
    jobs: int = 0                       # 0: every core this process may use
    fmt: str = "text"                   # folder mode: text, or json per page
    globs: list[str] = field(default_factory=list)
    force: bool = False
    fields: Fields = Fields()
    rules: list[str] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    chunk: int = CHUNK_RECORDS
    report: str | None = None           # where the caller writes the summary: an output too
    max_page_mb: float = MAX_PAGE_MB
    max_record_mb: float = MAX_RECORD_MB


class Progress:
    """Override to watch a run: `start` once with the totals known, `advance` per chunk."""

    def start(self, total_pages: int | None, total_bytes: int | None) -> None:
        pass

    def advance(self, pages: int, nbytes: int) -> None:
        pass


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:       # not Linux
        return os.cpu_count() or 1


def is_jsonl(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"))


def is_input(path: Path, inp: Path) -> bool:
    """Whether writing `path` would write the input file `inp` or a file in the input
    folder `inp` (through links too)."""
    real, rin = os.path.realpath(path), os.path.realpath(inp)
    if within(real, rin) if inp.is_dir() else real == rin:
        return True
    try:
        return os.path.samefile(path, inp)     # a hard link
    except OSError:
        return False


def within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def open_regular(path) -> io.BufferedReader:
    """`open(path, "rb")` for a regular file only: a FIFO would block forever, a device
    such as /dev/zero never end."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if kind := not_regular(os.fstat(fd).st_mode):
            raise NotRegularFile(errno.EINVAL, f"is {kind}, not a regular file: skipped",
                                 os.fsdecode(path))
        os.set_blocking(fd, True)
        return open(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class NotRegularFile(OSError, CleanerError):
    """A FIFO, device or socket where a page or corpus should be; its reason is the
    message alone (the path is said where it is listed)."""

    exit_code = 2

    def __str__(self) -> str:
        return self.strerror


def not_regular(mode: int) -> str | None:
    """What a file is if it is not a regular file ("a FIFO"), else None."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISDIR, "a folder"),
                                         (stat.S_ISCHR, "a character device"),
                                         (stat.S_ISBLK, "a block device"),
                                         (stat.S_ISSOCK, "a socket")) if test(mode)),
                "not a regular file")


def up_to_date(src: Path, dst: Path) -> bool:
    try:
        return dst.stat().st_mtime_ns >= src.stat().st_mtime_ns
    except OSError:
        return False


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_errors(path: Path) -> list[dict]:
    """The failures an earlier run listed (none if it listed none, or the list is not
    one of ours): kept until their inputs are redone."""
    try:
        with open(path, "rb") as f:
            found = [json.loads(line) for line in f]
    except (OSError, ValueError):
        return []
    return found if all(isinstance(e, dict) and "error" in e for e in found) else []
