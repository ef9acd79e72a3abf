"""Folder mode: each page under IN is cleaned by a worker and written to a temporary
name beside its output, then renamed into place, so a kill never leaves a half file. A
rerun skips outputs newer than their input; failures of pages it does not redo stay
listed in OUT/errors.jsonl."""
from __future__ import annotations

import errno
import gzip
import os
from fnmatch import fnmatch
from pathlib import Path

from .. import outputs
from ..decode import shown_name
from ..records import (Summary, count_page, dump_page, error_line, new_stats, page_meta,
                       reason)
from . import pool as workers
from .base import (MAX_PAGE_MB, BatchError, BatchFailed, Options, Progress, file_size,
                   open_regular, read_errors, up_to_date, within)

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
CHUNK_FILES = 16               # files per task
FOLDER_LOCK = ".clean-batch.lock"


def _check_folder_args(inp: Path, out: Path) -> None:
    rin, rout = inp.resolve(), out.resolve()
    if rout == rin or rin in rout.parents:
        raise BatchError(f"output folder {out} is inside input folder {inp}: choose another")
    if rout in rin.parents:
        raise BatchError(f"input folder {inp} is inside output folder {out}: choose another")
    if out.exists() and not out.is_dir():
        raise BatchError(f"{out}: exists and is not a folder")


def walk(inp: Path, globs: list[str] = (), away: Path | None = None):
    """(path, relative posix name) of every .txt/.html/.htm[.gz] under inp, sorted;
    symlinked folders are followed once (a loop is not walked twice), but never into
    the folder `away` (OUT: a link to it would nest each rerun's output deeper)."""
    seen: set[tuple[int, int]] = set()
    far = os.path.realpath(away) if away is not None else None
    for root, dirs, files in os.walk(inp, followlinks=True):
        st = os.stat(root)
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if far is None
                         or not within(os.path.realpath(os.path.join(root, d)), far))
        for name in sorted(files):
            if _base_suffix(name) not in TEXT_SUFFIXES + HTML_SUFFIXES:
                continue
            path = Path(root) / name
            rel = path.relative_to(inp).as_posix()
            if globs and not any(fnmatch(rel, g) or fnmatch(name, g) for g in globs):
                continue
            yield path, rel


def output_name(rel: str, fmt: str) -> str:
    """a/b.html.gz -> a/b.txt.gz (json: a/b.json.gz)."""
    gz = rel.lower().endswith(".gz")
    stem = rel[:-3] if gz else rel
    stem = os.path.splitext(stem)[0] + (".json" if fmt == "json" else ".txt")
    return stem + (".gz" if gz else "")


def run_folder(inp: Path, out: Path, opts: Options, progress: Progress) -> Summary:
    _check_folder_args(inp, out)
    out.mkdir(parents=True, exist_ok=True)
    with outputs.Lock(out / FOLDER_LOCK, out):
        return _run_folder_locked(inp, out, opts, progress)


def _run_folder_locked(inp: Path, out: Path, opts: Options, progress: Progress) -> Summary:
    res = Summary(mode="folder")
    todo, claimed, failures = [], {}, []
    for path, rel in walk(inp, opts.globs, away=out):
        dst_rel = output_name(rel, opts.fmt)
        if dst_rel in claimed:
            failures.append({"path": shown_name(rel), "error": f"output {shown_name(dst_rel)} "
                             f"is already written from {shown_name(claimed[dst_rel])}"})
            continue
        claimed[dst_rel] = rel
        dst = out / dst_rel
        if not opts.force and up_to_date(path, dst):
            res.skipped += 1
            continue
        todo.append((str(path), str(dst), rel))
    for folder in {(out / d).parent for d in claimed} | {out}:
        outputs.sweep_temporaries(folder)
    progress.start(len(todo), sum(file_size(Path(s)) for s, _, _ in todo))
    chunks = [todo[i:i + CHUNK_FILES] for i in range(0, len(todo), CHUNK_FILES)]
    with workers.process_pool(opts) as pool:
        root = os.path.realpath(out)
        tasks = ((_file_chunk, c, opts.fmt, root, opts.max_page_mb) for c in chunks)
        for errors, stats in workers.ordered(pool, tasks, opts):
            failures += errors
            res.add(stats)
            progress.advance(stats["pages"] + len(errors), stats["bytes_in"])
    attempted = {shown_name(rel) for _, _, rel in todo} | {f["path"] for f in failures}
    earlier = [f for f in read_errors(out / "errors.jsonl")
               if f.get("path") not in attempted and os.path.lexists(inp / f.get("path", ""))]
    res.earlier_failed = len(earlier)
    _finish_errors(res, out / "errors.jsonl", failures + earlier)
    return res


