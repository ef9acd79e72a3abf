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
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import dask.bag as db
import dask.dataframe as dd
import pandas as pd

from ..records import Fields, RecordError, clean_record
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
        except RecordError as e:
            out.append(_failed(record, str(e), fields))
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
        except RecordError as e:
            texts.append(record.get(target))
            metas.append({"error": str(e)})
    result = frame.copy()
    result[target] = pd.Series(texts, index=frame.index, dtype="object")
    for name, dtype in _meta_columns(fields).items():
        key = name[len(fields.meta) + 1:]
        result[name] = pd.Series([m.get(key) for m in metas], index=frame.index,
                                 dtype="object").astype(dtype)
    return result


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)   # NaN


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


class ShardJobError(ValueError):
    """OUT_DIR cannot take this job (it holds another job's shards, or the input cannot
    be split); the message says why."""


@dataclass
class ShardReport:
    shards: int = 0
    skipped: int = 0            # shards already complete from an earlier run
    records: int = 0
    errors: int = 0
    fallback: int = 0
    removed_chars: int = 0
    outlets: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    cpu_seconds: float = 0.0     # summed over the shards' tasks

    def add(self, stats: dict) -> None:
        self.records += stats["records"]
        self.errors += stats["errors"]
        self.fallback += stats["fallback"]
        self.removed_chars += stats["removed_chars"]
        self.outlets.update(stats["outlets"])
        self.cpu_seconds += stats["cpu_seconds"]


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


def dump_line(obj) -> bytes:
    try:
        return json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n"
    except UnicodeEncodeError:   # a lone surrogate (from a \\ud800 escape) stays escaped
        return json.dumps(obj).encode("ascii") + b"\n"


def process_line(cleaner, line: bytes, number: int, fields: Fields) -> tuple[dict | None, dict | None]:
    """One JSONL line -> (cleaned record, None), or (None, error entry) for a bad one."""
    try:
        record = json.loads(line.rstrip(b"\r\n"))
    except ValueError as e:   # JSONDecodeError and UnicodeDecodeError
        return None, {"line": number, "reason": f"bad JSON: {e}"}
    try:
        return clean_record(cleaner, record, fields), None
    except RecordError as e:
        return None, {"line": number, "reason": str(e)}


