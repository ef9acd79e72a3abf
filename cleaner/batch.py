"""Clean whole folders and JSONL corpora on every core: walk, worker pool, atomic
writes, resume, summary. Progress goes out through a callback (the CLI draws the bar).

Folder mode: each input file is cleaned by a worker and written to a temporary name
beside its output, then `os.replace`d into place, so a kill never leaves a half file.
A rerun skips outputs newer than their input.

JSONL mode, resumable by design: output goes to `OUT.part` (errors to
`OUT.errors.jsonl.part`) in input order, one chunk of records at a time (for `.gz`
output each chunk is its own gzip member, written with mtime 0, so the bytes do not
depend on when they were written). After a chunk, at most once a second, both part
files are fsync'd and a sidecar `OUT.part.state` records the input offset reached, the
part files' sizes and the counters, replaced atomically. A rerun after a kill
truncates the part files to the recorded sizes, seeks the input to the recorded offset
and goes on; chunk boundaries are counted from there exactly as in an uninterrupted
run, so the finished output is byte for byte the same. The part file is renamed to
OUT at the end.
"""
from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import io
import json
import os
import re
import signal
import stat
import threading
import time
import zlib
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from . import outputs
from .decode import shown_name
from .pipeline import Cleaner
from .records import Fields, clean_record, summary

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
CHUNK_RECORDS = 64             # JSONL records per task: enough that IPC is noise
CHUNK_BYTES = 4 << 20          # ... unless they are big
CHUNK_FILES = 16               # folder mode: files per task
CHECKPOINT_SECONDS = float(os.environ.get("CLEANER_BATCH_CHECKPOINT_SECONDS", "1"))
STATE_VERSION = 1
PARENT_CHECK_SECONDS = 0.5     # how soon a worker of a killed batch notices and leaves
# bounds on what is read into memory at once; news pages are far smaller
MAX_PAGE_MB = 32               # a folder page, after decompression for .gz
MAX_RECORD_MB = 64             # a JSONL line, after decompression for .jsonl.gz


class BatchError(ValueError):
    """Bad arguments: nothing was done (exit 2)."""


class BatchFailed(RuntimeError):
    """The run stopped midway (a worker died, the list of failures could not be
    written); what is written stays, a rerun resumes. `summary`: what was done, if known."""

    def __init__(self, message: str, summary: "Summary | None" = None):
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


@dataclass
class Summary:
    mode: str = ""
    pages: int = 0                      # cleaned now
    skipped: int = 0                    # up to date, not redone
    failed: int = 0
    outlets: dict = field(default_factory=dict)    # outlet id (or "unknown") -> pages
    fallback: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    bytes_in: int = 0
    wall_seconds: float = 0.0
    errors_file: str | None = None
    failures: list = field(default_factory=list)   # the first few, for the summary
    earlier_failed: int = 0             # of `failed`: left by earlier runs, not redone now
    resumed_at_line: int | None = None  # JSONL: this run went on from this input line
    earlier_pages: int = 0              # of `pages`: cleaned by the runs it went on from

    def add(self, part: dict) -> None:
        self.pages += part["pages"]
        self.fallback += part["fallback"]
        self.chars_in += part["chars_in"]
        self.chars_removed += part["chars_removed"]
        self.bytes_in += part["bytes_in"]
        for k, v in part["outlets"].items():
            self.outlets[k] = self.outlets.get(k, 0) + v

    def to_dict(self) -> dict:
        return asdict(self)


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
    if not inp.is_dir() and (kind := _not_regular(inp.stat().st_mode)):
        raise BatchError(f"{inp}: is {kind}, not a regular file")
    # fail on bad user rules here, once, before any worker starts (a Cleaner compiles
    # every pattern not shipped with it; compiling the built-in ones too cost ~0.15 s
    # of start-up, and workers compile the ones they use as they go)
    Cleaner(rules=opts.rules or None, disable=opts.disable)
    started = time.perf_counter()
    if not inp.is_dir() and not is_jsonl(inp):
        raise BatchError(f"{inp}: not a folder or a .jsonl[.gz] file (clean single pages "
                         "with `clean FILE`)")
    if opts.report is not None and _is_input(Path(opts.report), inp):
        raise BatchError(f"--report {opts.report}: is an input; choose another file")
    from concurrent.futures.process import BrokenProcessPool
    try:
        result = (_run_folder if inp.is_dir() else _run_jsonl)(inp, out, opts, progress)
    except BrokenProcessPool:
        raise BatchFailed("a worker process died (out of memory?); outputs written so far "
                          "are kept and a rerun resumes") from None
    except outputs.OutputBusy as e:
        raise BatchError(str(e)) from None
    result.wall_seconds = round(time.perf_counter() - started, 3)
    return result


