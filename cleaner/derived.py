"""What is derived from each rule pattern, kept on disk so that each process does not
derive it again.

A pattern's prefilter atoms (prefilter.atoms, ~0.5 ms a pattern: ~0.3 s for the
built-in rules' ~570 patterns, most of `clean` on one page after importing, loading and
compiling) and its search plan (scan.step_costs and scan.precheck: ~1 to 50 ms, ~1.2 s
in all, which is why a pattern was planned only at its PLAN_AFTER-th search) come from
parsing it with the stdlib parser, and every process paid them again. Both depend only
on the pattern's source and flags and on the code that derives them, so they are kept in
one JSON file in the user's cache folder (CLEANER_CACHE_DIR; empty: none), named by a
hash of that code (prefilter.py, scan.py, ruleset.py), the Python version (its parser)
and the regex module's version: any change of these starts a new file, never a stale
value. The file holds data only (strings and numbers; a precheck as its pattern's text,
compiled again), is read when a Cleaner is made and written when the process ends, so
cleaning a page opens and writes nothing; only a file that is the user's own and that
no one else may write is read. A file that cannot be read or written costs
only time: the values are derived again.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import os
import sys
import threading
from pathlib import Path

import regex

MISSING = object()     # get(): nothing stored under this key
_CODE = ("prefilter.py", "scan.py", "ruleset.py")

# kind -> key -> JSON value: what the file held when read, and what was derived since
_entries: dict[str, dict[str, object]] | None = None
_new = 0                # values derived since the file was read or written
_path: Path | None = None
_lock = threading.Lock()    # threads sharing a Cleaner derive and save alike
_saver: int | None = None   # the process that has `save` run at its exit


def prepare() -> None:
    """Read the file, if not yet read (a Cleaner does, when made)."""
    global _entries, _path
    with _lock:
        if _entries is None:
            _path = _file()
            _entries = _read(_path) if _path is not None else {}


def get(kind: str, key: str):
    """The stored value (JSON: lists, strings, numbers, None), or MISSING."""
    if _entries is None:
        prepare()
    return _entries.get(kind, {}).get(key, MISSING)


def put(kind: str, key: str, value) -> None:
    """Store a derived value; it is written when the process ends."""
    global _new
    if _entries is None:
        prepare()
    with _lock:
        _entries.setdefault(kind, {})[key] = value
        _new += 1
    _save_at_exit()


def _save_at_exit() -> None:
    """Have `save` run when this process ends (once per process: a forked worker
    inherits what its parent read, not its exit handlers)."""
    global _saver
    if _saver != os.getpid():
        _saver = os.getpid()
        atexit.register(save)
        # a worker of a process pool ends without atexit, after its finalizers
        if "multiprocessing.util" in sys.modules:
            sys.modules["multiprocessing.util"].Finalize(None, save, exitpriority=0)


def save() -> None:
    """Write what was derived, merged with what other processes wrote meanwhile (the
    file is replaced at once; of two writes at the same moment one is lost, which only
    costs time)."""
    global _new, _path
    with _lock:
        if not _new or _path is None:
            return
        try:
            on_disk = _read(_path)
            for kind, values in _entries.items():
                on_disk.setdefault(kind, {}).update(values)
            _path.parent.mkdir(parents=True, exist_ok=True)
            tmp = _path.with_name(f"{_path.name}.{os.getpid()}.tmp")
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                      encoding="utf-8") as f:
                f.write(json.dumps(on_disk))
            os.replace(tmp, _path)
        except OSError:
            _path = None       # unwritable: derive in memory only, and stop trying
        _new = 0


def _read(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            st = os.fstat(f.fileno())
            # a stored plan lets a search run without its timeout: only a file that no
            # one else could have written is believed
            if st.st_uid != os.getuid() or st.st_mode & 0o022:
                return {}
            data = json.loads(f.read())
    except (OSError, ValueError):       # missing, or cut short: derived again
        return {}
    if not isinstance(data, dict):
        return {}
    return {kind: values for kind, values in data.items() if isinstance(values, dict)}


def _file() -> Path | None:
    folder = os.environ.get("CLEANER_CACHE_DIR")
    try:
        if folder is None:
            folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cleaner"
        if not folder:
            return None
        here = Path(__file__).resolve().parent
        code = hashlib.sha256(f"{sys.version}\n{regex.__version__}\n".encode())
        for name in _CODE:
            code.update((here / name).read_bytes())
    except (OSError, RuntimeError):      # no home folder, or the code is not in files
        return None
    return Path(folder) / f"derived-{code.hexdigest()[:16]}.json"
