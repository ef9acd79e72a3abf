"""JSONL mode, resumable by design: output goes to `OUT.part` (errors to
`OUT.errors.jsonl.part`) in input order, one chunk of records at a time (for `.gz`
output each chunk is its own gzip member, written with mtime 0, so the bytes do not
depend on when they were written). After a chunk, at most once a second, both part
files are fsync'd and a sidecar `OUT.part.state` records the input offset reached, the
part files' sizes and the counters, replaced atomically. A rerun after a kill
truncates the part files to the recorded sizes, seeks the input to the recorded offset
and goes on; chunk boundaries are counted from there exactly as in an uninterrupted
run, so the finished output is byte for byte the same. The part file is renamed to
OUT at the end."""
from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import io
import json
import os
import stat
import time
import zlib
from collections import deque
from dataclasses import asdict
from pathlib import Path

from .. import outputs
from ..records import Summary, error_line, read_lines
from . import pool as workers
from .base import (CHUNK_BYTES, BatchError, Options, Progress, is_input, open_regular,
                   read_errors, up_to_date)

CHECKPOINT_SECONDS = float(os.environ.get("CLEANER_BATCH_CHECKPOINT_SECONDS", "1"))
STATE_VERSION = 1


def _errors_path(out: Path) -> Path:
    name = out.name
    for ext in (".jsonl.gz", ".ndjson.gz", ".jsonl", ".ndjson", ".gz"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
            break
    return out.with_name(name + ".errors.jsonl")


def _fingerprint(inp: Path, out: Path, opts: Options) -> str:
    st = inp.stat()
    key = [str(inp.resolve()), st.st_size, st.st_mtime_ns, str(out.resolve()),
           asdict(opts.fields), opts.rules, opts.disable, opts.chunk, STATE_VERSION]
    return hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()


def _jsonl_outputs(out: Path) -> dict[str, Path]:
    """Every file a JSONL run writes, by what it is."""
    errors = _errors_path(out)
    return {"output": out, "part file": out.with_name(out.name + ".part"),
            "state file": out.with_name(out.name + ".part.state"),
            "errors file": errors, "errors part file": errors.with_name(errors.name + ".part"),
            "lock": out.with_name(out.name + ".lock")}


def run_jsonl(inp: Path, out: Path, opts: Options, progress: Progress) -> Summary:
    if is_input(out, inp):
        raise BatchError(f"{out}: is the input file; choose another output")
    if out.is_dir():
        raise BatchError(f"{out}: is a folder; choose another output")
    paths = _jsonl_outputs(out)
    for what, path in paths.items():
        if is_input(path, inp):
            raise BatchError(f"{inp}: is the {what} of {out}; choose another output")
    out.parent.mkdir(parents=True, exist_ok=True)
    with outputs.Lock(paths["lock"], out):
        outputs.sweep_temporaries(out.parent, {paths["state file"].name}.__contains__)
        return _run_jsonl_locked(inp, out, opts, progress, paths)


def _run_jsonl_locked(inp: Path, out: Path, opts: Options, progress: Progress,
                      paths: dict[str, Path]) -> Summary:
    errors_out = paths["errors file"]
    if not opts.force and up_to_date(inp, out):
        res = Summary(mode="jsonl", skipped=1)
        earlier = read_errors(errors_out)
        if earlier:     # the run that wrote OUT failed these: they are still failed
            res.failed = res.earlier_failed = len(earlier)
            res.failures = earlier[:20]
            res.errors_file = str(errors_out)
        return res
    part, err_part = paths["part file"], paths["errors part file"]
    state_path = paths["state file"]
    fp = _fingerprint(inp, out, opts)
    state = _load_state(state_path, fp) if not opts.force else None
    if state is not None and not (_part_size(part) >= state["part"]
                                  and _part_size(err_part) >= state["errors"]):
        state = None                    # part files lost, cut short or replaced: start over
    res = Summary(mode="jsonl")
    fresh = state is None
    if fresh:
        state = {"fingerprint": fp, "offset": 0, "line": 1, "part": 0, "errors": 0,
                 "summary": res.to_dict()}
        for p in (part, err_part):      # a planted link or file at a part name goes
            with contextlib.suppress(FileNotFoundError):
                os.unlink(p)
    else:
        saved = state["summary"]
        for k in ("pages", "failed", "fallback", "chars_in", "chars_removed", "bytes_in"):
            setattr(res, k, saved[k])
        res.outlets = dict(saved["outlets"])
        res.failures = saved["failures"]
        res.resumed_at_line, res.earlier_pages = state["line"], res.pages
    gz_out = out.name.lower().endswith(".gz")
    total = inp.stat().st_size
    progress.start(None, total)
    writing = None      # the last input line whose output is being written, if any
    unsaved = [state["line"]]     # first input line whose output is not checkpointed yet
    try:
        part_file = outputs.create if fresh else outputs.open_existing
        with part_file(part) as pf, part_file(err_part) as ef, \
                _open_input(inp) as (src, raw):
            pf.truncate(state["part"])
            ef.truncate(state["errors"])
            pf.seek(0, io.SEEK_END)
            ef.seek(0, io.SEEK_END)
            _skip(src, state["offset"])
            progress.advance(0, raw.tell())

            def checkpoint():
                for f in (pf, ef):
                    f.flush()
                    os.fsync(f.fileno())
                state.update(part=pf.tell(), errors=ef.tell(), summary=res.to_dict())
                _write_state(state_path, state)
                unsaved[0] = state["line"]

            last = time.monotonic()
            done_bytes = raw.tell()
            with workers.process_pool(opts) as pool:
                chunks = _chunks(src, raw, state, opts.chunk, int(opts.max_record_mb * 2**20))
                for (body, errors, stats), (offset, line, read) in _ordered_with(
                        pool, chunks, opts):
                    writing = line - 1
                    pf.write(outputs.gzip_member(body) if gz_out else body)
                    ef.write(b"".join(map(error_line, errors)))
                    res.add(stats)
                    res.add_failures(errors)
                    state["offset"], state["line"] = offset, line
                    # progress in file bytes (compressed for .gz) read up to this chunk
                    progress.advance(stats["pages"] + len(errors), read - done_bytes)
                    done_bytes = read
                    if time.monotonic() - last >= CHECKPOINT_SECONDS:
                        checkpoint()
                        last = time.monotonic()
                    writing = None
            writing = state["line"] - 1
            checkpoint()
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        # what was cleaned stays in the part file; OUT is not presented as finished
        raise OSError(errno.EIO, f"compressed input is truncated or corrupt (after input "
                      f"line {state['line'] - 1}): {e}", str(inp)) from None
    except OSError as e:
        if writing is None:
            raise
        # a full disk: name the pages not saved; the part file keeps all checkpointed
        # output, and a rerun resumes from there
        raise OSError(e.errno, f"cannot write the output of input lines {unsaved[0]}-"
                      f"{writing}: {e.strerror or e}", str(part)) from None
    os.replace(part, out)
    if res.failed:
        os.replace(err_part, errors_out)
        res.errors_file = str(errors_out)
    else:
        err_part.unlink()
        errors_out.unlink(missing_ok=True)
    state_path.unlink()
    return res


class _open_input:
    """(decompressed line stream, raw file) of a .jsonl or .jsonl.gz input."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.raw = open_regular(self.path)
        if self.path.name.lower().endswith(".gz"):
            self.src = gzip.GzipFile(fileobj=self.raw, mode="rb")
        else:
            self.src = self.raw
        return self.src, self.raw

    def __exit__(self, *exc):
        self.src.close()
        self.raw.close()


def _skip(src, offset: int) -> None:
    if not offset:
        return
    if isinstance(src, gzip.GzipFile):     # no random access: read through
        while offset:
            offset -= len(src.read(min(offset, 1 << 20)))
    else:
        src.seek(offset)


def _chunks(src, raw, state: dict, size: int, limit: int):
    """(tag, lines, first line number) per chunk; the tag says where the input stands
    after it: decompressed offset, next line number, file position read."""
    offset, line = state["offset"], state["line"]
    batch, nbytes, first = [], 0, line
    for rec, n in read_lines(src, limit):
        batch.append(rec)
        nbytes += n
        if len(batch) >= size or nbytes >= CHUNK_BYTES:
            offset += nbytes
            yield (offset, first + len(batch), raw.tell()), batch, first
            first += len(batch)
            batch, nbytes = [], 0
    if batch:
        yield (offset + nbytes, first + len(batch), raw.tell()), batch, first


def _ordered_with(pool, chunks, opts: Options):
    tagged = deque()

    def tasks():
        for tag, batch, first in chunks:
            tagged.append(tag)
            yield workers.clean_jsonl_task, batch, first, opts.fields

    for result in workers.ordered(pool, tasks(), opts):
        yield result, tagged.popleft()


def _load_state(path: Path, fingerprint: str) -> dict | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if state.get("fingerprint") == fingerprint else None


def _write_state(path: Path, state: dict) -> None:
    outputs.write_atomic(path, json.dumps(state).encode(), fsync=True)


def _part_size(path: Path) -> int:
    """The size of a part file a run left, or -1 if it is not one (missing, a link)."""
    try:
        st = os.lstat(path)
    except OSError:
        return -1
    return st.st_size if stat.S_ISREG(st.st_mode) and st.st_nlink == 1 else -1