def _is_input(path: Path, inp: Path) -> bool:
    """Whether writing `path` would write the input file `inp` or a file in the input
    folder `inp` (through links too)."""
    real, rin = os.path.realpath(path), os.path.realpath(inp)
    if real == rin or (inp.is_dir() and real.startswith(rin.rstrip(os.sep) + os.sep)):
        return True
    try:
        return os.path.samefile(path, inp)     # a hard link
    except OSError:
        return False


# ---- workers ---------------------------------------------------------------------

_cleaner: Cleaner | None = None


def _init_worker(rules: list[str], disable: list[str]) -> None:
    global _cleaner
    # Ctrl-C is the parent's to handle (state kept, "interrupted"): no worker tracebacks
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_leave_with_parent, args=(os.getppid(),), daemon=True).start()
    _cleaner = Cleaner(rules=rules or None, disable=disable)


def _leave_with_parent(parent: int) -> None:
    """A worker whose batch was killed (kill -9) would wait on the pool's queue forever,
    so it leaves once it has been orphaned."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


@contextlib.contextmanager
def _pool(opts: Options):
    # imported here: `clean FILE` loads this module and must start fast
    from concurrent.futures import ProcessPoolExecutor
    pool = ProcessPoolExecutor(max_workers=opts.jobs or default_jobs(),
                               initializer=_init_worker, initargs=(opts.rules, opts.disable))
    try:
        yield pool
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


def _stop(pool) -> None:
    """End the workers now (Ctrl-C, a failure) rather than wait for their tasks: what
    they were doing is not checkpointed yet, so a rerun redoes it. Waiting, a second
    Ctrl-C broke into the executor's join and hung the run; further Ctrl-Cs are ignored
    for the few milliseconds this takes."""
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        # the executor has no public way to end its workers (3.14 adds terminate_workers)
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in workers:
            proc.terminate()
        for proc in workers:
            proc.join(5)
    finally:
        if main:
            signal.signal(signal.SIGINT, old)


def _stats() -> dict:
    return {"pages": 0, "fallback": 0, "chars_in": 0, "chars_removed": 0, "bytes_in": 0,
            "outlets": Counter()}


def _count(stats: dict, meta: dict, chars_out: int) -> None:
    stats["pages"] += 1
    stats["fallback"] += bool(meta["fallback"])
    stats["chars_in"] += chars_out + meta["removed_chars"]
    stats["chars_removed"] += meta["removed_chars"]
    stats["outlets"][meta["outlet"] or "unknown"] += 1


def _reason(e: BaseException) -> str:
    return str(e) or type(e).__name__


def _jsonl_chunk(lines: list[bytes | str], first: int, fields: Fields,
                 cleaner: Cleaner | None = None) -> tuple[bytes, list, dict]:
    """Clean a run of JSONL lines: the output lines, the errors, the counters. A str in
    place of a line is the reason it was not read (_lines). `cleaner` defaults to the
    pool worker's; Dask workers pass their own."""
    cleaner = cleaner or _cleaner
    text_key = fields.output or fields.text
    out, errors, stats = [], [], _stats()
    for n, raw in enumerate(lines, first):
        if isinstance(raw, str):
            errors.append({"line": n, "error": raw})
            continue
        stats["bytes_in"] += len(raw)
        if not raw.strip():
            continue
        try:
            try:
                record = _load(raw)
            except ValueError as e:        # includes invalid UTF-8
                raise ValueError(f"malformed JSON line: {e}") from None
            cleaned = clean_record(cleaner, record, fields)
            out.append(_jsonl_line(cleaned))
        except Exception as e:             # one bad record never stops the batch
            errors.append({"line": n, "error": _reason(e)})
            continue
        _count(stats, cleaned[fields.meta], len(cleaned[text_key]))
    return b"".join(out), errors, stats


