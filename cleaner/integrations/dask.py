"""Clean corpora with Dask (pip install 'cleaner[dask]').

- `clean_bag`: a Dask bag of records (dicts with `text` or `html`, optional `url`, any
  other fields) -> the same records, cleaned, with metadata under Fields.meta.
- `clean_dataframe`: the same for a Dask dataframe with text/html/url columns; the
  metadata becomes `<meta>_<key>` columns.
- `run_shards`: a JSONL file cleaned on a dask.distributed cluster into one output shard
  per byte range of the input, each written atomically, so a rerun after a crash only
  redoes the shards that are missing.

Every record goes through records.clean_record with a Cleaner built once per worker
process (integrations.worker_cleaner); a bad record becomes an error entry, never a
failed task.
"""
from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import asdict
from itertools import accumulate
from pathlib import Path

import dask.bag as db
import dask.dataframe as dd
import pandas as pd
from distributed import Client, as_completed

from .. import batch, outputs
from ..errors import CleanerError
from ..records import (FAILURES_SHOWN, Fields, Summary, clean_lines, clean_record,
                       error_line, reason)
from . import RuleOptions, worker_cleaner

META_KEYS = ("outlet", "fallback", "title", "author", "agency", "published", "tags",
             "removed_lines", "removed_chars", "error")


def _options(rules, disable) -> RuleOptions:
    options = RuleOptions.resolve(rules, disable)
    worker_cleaner(options)   # a broken rule file fails here, in the client, not on workers
    return options


def _failed(record: object, reason: str, fields: Fields) -> dict:
    """The error entry that stands in for a bad record: the record as it came, with only
    `error` under the metadata key."""
    if isinstance(record, dict):
        return {**record, fields.meta: {"error": reason}}
    return {"record": record, fields.meta: {"error": reason}}


def _clean_records(records, options: RuleOptions, fields: Fields) -> list:
    cleaner = worker_cleaner(options)
    out = []
    for record in records:
        try:
            out.append(clean_record(cleaner, record, fields))
        except Exception as e:   # as in the local batch: one bad record never fails a task
            out.append(_failed(record, reason(e), fields))
    return out


def clean_bag(bag: db.Bag, rules=None, disable=(), fields: Fields = Fields()) -> db.Bag:
    """The bag's records cleaned, in order; a bad record comes back as the record with
    `{fields.meta: {"error": reason}}` (filter on it to split good from bad)."""
    return bag.map_partitions(_clean_records, _options(rules, disable), fields)


def _meta_columns(fields: Fields) -> dict[str, str]:
    types = {"fallback": "boolean", "removed_lines": "Int64", "removed_chars": "Int64"}
    return {f"{fields.meta}_{k}": types.get(k, "object") for k in META_KEYS}


def _clean_frame(frame: pd.DataFrame, options: RuleOptions, fields: Fields) -> pd.DataFrame:
    cleaner = worker_cleaner(options)
    target = fields.output or fields.text
    used = [c for c in (fields.text, fields.html, fields.url) if c in frame.columns]
    texts, metas = [], []
    for row in frame[used].to_dict("records"):
        record = {k: v for k, v in row.items() if not _missing(v)}
        try:
            out = clean_record(cleaner, record, fields)
            texts.append(out[target])
            metas.append(out[fields.meta])
        except Exception as e:   # as in the local batch: one bad record never fails a task
            texts.append(record.get(target))
            metas.append({"error": reason(e)})
    result = frame.copy()
    result[target] = pd.Series(texts, index=frame.index, dtype="object")
    for name, dtype in _meta_columns(fields).items():
        key = name[len(fields.meta) + 1:]
        result[name] = pd.Series([m.get(key) for m in metas], index=frame.index,
                                 dtype="object").astype(dtype)
    return result


def _missing(value) -> bool:
    """None, NaN or pd.NA: a column's empty cell, not a record's value."""
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def clean_dataframe(frame: dd.DataFrame, rules=None, disable=(),
                    fields: Fields = Fields()) -> dd.DataFrame:
    """The frame with its text column cleaned (or Fields.output added) and one
    `<meta>_<key>` column per metadata key; a bad row keeps its text and has the reason
    in `<meta>_error`. Other columns are kept as they are."""
    options = _options(rules, disable)
    return frame.map_partitions(_clean_frame, options, fields,
                                meta=_clean_frame(frame._meta, options, fields))


