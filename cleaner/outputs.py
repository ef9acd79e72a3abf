"""Files a batch writes, whoever runs it (the local batch, Dask shards): one writer per
output (a lock), never through a planted link (exclusive create, O_NOFOLLOW), never half
a file (a temporary name renamed into place), and the temporaries of a killed run swept.
Errors name the output the user asked for, never a temporary name."""
from __future__ import annotations

import contextlib
import errno
import fcntl
import gzip
import io
import os
import re
import stat
import uuid
from pathlib import Path

from .errors import CleanerError

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# O_EXCL: nothing that is already there (a file, a link, a FIFO) is ever written through
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _CLOEXEC
# what temporary_name makes (and, for Dask shards, what earlier versions made: .NAME.HEX.tmp)
TEMPORARY = re.compile(r"\..+\.[0-9a-f]+(-[0-9a-f]+)?\.tmp")


class OutputBusy(CleanerError, ValueError):
    """Another run holds the output's lock: nothing was done."""


def temporary_name(path: str | os.PathLike, unique: bool = False) -> str:
    """`.NAME.PID.tmp` beside path; `unique` adds a random part, for writers that may
    write one output twice at once in one process (threads)."""
    folder, name = os.path.split(os.fspath(path))
    tag = f"{os.getpid()}-{uuid.uuid4().hex}" if unique else os.getpid()
    return os.path.join(folder, f".{name}.{tag}.tmp")


def create(path: str | os.PathLike):
    """A new file open for binary writing; fails (EEXIST) if anything is at `path`."""
    return os.fdopen(os.open(path, _NEW, 0o644), "wb")


def open_existing(path: str | os.PathLike):
    """An existing part file open for appending, refused unless it is a regular file with
    no other name (a hard link would let a planted name steer the writes)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC)
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        os.close(fd)
        raise OSError(errno.EPERM, "not a regular file of its own (a planted link?)",
                      os.fspath(path))
    return os.fdopen(fd, "ab")


class AtomicFile:
    """A file that appears at `path` whole or not at all: written under a temporary name
    beside it (exclusive create) and renamed into place by commit(). discard(), or
    leaving the `with` block by an exception, removes it; leaving it otherwise commits.
    Errors name `path`, never the temporary."""

    def __init__(self, path: str | os.PathLike, fsync: bool = False, unique: bool = False):
        self.path, self.fsync = os.fspath(path), fsync
        self.tmp = temporary_name(self.path, unique)
        try:
            self.file = create(self.tmp)
        except OSError as e:   # what is at tmp is not ours: leave it
            raise OSError(e.errno, f"cannot write: {e.strerror}", self.path) from None
        self.done = False

    def write(self, data: bytes) -> None:
        try:
            self.file.write(data)
        except OSError as e:
            self.discard()
            raise OSError(e.errno, e.strerror, self.path) from None

    def commit(self) -> None:
        try:
            if self.fsync:
                self.file.flush()
                os.fsync(self.file.fileno())
            self.file.close()
            os.replace(self.tmp, self.path)
        except OSError as e:
            self.discard()
            raise OSError(e.errno, e.strerror, self.path) from None
        self.done = True

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)
        self.done = True

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, kind, *exc) -> None:
        if not self.done:
            self.discard() if kind is not None else self.commit()


def write_atomic(path: str | os.PathLike, data: bytes, fsync: bool = False) -> None:
    """`data` at `path`, all or nothing (AtomicFile); gzip with mtime 0 for a .gz name,
    so the bytes do not depend on the time."""
    with AtomicFile(path, fsync) as f:
        f.write(gzip_member(data) if f.path.lower().endswith(".gz") else data)


def gzip_member(data: bytes) -> bytes:
    """data as one gzip member with mtime 0 and no name: the same bytes whenever written
    (gzip.compress would mark a different OS byte than the batch always wrote)."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="", compresslevel=6) as z:
        z.write(data)
    return buf.getvalue()


def sweep_temporaries(folder: str | os.PathLike, owned=lambda name: True) -> None:
    """Remove what killed runs left between creating a temporary and renaming it: regular
    files named as temporary_name makes them whose output name `owned` accepts. Links
    and everything else are left alone."""
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in os.scandir(folder):
            if (TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)
                    and owned(entry.name[1:].rsplit(".", 2)[0])):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)


class Lock:
    """An exclusive lock on one output for a whole run: a POSIX record lock on a lock
    file, which belongs to this process alone (worker processes forked later do not
    hold it) and which the kernel frees when the process dies, kill -9 included, so the
    next run takes it over. The file is removed when its run ends."""

    def __init__(self, path: Path, output: Path):
        self.path, self.output = Path(path), output
        self.fd = -1

    def __enter__(self) -> "Lock":
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
                             | _CLOEXEC, 0o644)
            except OSError as e:   # a read-only OUT, a link planted at the lock's name
                raise OSError(e.errno, f"cannot write (its lock {self.path.name}: "
                              f"{e.strerror})", str(self.output)) from None
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                if e.errno not in (errno.EACCES, errno.EAGAIN):
                    os.close(fd)
                    raise
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
                os.close(fd)
                raise OutputBusy(f"{self.output} is being written by another run "
                                 f"(process {holder or '?'}, lock {self.path}); wait for it "
                                 "to end or stop it") from None
            st = os.fstat(fd)
            try:
                now = os.stat(self.path, follow_symlinks=False)
            except FileNotFoundError:
                now = None
            if now is not None and (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
                break
            os.close(fd)            # its run ended and removed it meanwhile: again
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            raise OSError(errno.EPERM, "lock is not a regular file", str(self.path))
        # a killed run's pid may still be in it: the lock is ours now
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        os.close(self.fd)