class Literal:
    """A JSON number that would not be written back as it was read (1e400 would become
    Infinity, 1E2 100.0, -0 0): kept as its text, so a record's other fields come out
    as they went in."""
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"Literal({self.text!r})"


def _float(text: str):
    value = float(text)
    return value if repr(value) == text else Literal(text)


def _int(text: str):
    if text == "-0":
        return Literal(text)
    try:
        return int(text)
    except ValueError:           # more digits than Python converts
        return Literal(text)


_NUMBERS = {"parse_float": _float, "parse_int": _int}
# One decoder and encoder for every record: `json.dumps(..., ensure_ascii=False)` builds
# an encoder per call. Circular references cannot come out of a JSON line.
_decode = json.JSONDecoder(**_NUMBERS).decode
_dump = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
_dump_ascii = json.JSONEncoder(check_circular=False).encode


def _load(raw: bytes):
    """json.loads(raw), minus its encoding sniffing for the usual line: UTF-8 that
    decodes as JSON. Anything else (a BOM, UTF-16/32, encoded surrogates, bad JSON)
    goes through json.loads itself, so values and error messages are its own. Numbers
    that would not be written back as read come as Literal."""
    try:
        return _decode(raw.decode())
    except ValueError:
        return json.loads(raw, **_NUMBERS)


def _jsonl_line(record: dict) -> bytes:
    """`json.dumps(record, ensure_ascii=False)` as a UTF-8 line, Literals as written."""
    try:
        return (_encode(record, _dump) + "\n").encode("utf-8")
    except UnicodeEncodeError:   # lone surrogates (from \ud800 escapes):
        return (_encode(record, _dump_ascii) + "\n").encode("ascii")   # ASCII escapes keep them


def _encode(record: dict, dump) -> str:
    try:
        return dump(record)
    except TypeError:            # a Literal in it: the rare record built piece by piece
        return _with_literals(record, dump)


def _with_literals(value, dump) -> str:
    """dump(value) with json.dumps's separators, each Literal as its text."""
    if isinstance(value, Literal):
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{dump(k)}: {_with_literals(v, dump)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_with_literals(v, dump) for v in value) + "]"
    return dump(value)


def _file_chunk(jobs: list[tuple[str, str, str]], fmt: str, root: str | None = None,
                max_mb: float = MAX_PAGE_MB) -> tuple[list, dict]:
    """Clean files (source, output, relative name); each output replaced atomically, in
    a folder that really is under `root` (OUT, resolved), not behind a planted link.
    Paths stay strings: pathlib objects were a third of the Python work per file."""
    errors, stats = [], _stats()
    made: set[str] = set()                 # output folders known to exist and checked
    for src, dst, rel in jobs:
        try:
            data = _read(src, max_mb)
            stats["bytes_in"] += len(data)
            html = True if _base_suffix(src) in HTML_SUFFIXES else None
            result = _cleaner.clean(data, html=html)
            meta = summary(result)
            if fmt == "json":
                page = {"source": shown_name(rel), **result.to_dict(),
                        "removed_lines": meta["removed_lines"],
                        "removed_chars": meta["removed_chars"]}
                body = (_dump(page) + "\n").encode("utf-8", "surrogatepass")
            else:
                body = result.text.encode("utf-8", "surrogatepass")
            _make_folder(os.path.dirname(dst), made, root)
            outputs.write_atomic(dst, body)
        except Exception as e:
            errors.append({"path": shown_name(rel), "error": _reason(e)})
            continue
        _count(stats, meta, len(result.text))
    return errors, stats