class _AtomicFile:
    """A file written under a temporary name and renamed into place on commit."""

    def __init__(self, path: Path):
        self.path = path
        self.tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        self.file = open(self.tmp, "wb")
        self.count = 0

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.count += 1

    def commit(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        self.file.close()
        self.tmp.unlink(missing_ok=True)


def clean_shard(path: str, start: int, end: int, first_line: int, shard: str, errors: str,
                options: RuleOptions, fields: Fields) -> dict:
    """Clean the lines beginning in [start, end) of the JSONL file into `shard` (bad ones
    into `errors`), streaming; the shard appears only once it is complete, after its
    errors file, so a present shard is a finished one."""
    cpu = time.process_time()
    cleaner = worker_cleaner(options)
    stats = {"records": 0, "errors": 0, "fallback": 0, "removed_chars": 0, "outlets": Counter()}
    a, b = _span(path, start, end)
    out, bad = _AtomicFile(Path(shard)), _AtomicFile(Path(errors))
    try:
        with open(path, "rb") as f:
            f.seek(a)
            number, pos = first_line, a
            while pos < b:
                line = f.readline()
                pos += len(line)
                if line.strip():
                    record, error = process_line(cleaner, line, number, fields)
                    if error is not None:
                        bad.write(dump_line(error))
                    else:
                        out.write(dump_line(record))
                        meta = record[fields.meta]
                        stats["fallback"] += meta["fallback"]
                        stats["removed_chars"] += meta["removed_chars"]
                        stats["outlets"][meta["outlet"]] += 1
                number += 1
        if bad.count:
            bad.commit()
        else:
            bad.discard()
            Path(errors).unlink(missing_ok=True)
        out.commit()
    except BaseException:
        out.discard()
        bad.discard()
        raise
    stats["records"], stats["errors"] = out.count, bad.count
    stats["cpu_seconds"] = time.process_time() - cpu
    return stats


def _job(path: Path, partition_bytes: int, options: RuleOptions, fields: Fields) -> dict:
    st = path.stat()
    return {"input": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns,
            "partition_bytes": partition_bytes, "rules": list(options.rules),
            "disable": list(options.disable), "fields": asdict(fields)}


def _write_json(path: Path, obj) -> None:
    w = _AtomicFile(path)
    w.write(json.dumps(obj, indent=1).encode())
    w.commit()


def run_shards(client, in_path, out_dir, rules=None, disable=(), fields: Fields = Fields(),
               partition_bytes: int = 64 << 20, force: bool = False,
               on_shard=None) -> ShardReport:
    """Clean the JSONL file `in_path` on the cluster behind `client` (a
    distributed.Client) into OUT_DIR/part-NNNNN.jsonl, one shard per `partition_bytes` of
    input, with bad records in part-NNNNN.errors.jsonl. The input must be at the same
    path on every worker (a shared file system). The client never reads the records.

    A rerun with the same input and options skips complete shards; OUT_DIR holding
    another job's shards is refused unless `force`, which starts over.
    `on_shard(done, total)` is called as shards finish."""
    from distributed import as_completed

    started = time.perf_counter()
    path, out = Path(in_path), Path(out_dir)
    if str(path).endswith(".gz"):
        raise ShardJobError(f"{path}: a compressed file cannot be split; "
                            "decompress it first (e.g. gunzip -k)")
    if partition_bytes < 1:
        raise ShardJobError("partition size must be positive")
    options = _options(rules, disable)
    job = _job(path, partition_bytes, options, fields)
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / MANIFEST
    old = json.loads(manifest.read_text()) if manifest.exists() else None
    same = old is not None and {k: old.get(k) for k in job} == job
    if not same and not force and (old is not None or any(out.glob("part-*.jsonl"))):
        raise ShardJobError(f"{out} holds shards of another job (input or options "
                            "changed); use an empty folder or --force")
    if force or not same:
        for stale in out.glob("part-*.jsonl"):   # shards and their errors files
            stale.unlink()
    _remove_orphans(out)

    size = job["size"]
    ranges = [(s, min(s + partition_bytes, size)) for s in range(0, size, partition_bytes)]
    width = max(5, len(str(len(ranges) - 1)))
    if force or not same:
        # line numbers for the error entries: each range's lines counted where the data is
        counts = client.gather(client.map(_count_lines, [str(path)] * len(ranges),
                                          [s for s, _ in ranges], [e for _, e in ranges]))
        firsts, n = [], 1
        for c in counts:
            firsts.append(n)
            n += c
        job["first_lines"] = firsts
        _write_json(manifest, job)
    else:
        job["first_lines"] = old["first_lines"]

    report = ShardReport(shards=len(ranges))
    futures = []
    for i, (start, end) in enumerate(ranges):
        shard, errors = shard_paths(out, i, width)
        if shard.exists():
            report.skipped += 1
            continue
        futures.append(client.submit(clean_shard, str(path), start, end,
                                     job["first_lines"][i], str(shard), str(errors),
                                     options, fields, key=f"clean-shard-{i}-{uuid.uuid4().hex}"))
    done = report.skipped
    if on_shard:
        on_shard(done, len(ranges))
    for future in as_completed(futures):
        report.add(future.result())
        done += 1
        if on_shard:
            on_shard(done, len(ranges))
    _remove_orphans(out)
    report.seconds = time.perf_counter() - started
    return report


def _remove_orphans(out: Path) -> None:
    """Temporary files of shards whose worker was killed mid-write (the retried task
    wrote the shard under a fresh name)."""
    for orphan in out.glob(".part-*.tmp"):
        orphan.unlink(missing_ok=True)