def _finish_errors(res: Summary, path: Path, failures: list) -> None:
    res.add_failures(failures)
    if failures:
        try:
            outputs.write_atomic(path, b"".join(map(error_line, failures)))
        except OSError as e:
            raise BatchFailed(f"{path}: cannot write the list of failed pages: "
                              f"{e.strerror or e}", res) from None
        res.errors_file = str(path)
    else:
        path.unlink(missing_ok=True)


def _file_chunk(jobs: list[tuple[str, str, str]], fmt: str, root: str | None = None,
                max_mb: float = MAX_PAGE_MB) -> tuple[list, dict]:
    """Clean files (source, output, relative name); each output replaced atomically, in
    a folder that really is under `root` (OUT, resolved), not behind a planted link.
    Paths stay strings: pathlib objects were a third of the Python work per file."""
    cleaner, errors, stats = workers.worker_cleaner(), [], new_stats()
    made: set[str] = set()                 # output folders known to exist and checked
    for src, dst, rel in jobs:
        try:
            data = _read(src, max_mb)
            stats["bytes_in"] += len(data)
            html = True if _base_suffix(src) in HTML_SUFFIXES else None
            result = cleaner.clean(data, html=html)
            meta = page_meta(result)
            if fmt == "json":
                page = {"source": shown_name(rel), **result.to_dict(),
                        "removed_lines": meta["removed_lines"],
                        "removed_chars": meta["removed_chars"]}
                body = dump_page(page)
            else:
                body = result.text.encode("utf-8", "surrogatepass")
            _make_folder(os.path.dirname(dst), made, root)
            outputs.write_atomic(dst, body)
        except Exception as e:
            errors.append({"path": shown_name(rel), "error": reason(e)})
            continue
        count_page(stats, meta, len(result.text))
    return errors, stats


def _read(path: str, max_mb: float) -> bytes:
    """A page's bytes, decompressed for .gz, up to `max_mb`: a gzip bomb or an endless
    file is refused, not read into memory."""
    limit = int(max_mb * 2**20)
    with open_regular(path) as f:
        if path.lower().endswith(".gz"):
            with gzip.GzipFile(fileobj=f, mode="rb") as page:
                data = _read_upto(page, limit + 1, 1 << 20)
        else:   # sized by the file: read(limit) would allocate the whole limit each time
            data = _read_upto(f, limit + 1, os.fstat(f.fileno()).st_size + 1)
    if len(data) > limit:
        raise ValueError(f"page is over the {max_mb:g} MB limit (--max-page-mb raises it)")
    return data


def _read_upto(f, most: int, step: int) -> bytes:
    """At most `most` bytes of f, read `step` at a time (the first read is usually all)."""
    parts, n = [], 0
    while n < most and (chunk := f.read(min(step, most - n))):
        parts.append(chunk)
        n += len(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _make_folder(folder: str, made: set[str], root: str | None) -> None:
    """Make an output folder once per run of files in it; one that resolves outside
    `root` (a link planted in OUT) is refused."""
    if folder in made:
        return
    os.makedirs(folder, exist_ok=True)
    real = os.path.realpath(folder)
    if root is not None and not within(real, root):
        raise OSError(errno.EPERM, "output folder leads outside OUT (a link?)", folder)
    made.add(folder)


def _base_suffix(name: str) -> str:
    name = name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]