def _read(path: str, max_mb: float) -> bytes:
    """A page's bytes, decompressed for .gz, up to `max_mb`: a gzip bomb or an endless
    file is refused, not read into memory."""
    limit = int(max_mb * 2**20)
    with _open_regular(path) as f, (gzip.GzipFile(fileobj=f, mode="rb")
                                    if path.lower().endswith(".gz") else f) as page:
        data = page.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"page is over the {max_mb:g} MB limit (--max-page-mb raises it)")
    return data


def _open_regular(path) -> io.BufferedReader:
    """`open(path, "rb")` for a regular file only: a FIFO would block forever, a device
    such as /dev/zero never end."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if kind := _not_regular(os.fstat(fd).st_mode):
            raise NotRegularFile(errno.EINVAL, f"is {kind}, not a regular file: skipped",
                                 os.fsdecode(path))
        os.set_blocking(fd, True)
        return open(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class NotRegularFile(OSError):
    """A FIFO, device or socket where a page or corpus should be; its reason is the
    message alone (the path is said where it is listed)."""

    def __str__(self) -> str:
        return self.strerror


def _not_regular(mode: int) -> str | None:
    """What a file is if it is not a regular file ("a FIFO"), else None."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISDIR, "a folder"),
                                         (stat.S_ISCHR, "a character device"),
                                         (stat.S_ISBLK, "a block device"),
                                         (stat.S_ISSOCK, "a socket")) if test(mode)),
                "not a regular file")


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _make_folder(folder: str, made: set[str], root: str | None) -> None:
    """Make an output folder once per run of files in it; one that resolves outside
    `root` (a link planted in OUT) is refused."""
    if folder in made:
        return
    os.makedirs(folder, exist_ok=True)
    real = os.path.realpath(folder)
    if root is not None and not _within(real, root):
        raise OSError(errno.EPERM, "output folder leads outside OUT (a link?)", folder)
    made.add(folder)


def _base_suffix(name: str) -> str:
    name = name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]


# ---- folder mode -----------------------------------------------------------------

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
                         or not _within(os.path.realpath(os.path.join(root, d)), far))
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


FOLDER_LOCK = ".clean-batch.lock"


def _run_folder(inp: Path, out: Path, opts: Options, progress: Progress) -> Summary:
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
        if not opts.force and _up_to_date(path, dst):
            res.skipped += 1
            continue
        todo.append((str(path), str(dst), rel))
    for folder in {(out / d).parent for d in claimed} | {out}:
        outputs.sweep_temporaries(folder)
    progress.start(len(todo), sum(_size(Path(s)) for s, _, _ in todo))
    chunks = [todo[i:i + CHUNK_FILES] for i in range(0, len(todo), CHUNK_FILES)]
    with _pool(opts) as pool:
        root = os.path.realpath(out)
        tasks = ((_file_chunk, c, opts.fmt, root, opts.max_page_mb) for c in chunks)
        for errors, stats in _ordered(pool, tasks, opts):
            failures += errors
            res.add(stats)
            progress.advance(stats["pages"] + len(errors), stats["bytes_in"])
    attempted = {shown_name(rel) for _, _, rel in todo} | {f["path"] for f in failures}
    earlier = [f for f in _read_errors(out / "errors.jsonl")
               if f.get("path") not in attempted and os.path.lexists(inp / f.get("path", ""))]
    res.earlier_failed = len(earlier)
    _finish_errors(res, out / "errors.jsonl", failures + earlier)
    return res


def _read_errors(path: Path) -> list[dict]:
    """The failures an earlier run listed (none if it listed none, or the list is not
    one of ours): kept until their inputs are redone."""
    try:
        with open(path, "rb") as f:
            found = [json.loads(line) for line in f]
    except (OSError, ValueError):
        return []
    return found if all(isinstance(e, dict) and "error" in e for e in found) else []


def _up_to_date(src: Path, dst: Path) -> bool:
    try:
        return dst.stat().st_mtime_ns >= src.stat().st_mtime_ns
    except OSError:
        return False


