"""Dask integration on a real dask.distributed.LocalCluster (2 worker processes)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("dask.bag")
pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402

import corpus  # noqa: E402
from cleaner import batch  # noqa: E402
from cleaner.integrations import RuleOptions  # noqa: E402
from cleaner.integrations.dask import (ShardJobError, clean_bag, clean_dataframe,  # noqa: E402
                                       run_shards)
from cleaner.records import Fields, RecordError, clean_record  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        yield c


def local_batch(inp: Path, tmp: Path) -> tuple[bytes, bytes]:
    """What `clean batch IN OUT.jsonl` writes: the output and the errors file, as bytes."""
    out = tmp / "local" / "out.jsonl"
    out.parent.mkdir()
    batch.run(inp, out, batch.Options(jobs=1))
    errors = out.with_name("out.errors.jsonl")
    return out.read_bytes(), errors.read_bytes() if errors.exists() else b""


def shards(out: Path) -> tuple[bytes, bytes]:
    """The shards and the errors files, each concatenated in name order."""
    return (b"".join(p.read_bytes() for p in sorted(out.glob("part-?????.jsonl"))),
            b"".join(p.read_bytes() for p in sorted(out.glob("part-*.errors.jsonl"))))


def test_bag_cleans_records_and_marks_bad_ones(client, cleaner):
    recs = [json.loads(line) for line in corpus.records(120) if line.strip()
            and line not in corpus.BAD[:1]]
    got = clean_bag(db.from_sequence(recs, npartitions=6)).compute()
    want = []
    for rec in recs:
        try:
            want.append(clean_record(cleaner, rec))
        except RecordError as e:
            want.append({**rec, "cleaner": {"error": str(e)}} if isinstance(rec, dict)
                        else {"record": rec, "cleaner": {"error": str(e)}})
    assert got == want
    assert sum("error" in r["cleaner"] for r in got) == 3 and {"record": [1, 2, 3],
                                                               "cleaner": {"error": "record is a JSON list, not an object"}} in got


def test_rules_are_loaded_once_per_worker(client, cleaner):
    # a rule these pages never meet: a cache key of their own
    options = RuleOptions.resolve(None, ["mt-support-button"])
    bag = db.from_sequence([{"text": f"Line {i}.\nRead more"} for i in range(200)],
                           npartitions=40)
    out = clean_bag(bag, disable=["mt-support-button"]).compute()
    assert all(r["text"] == f"Line {i}.\n" for i, r in enumerate(out))

    def built():
        from cleaner import integrations
        return sum(k == options for k in integrations._cleaners)

    per_worker = client.run(built)
    assert sorted(per_worker.values()) == [1, 1]   # 40 tasks over 2 workers: one load each


@pytest.mark.parametrize("dtype", [None, "string"])   # missing cells: NaN / pd.NA
def test_dataframe_keeps_columns_and_adds_metadata(client, cleaner, dtype):
    seed = (corpus.SEEDS / "002_bd2f4c37c13cce80.txt").read_text()
    frame = pd.DataFrame({
        "id": [1, 2, 3, 4],
        "text": [seed, None, "Body text.\nRead more", None],
        "html": [None, corpus.HTML, None, None],
        "url": [None, "https://example.org/b", None, None]})
    if dtype:
        frame = frame.astype({"text": dtype, "html": dtype, "url": dtype})
    got = clean_dataframe(dd.from_pandas(frame, npartitions=2)).compute()
    assert list(got["id"]) == [1, 2, 3, 4]
    for i, rec in enumerate([{"text": seed}, {"html": corpus.HTML, "url": "https://example.org/b"},
                             {"text": "Body text.\nRead more"}]):
        want = clean_record(cleaner, rec)
        assert got["text"][i] == want["text"]
        for key in ("outlet", "title", "author", "removed_lines", "removed_chars", "fallback"):
            value = got[f"cleaner_{key}"][i]
            assert (pd.isna(value) and want["cleaner"][key] is None) or value == want["cleaner"][key]
    assert got["cleaner_outlet"][0] == "bbc_mirror"
    assert pd.isna(got["cleaner_error"][0])
    assert "has no 'text' or 'html'" in got["cleaner_error"][3]


def test_shards_equal_the_local_batch_output(client, tmp_path):
    corpus.write(tmp_path / "in.jsonl", 300)
    res = run_shards(client, tmp_path / "in.jsonl", tmp_path / "out", partition_bytes=40_000)
    good, bad = local_batch(tmp_path / "in.jsonl", tmp_path)
    assert shards(tmp_path / "out") == (good, bad)
    n_shards = len(list((tmp_path / "out").glob("part-?????.jsonl")))
    assert n_shards == -(-(tmp_path / "in.jsonl").stat().st_size // 40_000) > 4
    assert (res.pages, res.failed, res.skipped) == (good.count(b"\n"), bad.count(b"\n"), 0)
    assert res.failed >= 8 and sum(res.outlets.values()) == res.pages
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_rerun_redoes_only_missing_shards(client, tmp_path):
    corpus.write(tmp_path / "in.jsonl", 200)
    out = tmp_path / "out"
    run_shards(client, tmp_path / "in.jsonl", out, partition_bytes=50_000)
    n_shards = len(list(out.glob("part-?????.jsonl")))
    # a crash: one shard never renamed into place, its temporary file left behind
    (out / "part-00001.jsonl").unlink()
    (out / ".part-00001.jsonl.dead.tmp").write_text('{"half": ')
    kept = (out / "part-00000.jsonl").stat().st_mtime_ns
    again = run_shards(client, tmp_path / "in.jsonl", out, partition_bytes=50_000)
    assert again.skipped == n_shards - 1 and again.pages > 0
    assert (out / "part-00000.jsonl").stat().st_mtime_ns == kept
    assert shards(out) == local_batch(tmp_path / "in.jsonl", tmp_path)
    assert not list(out.glob(".*.tmp"))


def test_other_job_in_out_dir_is_refused_unless_forced(client, tmp_path):
    corpus.write(tmp_path / "in.jsonl", 60)
    run_shards(client, tmp_path / "in.jsonl", tmp_path / "out", partition_bytes=20_000)
    with pytest.raises(ShardJobError, match="another job"):
        run_shards(client, tmp_path / "in.jsonl", tmp_path / "out", partition_bytes=30_000)
    res = run_shards(client, tmp_path / "in.jsonl", tmp_path / "out",
                     batch.Options(force=True), partition_bytes=30_000)
    assert res.skipped == 0
    assert shards(tmp_path / "out") == local_batch(tmp_path / "in.jsonl", tmp_path)
    (tmp_path / "in.jsonl.gz").write_bytes(b"")
    with pytest.raises(ShardJobError, match="compressed"):
        run_shards(client, tmp_path / "in.jsonl.gz", tmp_path / "o2")


KILL_ID = 150


def _crash_once_on(marker: str):
    """Installed in each worker: the first worker to meet record KILL_ID dies on the spot
    (os._exit, as an OOM kill would), mid-shard; a restarted worker has no hook."""
    from cleaner import records as mod   # where clean_lines finds it
    real = mod.clean_record

    def hooked(cleaner, record, fields=Fields()):
        if isinstance(record, dict) and record.get("id") == KILL_ID:
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
                os._exit(1)
            except FileExistsError:
                pass
        return real(cleaner, record, fields)

    mod.clean_record = hooked


def test_worker_killed_mid_job_still_completes(client, tmp_path):
    corpus.write(tmp_path / "in.jsonl", 300)
    marker = tmp_path / "killed"
    client.run(_crash_once_on, str(marker))
    before = set(client.scheduler_info()["workers"])
    res = run_shards(client, tmp_path / "in.jsonl", tmp_path / "out", partition_bytes=40_000)
    assert marker.exists()                      # a worker did die mid-shard
    client.wait_for_workers(2)
    assert set(client.scheduler_info()["workers"]) != before   # and was replaced
    good, bad = local_batch(tmp_path / "in.jsonl", tmp_path)
    assert shards(tmp_path / "out") == (good, bad)
    assert res.pages == good.count(b"\n")
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_cli_batch_on_the_cluster(client, tmp_path):
    from typer.testing import CliRunner
    from cleaner.cli import app
    corpus.write(tmp_path / "in.jsonl", 150)
    good, bad = local_batch(tmp_path / "in.jsonl", tmp_path)
    res = CliRunner().invoke(app, ["batch", str(tmp_path / "in.jsonl"), str(tmp_path / "out"),
                                   "--scheduler", client.scheduler.address,
                                   "--partition-mb", "0.05"])
    assert res.exit_code == 1, res.output           # bad records: exit 1, as locally
    assert shards(tmp_path / "out") == (good, bad)
    assert len(list((tmp_path / "out").glob("part-?????.jsonl"))) > 3
    pages = good.count(b"\n")
    assert f"cleaned {pages} pages" in res.output
    assert "part-*.errors.jsonl" in res.output
    listed = [int(x.split(":")[1].split()[-1]) for x in res.stderr.splitlines()
              if x.startswith("error: line ")]
    assert listed == sorted(listed) and len(listed) == bad.count(b"\n") == 4
    again = CliRunner().invoke(app, ["batch", str(tmp_path / "in.jsonl"), str(tmp_path / "out"),
                                     "--scheduler", client.scheduler.address,
                                     "--partition-mb", "0.05"])
    assert again.exit_code == 0 and "skipped" in again.output and "complete shards" in again.output


def test_cli_batch_on_the_cluster_subprocess(client, tmp_path):
    import subprocess
    import sys
    corpus.write(tmp_path / "in.jsonl", 80)
    good, bad = local_batch(tmp_path / "in.jsonl", tmp_path)
    run = subprocess.run([sys.executable, "-m", "cleaner", "batch", str(tmp_path / "in.jsonl"),
                          str(tmp_path / "out"), "--scheduler", client.scheduler.address,
                          "--quiet"], capture_output=True, text=True, timeout=120)
    # --quiet: no summary, but the failed records still on stderr
    assert run.returncode == 1 and run.stdout == "" and run.stderr != "" and all(
        x.startswith("error: line ") for x in run.stderr.splitlines())
    assert shards(tmp_path / "out") == (good, bad)
    folder = subprocess.run([sys.executable, "-m", "cleaner", "batch", str(tmp_path),
                             str(tmp_path / "o2"), "--scheduler", client.scheduler.address],
                            capture_output=True, text=True, timeout=120)
    assert folder.returncode == 2 and folder.stderr.startswith("error: ")
    assert "one JSONL corpus" in folder.stderr and "Traceback" not in folder.stderr


def test_unreachable_scheduler_and_missing_extra(tmp_path, monkeypatch):
    from typer.testing import CliRunner
    from cleaner.cli import app
    from cleaner.integrations.dask import connect
    with pytest.raises(ShardJobError, match="cannot reach the dask scheduler"):
        connect("tcp://127.0.0.1:9", timeout=0.5)
    import cleaner.integrations
    monkeypatch.setitem(sys.modules, "cleaner.integrations.dask", None)   # as if not installed
    monkeypatch.delattr(cleaner.integrations, "dask")
    res = CliRunner().invoke(app, ["batch", "in.jsonl", str(tmp_path / "o"),
                                   "--scheduler", "tcp://127.0.0.1:9"])
    assert res.exit_code == 2 and "needs the dask extra" in res.output


def test_client_killed_mid_job_then_rerun_completes(client, tmp_path):
    """kill -9 of `clean batch --scheduler` once some shards are written: the rerun keeps
    them, writes the rest, and the shards are the local output exactly."""
    import signal
    import subprocess
    import time
    corpus.write(tmp_path / "in.jsonl", 300)
    out = tmp_path / "out"
    total = -(-(tmp_path / "in.jsonl").stat().st_size // int(0.02 * 2**20))
    cmd = [sys.executable, "-m", "cleaner", "batch", str(tmp_path / "in.jsonl"), str(out),
           "--scheduler", client.scheduler.address, "--partition-mb", "0.02", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(out.glob("part-?????.jsonl")) and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    written = len(list(out.glob("part-?????.jsonl")))
    assert 0 < written < total                   # killed mid-job
    client.run(lambda: None)                     # the cluster survives its client
    rerun = subprocess.run(cmd[:-1], capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 1, rerun.stderr   # bad records in the corpus
    assert "complete shards" in rerun.stdout
    assert len(list(out.glob("part-?????.jsonl"))) == total
    assert shards(out) == local_batch(tmp_path / "in.jsonl", tmp_path)
    assert not list(out.glob(".*.tmp"))


def test_one_job_per_output_folder(client, tmp_path):
    """As the local batch: a second job on a folder another holds is refused."""
    corpus.write(tmp_path / "in.jsonl", 20)
    run_shards(client, tmp_path / "in.jsonl", tmp_path / "out", partition_bytes=40_000)
    assert not (tmp_path / "out" / batch.FOLDER_LOCK).exists()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import time; from pathlib import Path; from cleaner import outputs\n"
        f"outputs.Lock(Path({str(tmp_path / 'out' / batch.FOLDER_LOCK)!r}), 'o').__enter__()\n"
        "print('held', flush=True); time.sleep(60)")], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == b"held\n"
        with pytest.raises(ShardJobError, match="being written by another run"):
            run_shards(client, tmp_path / "in.jsonl", tmp_path / "out", partition_bytes=40_000)
    finally:
        holder.kill()
        holder.wait()
