"""The worker processes of a local batch: each builds its Cleaner once, ignores Ctrl-C
(the parent's to handle), and leaves when its parent is gone; results come back in
submission order with a bounded number in flight."""
from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import deque

from ..pipeline import Cleaner
from ..records import Fields, clean_lines
from .base import Options, default_jobs

PARENT_CHECK_SECONDS = 0.5     # how soon a worker of a killed batch notices and leaves

_cleaner: Cleaner | None = None


def worker_cleaner() -> Cleaner:
    """The Cleaner of this worker process (built by the pool's initializer)."""
    return _cleaner


def clean_jsonl_task(lines: list[bytes | str], first: int, fields: Fields):
    """records.clean_lines with this worker's Cleaner: a JSONL mode task."""
    return clean_lines(_cleaner, lines, first, fields)


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
def process_pool(opts: Options):
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


def ordered(pool, tasks, opts: Options):
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