def _part_size(path: Path) -> int:
    """The size of a part file a run left, or -1 if it is not one (missing, a link)."""
    try:
        st = os.lstat(path)
    except OSError:
        return -1
    return st.st_size if stat.S_ISREG(st.st_mode) and st.st_nlink == 1 else -1


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _finish_errors(res: Summary, path: Path, failures: list) -> None:
    res.failed = len(failures)
    res.failures = failures[:20]
    if failures:
        try:
            outputs.write_atomic(path, b"".join(json.dumps(f, ensure_ascii=False).encode()
                                                + b"\n" for f in failures))
        except OSError as e:
            raise BatchFailed(f"{path}: cannot write the list of failed pages: "
                              f"{e.strerror or e}", res) from None
        res.errors_file = str(path)
    else:
        path.unlink(missing_ok=True)


def _ordered(pool, tasks, opts: Options):
    """Results of tasks in submission order, with a bounded number in flight so a huge
    input is never queued whole."""
    window = 4 * (opts.jobs or default_jobs())
    pending: deque = deque()
    tasks = iter(tasks)
    try:
        for fn, *args in tasks:
            pending.append(pool.submit(fn, *args))
            while len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for f in pending:
            f.cancel()


# ---- JSONL mode ------------------------------------------------------------------

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


def _run_jsonl(inp: Path, out: Path, opts: Options, progress: Progress) -> Summary:
    if _is_input(out, inp):
        raise BatchError(f"{out}: is the input file; choose another output")
    if out.is_dir():
        raise BatchError(f"{out}: is a folder; choose another output")
    paths = _jsonl_outputs(out)
    for what, path in paths.items():
        if _is_input(path, inp):
            raise BatchError(f"{inp}: is the {what} of {out}; choose another output")
    out.parent.mkdir(parents=True, exist_ok=True)
    with outputs.Lock(paths["lock"], out):
        outputs.sweep_temporaries(out.parent, {paths["state file"].name}.__contains__)
        return _run_jsonl_locked(inp, out, opts, progress, paths)


def _run_jsonl_locked(inp: Path, out: Path, opts: Options, progress: Progress,
                      paths: dict[str, Path]) -> Summary:
    errors_out = paths["errors file"]
    if not opts.force and _up_to_date(inp, out):
        res = Summary(mode="jsonl", skipped=1)
        earlier = _read_errors(errors_out)
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
            with _pool(opts) as pool:
                chunks = _chunks(src, raw, state, opts.chunk, int(opts.max_record_mb * 2**20))
                for (body, errors, stats), (offset, line, read) in _ordered_with(
                        pool, chunks, opts):
                    writing = line - 1
                    if gz_out:
                        with gzip.GzipFile(fileobj=pf, mode="wb", mtime=0, filename="",
                                           compresslevel=6) as z:
                            z.write(body)
                    else:
                        pf.write(body)
                    for e in errors:
                        ef.write(json.dumps(e, ensure_ascii=False).encode() + b"\n")
                    res.add(stats)
                    res.failed += len(errors)
                    res.failures = (res.failures + errors)[:20]
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
        self.raw = _open_regular(self.path)
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


def _lines(src, limit: int):
    """(line, bytes read) for each line of a binary stream. A line over `limit` bytes is
    read through without being kept: its reason comes in its place."""
    while rec := src.readline(limit + 1):
        if len(rec) <= limit:
            yield rec, len(rec)
            continue
        n = len(rec)
        while not rec.endswith(b"\n") and (rec := src.readline(1 << 20)):
            n += len(rec)
        yield (f"record is over the {limit / 2**20:g} MB limit (--max-record-mb raises "
               "it)"), n


def _chunks(src, raw, state: dict, size: int, limit: int):
    """(tag, lines, first line number) per chunk; the tag says where the input stands
    after it: decompressed offset, next line number, file position read."""
    offset, line = state["offset"], state["line"]
    batch, nbytes, first = [], 0, line
    for rec, n in _lines(src, limit):
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
            yield _jsonl_chunk, batch, first, opts.fields

    for result in _ordered(pool, tasks(), opts):
        yield result, tagged.popleft()


def _load_state(path: Path, fingerprint: str) -> dict | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if state.get("fingerprint") == fingerprint else None


def _write_state(path: Path, state: dict) -> None:
    outputs.write_atomic(path, json.dumps(state).encode(), fsync=True)