# ---------------------------------------------------------------- sharded JSONL batch

MANIFEST = "_job.json"


class ShardJobError(CleanerError, ValueError):
    """The job cannot start (OUT_DIR holds another job's shards, the input cannot be
    split, the scheduler cannot be reached); the message says why."""


def shard_paths(out_dir: Path, index: int, width: int) -> tuple[Path, Path]:
    stem = f"part-{index:0{width}d}"
    return out_dir / f"{stem}.jsonl", out_dir / f"{stem}.errors.jsonl"


def _aligned(f, pos: int, size: int) -> int:
    """The first line start at or after `pos`: a partition [a, b) owns exactly the lines
    that begin inside it, so neighbouring partitions never share or drop a line."""
    if pos <= 0 or pos >= size:
        return min(max(pos, 0), size)
    f.seek(pos - 1)
    f.readline()
    return f.tell()


def _span(path: str, start: int, end: int) -> tuple[int, int]:
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        return _aligned(f, start, size), _aligned(f, end, size)


def _count_lines(path: str, start: int, end: int) -> int:
    a, b = _span(path, start, end)
    count, last = 0, b"\n"
    with open(path, "rb") as f:
        f.seek(a)
        left = b - a
        while left > 0:
            chunk = f.read(min(left, 1 << 22))
            count += chunk.count(b"\n")
            last = chunk[-1:]
            left -= len(chunk)
    return count + (last != b"\n")


def _line_chunks(f, nbytes: int):
    """The next `nbytes` of f as lists of lines, sized as the local batch sizes its tasks."""
    chunk, size = [], 0
    while nbytes > 0:
        line = f.readline()
        nbytes -= len(line)
        chunk.append(line)
        size += len(line)
        if len(chunk) >= batch.CHUNK_RECORDS or size >= batch.CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def clean_shard(path: str, start: int, end: int, first_line: int, shard: str, errors: str,
                options: RuleOptions, fields: Fields) -> Summary:
    """Clean the lines beginning in [start, end) of the JSONL file into `shard` (bad ones
    into `errors`), streaming, with the local batch's own chunk function, so the bytes are
    the local batch's. The shard appears only once complete, after its errors file: a
    present shard is a finished one."""
    cleaner = worker_cleaner(options)
    summary = Summary(mode="shards")
    a, b = _span(path, start, end)
    # unique temporaries: a retried task may run beside the first in one worker process
    with outputs.AtomicFile(shard, fsync=True, unique=True) as out, \
            outputs.AtomicFile(errors, fsync=True, unique=True) as bad:
        with open(path, "rb") as f:
            f.seek(a)
            number = first_line
            for lines in _line_chunks(f, b - a):
                body, failures, stats = clean_lines(cleaner, lines, number, fields)
                out.write(body)
                bad.write(b"".join(map(error_line, failures)))
                summary.add(stats)
                summary.add_failures(failures)
                number += len(lines)
        if summary.failed:
            bad.commit()
        else:
            bad.discard()
            Path(errors).unlink(missing_ok=True)
        out.commit()
    return summary


def _job(path: Path, partition_bytes: int, options: RuleOptions, fields: Fields) -> dict:
    st = path.stat()
    return {"input": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns,
            "partition_bytes": partition_bytes, "rules": list(options.rules),
            "disable": list(options.disable), "fields": asdict(fields)}


def _write_json(path: Path, obj) -> None:
    outputs.write_atomic(path, json.dumps(obj, indent=1).encode(), fsync=True)


def connect(address: str, timeout: float = 10):
    """A distributed.Client on the scheduler at `address` (tcp://host:8786)."""
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as e:
        raise ShardJobError(f"cannot reach the dask scheduler at {address}: {e}") from None


def run_shards(client, in_path, out_dir, opts: batch.Options = batch.Options(),
               partition_bytes: int = 64 << 20, progress: batch.Progress | None = None
               ) -> Summary:
    """Clean the JSONL file `in_path` on the cluster behind `client` (a
    distributed.Client) into OUT_DIR/part-NNNNN.jsonl, one shard per `partition_bytes` of
    input, bad records in part-NNNNN.errors.jsonl; `opts` as for the local batch (fields,
    rules, disable, force). The input must be at the same path on every worker (a
    shared file system); the client never reads the records.

    A rerun with the same input and options skips complete shards (`skipped` counts
    shards); OUT_DIR holding another job's shards is refused unless `opts.force`, which
    starts over."""
    started = time.perf_counter()
    progress = progress or batch.Progress()
    path, out = Path(in_path), Path(out_dir)
    if not path.is_file():
        raise ShardJobError(f"{path}: not a file (on a cluster, `clean batch` takes one "
                            "JSONL corpus)")
    if path.name.endswith(".gz"):
        raise ShardJobError(f"{path}: a compressed file cannot be split; "
                            "decompress it first (e.g. gunzip -k)")
    if partition_bytes < 1:
        raise ShardJobError("the partition size must be positive")
    options = _options(opts.rules, opts.disable)
    out.mkdir(parents=True, exist_ok=True)
    try:
        with outputs.Lock(out / batch.FOLDER_LOCK, out):   # one job per OUT_DIR at a time
            return _run_shards(client, path, out, opts, options, partition_bytes, progress,
                               started)
    except outputs.OutputBusy as e:
        raise ShardJobError(str(e)) from None


def _run_shards(client, path: Path, out: Path, opts: batch.Options, options: RuleOptions,
                partition_bytes: int, progress: batch.Progress, started: float) -> Summary:
    job = _job(path, partition_bytes, options, opts.fields)
    manifest = out / MANIFEST
    try:
        old = json.loads(manifest.read_text()) if manifest.exists() else None
    except (OSError, ValueError):
        raise ShardJobError(f"{manifest} is unreadable or corrupt; use --force") from None
    same = old is not None and {k: old.get(k) for k in job} == job
    if not same and not opts.force and (old is not None or any(out.glob("part-*.jsonl"))):
        raise ShardJobError(f"{out} holds shards of another job (input or options "
                            "changed); use an empty folder or --force")
    if opts.force or not same:
        for stale in out.glob("part-*.jsonl"):   # shards and their errors files
            stale.unlink()
    _remove_orphans(out)

    size = job["size"]
    ranges = [(s, min(s + partition_bytes, size)) for s in range(0, size, partition_bytes)]
    width = max(5, len(str(len(ranges) - 1)))
    if opts.force or not same:
        # line numbers for the error entries: each range's lines counted where the data is
        counts = client.gather(client.map(_count_lines, [str(path)] * len(ranges),
                                          [s for s, _ in ranges], [e for _, e in ranges]))
        job["first_lines"] = list(accumulate(counts[:-1], initial=1))
        _write_json(manifest, job)
    else:
        job["first_lines"] = old["first_lines"]

    total = Summary(mode="shards")
    futures, done_bytes = [], 0
    for i, (start, end) in enumerate(ranges):
        shard, errors = shard_paths(out, i, width)
        if shard.exists():
            total.skipped += 1
            done_bytes += end - start
            continue
        futures.append(client.submit(clean_shard, str(path), start, end,
                                     job["first_lines"][i], str(shard), str(errors), options,
                                     opts.fields, key=f"clean-shard-{i}-{uuid.uuid4().hex}"))
    progress.start(None, size)
    progress.advance(0, done_bytes)
    parts = {}
    for future in as_completed(futures):
        part = parts[future] = future.result()
        total.add(asdict(part))
        total.failed += part.failed            # the failures to show: in input order, below
        progress.advance(part.pages + part.failed, part.bytes_in)
    for future in futures:   # the first failures in input order, as the local batch lists them
        total.failures = (total.failures + parts[future].failures)[:FAILURES_SHOWN]
    if total.failed:
        total.errors_file = str(out / "part-*.errors.jsonl")
    _remove_orphans(out)
    total.wall_seconds = round(time.perf_counter() - started, 3)
    return total


def _remove_orphans(out: Path) -> None:
    """Temporary files of shards whose worker was killed mid-write (the retried task
    wrote the shard under a fresh name)."""
    outputs.sweep_temporaries(out, lambda name: name.startswith("part-"))
