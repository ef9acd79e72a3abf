"""Faults during `clean batch`: hostile corpora, unreadable and looping inputs, kill -9
at random points, a full disk. The batch must keep going, lose nothing already
written, never write outside OUT, and a rerun must finish the same output as an
uninterrupted run."""
import errno
import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner import batch, outputs
from cleaner.cli import app
from cleaner.records import clean_record

from conftest import SEEDS, run_clean

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
BODY = "The council approved the new budget on Tuesday after a long debate about schools.\n"


def clean_cli(*args, env=None):
    return run_clean(args, env=env)


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


# --- a hostile JSONL corpus ----------------------------------------------------------

# (raw line, expected error or None if the record is cleaned)
CORPUS = [
    (json.dumps({"id": "ok-1", "text": SEED_TEXTS[0]}), None),
    ('{"id": "broken", "text": "no closing brace"', "malformed JSON line"),
    ("not json at all", "malformed JSON line"),
    ('{"id": "bad-utf8", "text": "caf\xe9"}'.encode("latin-1"), "malformed JSON line"),
    ("[1, 2, 3]", "record is a JSON list, not an object"),
    ('"just a string"', "record is a JSON str, not an object"),
    ("null", "record is a JSON NoneType, not an object"),
    (json.dumps({"id": "int-text", "text": 42}), "field 'text' / 'html' is not a string"),
    (json.dumps({"id": "list-text", "text": ["a", "b"]}), "field 'text' / 'html' is not a string"),
    (json.dumps({"id": "url-int", "text": BODY, "url": 7}), "field 'url' is not a string"),
    (json.dumps({"id": "no-text", "body": BODY}), "record has no 'text' or 'html' field"),
    (json.dumps({"id": "ok-1", "text": BODY}), None),                 # duplicate id: cleaned
    (json.dumps({"id": "../../etc/passwd", "text": BODY}), None),      # ids are data
    (json.dumps({"id": "/tmp/evil", "url": "../../x", "text": BODY}), None),
    (json.dumps({"id": "nul", "text": "a\x00b"}), None),               # a NUL in JSON text is text
    ("", None),                                                         # blank lines: skipped
    (json.dumps({"id": "ok-2", "html": "<html><body><p>" + BODY + "</p></body></html>"}), None),
]


def write_corpus(path: Path) -> None:
    raw = b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n"
                   for line, _ in CORPUS)
    path.write_bytes(gzip.compress(raw) if path.name.endswith(".gz") else raw)


@pytest.mark.parametrize("name", ["corpus.jsonl", "corpus.jsonl.gz"])
def test_hostile_jsonl_corpus(tmp_path, cleaner, name):
    work = tmp_path / "work"
    work.mkdir()
    corpus, out = work / name, work / "out.jsonl"
    write_corpus(corpus)
    before = corpus.read_bytes()
    r = CliRunner().invoke(app, ["batch", str(corpus), str(out), "--jobs", "2", "--chunk", "3"])
    assert r.exit_code == 1, r.output            # some records failed
    assert "Traceback" not in r.output
    errors = [json.loads(x) for x in (work / "out.errors.jsonl").open()]
    expected_errors = [(n, err) for n, (_, err) in enumerate(CORPUS, 1) if err]
    assert [(e["line"], e["error"][:len(err)]) for e, (_, err) in zip(errors, expected_errors)] \
        == expected_errors
    assert len(errors) == len(expected_errors)
    # good records come out in input order, duplicates included, each as clean_record
    good = [json.loads(line) for line, err in CORPUS if err is None and line]
    got = [json.loads(x) for x in out.open(encoding="utf-8")]
    assert got == [clean_record(cleaner, g) for g in good]
    # ids that look like paths steered nothing: only OUT and its errors file were written
    assert files_under(tmp_path) == {"work", f"work/{name}", "work/out.jsonl",
                                     "work/out.errors.jsonl"}
    assert corpus.read_bytes() == before          # the input is never modified


def test_path_like_ids_never_steer_folder_output(tmp_path):
    """Folder mode names outputs after input files only; nothing in a page's text or
    metadata (a title of '../../etc/passwd') changes where it goes."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "p.txt").write_text("../../etc/passwd\n\n" + BODY)
    r = CliRunner().invoke(app, ["batch", str(src), str(out), "--jobs", "1", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert files_under(tmp_path) == {"in", "in/p.txt", "out", "out/p.json"}
    assert json.loads((out / "p.json").read_text())["title"] == "../../etc/passwd"


@pytest.mark.parametrize("cut", [10, 100, -8])
def test_truncated_gzip_corpus(tmp_path, cut):
    """A .jsonl.gz cut short: what could be read is kept, the failure names the input and
    the line reached, no traceback, exit 1."""
    corpus, out = tmp_path / "c.jsonl.gz", tmp_path / "o.jsonl"
    lines = [json.dumps({"id": i, "text": SEED_TEXTS[i % 5]}) + "\n" for i in range(30)]
    whole = gzip.compress("".join(lines).encode())
    corpus.write_bytes(whole[:cut] if cut > 0 else whole[:cut])
    p = clean_cli("batch", corpus, out, "--jobs", "1", "--chunk", "4")
    err = p.stderr.decode()
    assert p.returncode == 1 and "Traceback" not in err
    assert err.startswith(f"error: {corpus}: compressed input is truncated or corrupt")
    assert err.count("\n") == 1
    assert not out.exists()            # never presented as a finished output


def test_truncated_and_corrupt_gzip_pages_in_a_folder(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "good.txt").write_text(BODY)
    (src / "cut.txt.gz").write_bytes(gzip.compress(BODY.encode() * 50)[:-10])
    (src / "junk.txt.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    p = clean_cli("batch", src, out, "--jobs", "1")
    assert p.returncode == 1 and b"Traceback" not in p.stderr
    assert (out / "good.txt").read_text() == BODY
    errors = {e["path"]: e["error"] for e in map(json.loads, (out / "errors.jsonl").open())}
    assert set(errors) == {"cut.txt.gz", "junk.txt.gz"}
    assert files_under(out) == {"good.txt", "errors.jsonl"}


# --- unreadable inputs and symlink loops ---------------------------------------------

def test_unreadable_and_looping_files_in_a_folder(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "sub").mkdir(parents=True)
    (src / "good.txt").write_text(BODY)
    (src / "loop-a.txt").symlink_to("loop-b.txt")        # a file symlink loop
    (src / "loop-b.txt").symlink_to("loop-a.txt")
    (src / "sub" / "up").symlink_to(src)                 # a folder symlink loop
    (src / "mem.txt").symlink_to("/proc/self/mem")       # opens, then fails to read (EIO)
    (src / "locked.txt").write_text(BODY)
    os.chmod(src / "locked.txt", 0)
    p = clean_cli("batch", src, out, "--jobs", "2")
    assert b"Traceback" not in p.stderr and p.returncode == 1
    assert (out / "good.txt").read_text() == BODY
    errors = {e["path"]: e["error"] for e in map(json.loads, (out / "errors.jsonl").open())}
    assert "Too many levels of symbolic links" in errors["loop-a.txt"]
    assert "Too many levels of symbolic links" in errors["loop-b.txt"]
    if os.path.exists("/proc/self/mem"):
        assert "Input/output error" in errors["mem.txt"]
    if os.geteuid() != 0:              # root reads whatever the mode says
        assert "Permission denied" in errors["locked.txt"]
    os.chmod(src / "locked.txt", 0o644)


def test_unreadable_jsonl_corpus(tmp_path, monkeypatch):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": BODY}) + "\n")
    real = batch.jsonl.open_regular

    def deny(path):
        if str(path) == str(corpus):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)
    monkeypatch.setattr(batch.jsonl, "open_regular", deny)
    r = CliRunner().invoke(app, ["batch", str(corpus), str(tmp_path / "o.jsonl"), "--jobs", "1"])
    assert r.exit_code == 1 and r.stderr == f"error: {corpus}: Permission denied\n"


def test_file_names_that_are_not_utf8(tmp_path):
    """Names are bytes on Linux: outputs keep them; errors and summary show them as \\xNN."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    good, bad = os.fsdecode(b"g\xffood.txt"), os.fsdecode(b"b\xffad.txt")
    (src / good).write_text(BODY)
    (src / bad).write_bytes(b"\x00\x01")
    p = clean_cli("batch", src, out, "--jobs", "1")
    assert p.returncode == 1 and b"Traceback" not in p.stderr
    assert (out / good).read_text() == BODY
    errors = [json.loads(x) for x in (out / "errors.jsonl").open(encoding="utf-8")]
    assert [e["path"] for e in errors] == ["b\\xffad.txt"]
    assert "error: b\\xffad.txt: looks like a binary file" in p.stderr.decode()
    r = CliRunner().invoke(app, ["batch", str(src), str(tmp_path / "j"), "--format", "json",
                                 "--jobs", "1"])
    assert r.exit_code == 1
    name = os.fsdecode(b"g\xffood.json")
    assert json.loads((tmp_path / "j" / name).read_text(encoding="utf-8"))["source"] \
        == "g\\xffood.txt"


# --- kill -9 at random points, then rerun ---------------------------------------------

def _kill_when(args, env, ready, extra: float) -> None:
    """Start `clean batch ARGS`, wait until ready() says it got that far, let it run
    `extra` seconds more, then kill -9 it."""
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "batch", *map(str, args)],
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while proc.poll() is None and not ready() and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(extra)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # its worker processes notice and leave, rather than wait for work forever
    deadline = time.monotonic() + 15
    while _running_with(str(args[1])) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running_with(str(args[1])), "worker processes outlived a killed batch"


def _running_with(word: str) -> list[int]:
    """Processes whose command line holds `word` (Linux /proc; elsewhere none known)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if word.encode() in cmdline.read_bytes().split(b"\0"):
                found.append(int(cmdline.parent.name))
        except OSError:     # the process ended meanwhile
            pass
    return found


def _state_line(state: Path) -> int:
    try:
        return json.loads(state.read_text()).get("line", 1)
    except (OSError, ValueError):
        return 1


@pytest.mark.parametrize("mode", ["jsonl", "jsonl.gz", "folder"])
def test_kill_9_at_random_points_then_rerun(tmp_path, mode):
    """Three kills at random points of one job (seeded, so a failure replays): each
    rerun resumes and is killed further on, then one finishes. Its output equals an
    uninterrupted run's, byte for byte, and no partial file is left."""
    rng = random.Random(f"kill-{mode}")
    n = 200 if mode == "folder" else 400
    # kills in the first half, a few ms after the point: the rest of the run (100 pages or
    # more) outlasts the wait even on a fast idle machine, so the kill never comes too late
    points = sorted(rng.sample(range(n // 10, n // 2), 3))
    extras = [rng.uniform(0, 0.01) for _ in points]
    if mode != "folder":
        src = tmp_path / "c.jsonl"
        src.write_text("".join(json.dumps({"id": i, "text": SEED_TEXTS[i % 5]}) + "\n"
                               for i in range(n)))
        args = ["--jobs", "1", "--chunk", "2"]
        whole, killed = tmp_path / f"whole.{mode}", tmp_path / "k" / f"out.{mode}"
        state = killed.with_name(f"out.{mode}.part.state")
        progress = lambda: _state_line(state)                    # noqa: E731
    else:
        src = tmp_path / "in"
        for i in range(n):
            d = src / f"d{i % 7}"
            d.mkdir(parents=True, exist_ok=True)
            (d / f"p{i}.txt").write_text(SEED_TEXTS[i % 5])
        args = ["--jobs", "1"]
        whole, killed = tmp_path / "whole", tmp_path / "k"
        progress = lambda: sum(1 for _ in killed.rglob("p*.txt"))   # noqa: E731
    env = {"CLEANER_BATCH_CHECKPOINT_SECONDS": "0"}
    assert clean_cli("batch", src, whole, *args).returncode == 0
    for point, extra in zip(points, extras):
        _kill_when([src, killed, *args], env, lambda: progress() >= point, extra)
    p = clean_cli("batch", src, killed, *args, env=env)
    assert p.returncode == 0, p.stderr
    if mode != "folder":
        assert killed.read_bytes() == whole.read_bytes()
        assert sorted(x.name for x in killed.parent.iterdir()) == [f"out.{mode}"]
    else:
        assert files_under(killed) == files_under(whole)      # no .tmp left behind
        for rel in files_under(whole):
            if (whole / rel).is_file():
                assert (killed / rel).read_bytes() == (whole / rel).read_bytes(), rel


def test_rerun_removes_temporary_files_of_a_killed_run(tmp_path):
    """A kill between writing a page's temporary file and renaming it leaves the
    temporary behind (the output itself never exists half-written): the rerun sweeps it."""
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "a").mkdir(parents=True)
    (src / "p.txt").write_text(BODY)
    (src / "a" / "q.txt").write_text(BODY)
    (out / "a").mkdir(parents=True)
    (out / ".p.txt.4242.tmp").write_text("half a pa")
    (out / "a" / ".q.txt.4243.tmp").write_text("half")
    (out / "a" / ".hidden-by-user.txt").write_text("not ours: kept")
    r = CliRunner().invoke(app, ["batch", str(src), str(out), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert files_under(out) == {"p.txt", "a", "a/q.txt", "a/.hidden-by-user.txt"}


# --- a full disk ---------------------------------------------------------------------

class FullDisk:
    """A file whose writes fail with ENOSPC once `room` bytes have been written."""

    def __init__(self, f, room):
        self.f, self.room = f, room

    def write(self, data):
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device", self.f.name)
        self.room -= len(data)
        return self.f.write(data)

    def __getattr__(self, name):
        return getattr(self.f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()


def test_full_disk_jsonl_reports_the_page_and_keeps_what_was_written(tmp_path, monkeypatch):
    corpus, out = tmp_path / "c.jsonl", tmp_path / "o.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "text": SEED_TEXTS[i % 5]}) + "\n"
                              for i in range(40)))
    whole = tmp_path / "whole.jsonl"
    batch.run(corpus, whole, batch.Options(jobs=1, chunk=4))
    monkeypatch.setattr(batch.jsonl, "CHECKPOINT_SECONDS", 0)
    real = outputs.create

    def small_disk(path):
        f = real(path)
        return FullDisk(f, 30_000) if str(path).endswith("o.jsonl.part") else f
    monkeypatch.setattr(outputs, "create", small_disk)
    r = CliRunner().invoke(app, ["batch", str(corpus), str(out), "--jobs", "1", "--chunk", "4"])
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"error: {out}.part: cannot write the output of input lines ")
    assert r.stderr.endswith(": No space left on device\n")
    part = out.with_name("o.jsonl.part")
    kept = part.read_bytes()
    assert 0 < len(kept) <= 30_000 and whole.read_bytes().startswith(kept)
    assert not out.exists()
    # space is back: the rerun resumes and finishes the same output
    monkeypatch.setattr(outputs, "create", real)
    r = CliRunner().invoke(app, ["batch", str(corpus), str(out), "--jobs", "1", "--chunk", "4"])
    assert r.exit_code == 0, r.output
    assert out.read_bytes() == whole.read_bytes() and not part.exists()


def test_full_disk_folder_reports_the_page_and_keeps_what_was_written(tmp_path, monkeypatch):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for i in range(10):
        (src / f"p{i}.txt").write_text(SEED_TEXTS[i % 5])
    real = outputs.create
    written = []

    def small_disk(path):
        f = real(path)
        if Path(path).name.startswith(".p"):
            if len(written) >= 4:
                return FullDisk(f, 0)
            written.append(path)
        return f
    monkeypatch.setattr(outputs, "create", small_disk)
    r = CliRunner().invoke(app, ["batch", str(src), str(out), "--jobs", "1"])
    assert r.exit_code == 1
    errors = {e["path"]: e["error"] for e in map(json.loads, (out / "errors.jsonl").open())}
    assert sorted(errors) == [f"p{i}.txt" for i in range(4, 10)]
    assert all("No space left on device" in e for e in errors.values())
    assert sorted(p.name for p in out.iterdir()) == ["errors.jsonl"] + [f"p{i}.txt" for i in range(4)]
    # the rerun (space back) does what is missing only
    monkeypatch.setattr(outputs, "create", real)
    r = CliRunner().invoke(app, ["batch", str(src), str(out), "--jobs", "1"])
    assert r.exit_code == 0 and "cleaned 6 pages" in r.stdout and "skipped 4" in r.stdout
    assert not (out / "errors.jsonl").exists()


@pytest.mark.skipif(os.geteuid() != 0 or not Path("/proc/mounts").exists(),
                    reason="needs root to mount a tmpfs")
def test_full_disk_real_tmpfs(tmp_path):
    """The same on a real 256 KB tmpfs, where the kernel says ENOSPC."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        pytest.skip("mount not permitted here")
    try:
        corpus = tmp_path / "c.jsonl"
        corpus.write_text("".join(json.dumps({"id": i, "text": SEED_TEXTS[i % 5]}) + "\n"
                                  for i in range(200)))
        out = mnt / "o.jsonl"
        p = clean_cli("batch", corpus, out, "--jobs", "1", "--chunk", "4")
        err = p.stderr.decode()
        assert p.returncode == 1 and "Traceback" not in err and err.count("\n") == 1
        assert "cannot write the output of input lines" in err and "No space left" in err
        assert not out.exists()
        part = mnt / "o.jsonl.part"
        whole = tmp_path / "whole.jsonl"
        assert clean_cli("batch", corpus, whole, "--jobs", "1", "--chunk", "4").returncode == 0
        assert whole.read_bytes().startswith(part.read_bytes())
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


# --- inputs are never written, one writer per output, links never written through ----

@pytest.mark.parametrize("case", ["errors-file", "report-jsonl", "report-folder",
                                  "errors-file-link"])
def test_no_output_may_be_an_input(tmp_path, case):
    """Every path the batch writes (OUT, its part, state, errors and lock files, the
    report) is checked against the input before any work: exit 2, the input untouched."""
    corpus = tmp_path / "d.errors.jsonl"
    corpus.write_text(json.dumps({"text": BODY}) + "\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p.txt").write_text(BODY)
    args = {"errors-file": [corpus, tmp_path / "d.jsonl"],
            "report-jsonl": [corpus, tmp_path / "o.jsonl", "--report", corpus],
            "report-folder": [tmp_path / "in", tmp_path / "out", "--report",
                              tmp_path / "in" / "p.txt"],
            "errors-file-link": [corpus, tmp_path / "x.jsonl"]}[case]
    if case == "errors-file-link":
        (tmp_path / "x.errors.jsonl").symlink_to(corpus)
    before = {p: p.read_bytes() for p in (corpus, tmp_path / "in" / "p.txt")}
    r = CliRunner().invoke(app, ["batch", *map(str, args), "--jobs", "1"])
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1
    assert "choose another" in r.stderr
    assert {p: p.read_bytes() for p in before} == before
    assert not (tmp_path / "d.jsonl").exists() and not (tmp_path / "out").exists()
    assert not list(tmp_path.glob("*.part*")) and not list(tmp_path.glob("*.lock"))


@pytest.mark.parametrize("mode", ["jsonl", "folder"])
def test_a_second_run_on_one_output_is_refused(tmp_path, mode):
    """One writer per output: while a run holds OUT's lock, another run on OUT refuses
    (exit 2, naming the lock) and writes nothing."""
    if mode == "jsonl":
        src, out = tmp_path / "c.jsonl", tmp_path / "o.jsonl"
        src.write_text(json.dumps({"text": BODY}) + "\n")
        lock = tmp_path / "o.jsonl.lock"
    else:
        src, out = tmp_path / "in", tmp_path / "out"
        src.mkdir()
        (src / "p.txt").write_text(BODY)
        out.mkdir()
        lock = out / batch.FOLDER_LOCK
    holder = hold_lock(lock)
    r = CliRunner().invoke(app, ["batch", str(src), str(out), "--jobs", "1"])
    assert r.exit_code == 2, r.output
    assert r.stderr == (f"error: {out} is being written by another run (process "
                        f"{holder.pid}, lock {lock}); wait for it to end or stop it\n")
    assert not out.is_file() and not (out / "p.txt").exists()
    holder.terminate()
    holder.wait()
    r = CliRunner().invoke(app, ["batch", str(src), str(out), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert not lock.exists()


def hold_lock(lock: Path) -> subprocess.Popen:
    """Another process that holds the lock until it is stopped."""
    holder = subprocess.Popen([sys.executable, "-c", (
        "import time; from pathlib import Path; from cleaner import outputs\n"
        f"outputs.Lock(Path({str(lock)!r}), 'o').__enter__(); print('held', flush=True)\n"
        "time.sleep(60)")], stdout=subprocess.PIPE)
    assert holder.stdout.readline() == b"held\n"
    return holder


def test_a_killed_runs_lock_is_taken_over(tmp_path):
    """A run killed with -9 leaves its lock file; the kernel has freed the lock, so the
    next run takes it over (and removes it at the end)."""
    corpus, out = tmp_path / "c.jsonl", tmp_path / "o.jsonl"
    corpus.write_text(json.dumps({"text": BODY}) + "\n")
    lock = tmp_path / "o.jsonl.lock"
    holder = hold_lock(lock)
    assert CliRunner().invoke(app, ["batch", str(corpus), str(out)]).exit_code == 2
    holder.kill()
    holder.wait()
    assert lock.read_text() == f"{holder.pid}\n"          # stale: left by the killed run
    r = CliRunner().invoke(app, ["batch", str(corpus), str(out), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert out.exists() and not lock.exists()


def test_planted_links_are_never_written_through(tmp_path):
    """A link at OUT.part (or its errors part file, or the lock) pointing outside OUT:
    the link is replaced or refused, its target never written."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    corpus, out = tmp_path / "c.jsonl", tmp_path / "o.jsonl"
    corpus.write_text(json.dumps({"text": BODY}) + "\n" + "not json\n")
    for name in ("o.jsonl.part", "o.errors.jsonl.part"):
        (tmp_path / name).symlink_to(victim)
    r = CliRunner().invoke(app, ["batch", str(corpus), str(out), "--jobs", "1"])
    assert r.exit_code == 1, r.output                     # the line that is not JSON
    assert victim.read_text() == "precious\n"
    assert json.loads(out.read_text())["text"] == BODY
    # a link where the lock goes: refused, naming OUT
    out.unlink()
    (tmp_path / "o.jsonl.lock").symlink_to(victim)
    r = CliRunner().invoke(app, ["batch", str(corpus), str(out), "--jobs", "1"])
    assert r.exit_code == 1 and r.stderr == (f"error: {out}: cannot write (its lock "
                                             "o.jsonl.lock: Too many levels of symbolic links)\n")
    assert victim.read_text() == "precious\n"


def test_write_atomic_never_writes_through_a_planted_temporary(tmp_path):
    """Folder mode writes each page through outputs.write_atomic: a link (or anything)
    planted at its temporary name makes that page fail; the target is never written,
    and the rerun's sweep leaves the link alone."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    dst = tmp_path / "out" / "p.txt"
    dst.parent.mkdir()
    Path(outputs.temporary_name(dst)).symlink_to(victim)
    with pytest.raises(OSError) as e:
        outputs.write_atomic(dst, b"page\n")
    assert e.value.errno == errno.EEXIST and e.value.filename == str(dst)
    assert victim.read_text() == "precious\n" and not dst.exists()
    outputs.sweep_temporaries(dst.parent)
    assert os.path.islink(outputs.temporary_name(dst))


def test_a_link_planted_in_out_never_steers_a_page_outside(tmp_path):
    src, out, elsewhere = tmp_path / "in", tmp_path / "out", tmp_path / "elsewhere"
    (src / "a").mkdir(parents=True)
    (src / "a" / "p.txt").write_text(BODY)
    (src / "q.txt").write_text(BODY)
    out.mkdir()
    elsewhere.mkdir()
    (out / "a").symlink_to(elsewhere)
    p = clean_cli("batch", src, out, "--jobs", "1")
    assert p.returncode == 1 and b"Traceback" not in p.stderr
    errors = {e["path"]: e["error"] for e in map(json.loads, (out / "errors.jsonl").open())}
    assert list(errors) == ["a/p.txt"] and "outside OUT" in errors["a/p.txt"]
    assert list(elsewhere.iterdir()) == [] and (out / "q.txt").read_text() == BODY


# --- Ctrl-C ---------------------------------------------------------------------------

def test_two_ctrl_c_end_the_run_promptly_and_it_resumes(tmp_path):
    """Ctrl-C twice while workers are busy with long tasks: the run ends at once (it
    used to hang joining them), exit 130 with a line saying the same command resumes,
    and the rerun finishes the output of an uninterrupted run."""
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "text": SEED_TEXTS[i % 5] * 20}) + "\n"
                              for i in range(240)))     # long enough to outlast a loaded machine's polling
    args = ["--jobs", "2", "--chunk", "8"]
    whole, out = tmp_path / "whole.jsonl", tmp_path / "k" / "o.jsonl"
    assert clean_cli("batch", corpus, whole, *args).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "batch", str(corpus), str(out),
                             *args], env={**os.environ, "CLEANER_BATCH_CHECKPOINT_SECONDS": "0"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    state = out.with_name("o.jsonl.part.state")
    deadline = time.monotonic() + 60
    while not state.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("two Ctrl-C did not end the run")
    assert proc.returncode == 130
    assert err.decode() == ("error: interrupted; what was written is kept, and the same "
                            "command resumes\n")
    assert not out.exists() and not out.with_name("o.jsonl.lock").exists()
    p = clean_cli("batch", corpus, out, *args)
    assert p.returncode == 0, p.stderr
    assert out.read_bytes() == whole.read_bytes()


# --- bounded reads, files that are not regular ------------------------------------------

def test_overlong_records_are_refused_one_line_each(tmp_path):
    """A JSONL line over --max-record-mb (a file with no newline, a gzip bomb of one
    line) is read through, not kept: one error line each, later lines still cleaned."""
    corpus, out = tmp_path / "c.jsonl.gz", tmp_path / "o.jsonl"
    good = json.dumps({"text": BODY}) + "\n"
    huge = '{"text": "' + "x" * 3_000_000 + '"}\n'
    corpus.write_bytes(gzip.compress((good + huge + good + "y" * 5_000_000).encode()))
    p = clean_cli("batch", corpus, out, "--jobs", "1", "--max-record-mb", "1")
    assert p.returncode == 1 and b"Traceback" not in p.stderr
    errors = [json.loads(x) for x in out.with_name("o.errors.jsonl").open()]
    assert errors == [{"line": n, "error": "record is over the 1 MB limit (--max-record-mb "
                                           "raises it)"} for n in (2, 4)]
    assert [json.loads(x)["text"] for x in out.open()] == [BODY, BODY]
    assert clean_cli("batch", corpus, tmp_path / "all.jsonl", "--jobs", "1",
                     "--max-record-mb", "8").returncode == 1      # line 4 is not JSON


def test_oversized_and_bomb_pages_are_refused(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "ok.txt").write_text(BODY)
    (src / "big.txt").write_text(BODY * 30_000)                      # 2.5 MB
    (src / "bomb.txt.gz").write_bytes(gzip.compress(b"\n" * 50_000_000))
    p = clean_cli("batch", src, out, "--jobs", "1", "--max-page-mb", "2")
    assert p.returncode == 1 and b"Traceback" not in p.stderr
    errors = {e["path"]: e["error"] for e in map(json.loads, (out / "errors.jsonl").open())}
    assert errors == dict.fromkeys(["big.txt", "bomb.txt.gz"],
                                   "page is over the 2 MB limit (--max-page-mb raises it)")
    assert (out / "ok.txt").read_text() == BODY


def test_fifos_and_devices_are_skipped_with_a_reason(tmp_path):
    """A FIFO (or /dev/zero) among the pages used to hang the batch or grow without end."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "ok.txt").write_text(BODY)
    os.mkfifo(src / "pipe.txt")
    (src / "zero.txt").symlink_to("/dev/zero")
    p = clean_cli("batch", src, out, "--jobs", "1")
    assert p.returncode == 1 and b"Traceback" not in p.stderr
    errors = {e["path"]: e["error"] for e in map(json.loads, (out / "errors.jsonl").open())}
    assert errors == {"pipe.txt": "is a FIFO, not a regular file: skipped",
                      "zero.txt": "is a character device, not a regular file: skipped"}
    assert (out / "ok.txt").read_text() == BODY
    # as a JSONL corpus: refused before anything is written
    os.mkfifo(tmp_path / "c.jsonl")
    p = clean_cli("batch", tmp_path / "c.jsonl", tmp_path / "o.jsonl")
    assert p.returncode == 2
    assert p.stderr.decode() == f"error: {tmp_path / 'c.jsonl'}: is a FIFO, not a regular file\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["c.jsonl", "in", "out"]


# --- smaller: names, links to OUT, an unwritable list of failures, a read-only OUT ------

def test_control_characters_in_file_names_are_escaped_on_the_terminal(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "esc\x1b[2Jname.txt").write_bytes(b"\x00\x01")
    (src / "new\nline.txt").write_bytes(b"\x00\x01")
    p = clean_cli("batch", src, out, "--jobs", "1")
    assert p.returncode == 1
    assert b"\x1b" not in p.stderr + p.stdout
    assert sorted(p.stderr.decode().splitlines()) == [
        "error: esc\\x1b[2Jname.txt: looks like a binary file, not text",
        "error: new\\nline.txt: looks like a binary file, not text"]


def test_a_link_to_out_inside_in_is_not_walked(tmp_path):
    """IN/mirror -> OUT used to nest the output one level deeper on every rerun."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "p.txt").write_text(BODY)
    (src / "mirror").symlink_to(out)
    for _ in range(2):
        r = CliRunner().invoke(app, ["batch", str(src), str(out), "--jobs", "1"])
        assert r.exit_code == 0, r.output
    assert files_under(out) == {"p.txt"}


def test_full_disk_at_the_list_of_failures_names_it_and_lists_the_pages(tmp_path, monkeypatch):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "good.txt").write_text(BODY)
    (src / "bad.txt").write_bytes(b"\x00\x01")
    real = outputs.write_atomic

    def full(path, data, fsync=False):
        if str(path).endswith("errors.jsonl"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data, fsync)
    monkeypatch.setattr(outputs, "write_atomic", full)
    r = CliRunner().invoke(app, ["batch", str(src), str(out), "--jobs", "1"])
    assert r.exit_code == 1
    assert r.stderr == ("error: bad.txt: looks like a binary file, not text\n"
                        f"error: {out / 'errors.jsonl'}: cannot write the list of failed "
                        "pages: No space left on device\n")


def test_a_read_only_out_is_named(tmp_path, monkeypatch):
    """(Simulated: root writes anywhere.) The message names OUT, not a file of ours."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "p.txt").write_text(BODY)
    out.mkdir()
    real = os.open

    def read_only(path, flags, *a, **kw):
        if str(path).startswith(str(out)) and flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, flags, *a, **kw)
    monkeypatch.setattr(outputs.os, "open", read_only)
    r = CliRunner().invoke(app, ["batch", str(src), str(out), "--jobs", "1"])
    assert r.exit_code == 1
    assert r.stderr == (f"error: {out}: cannot write (its lock .clean-batch.lock: "
                        "Permission denied)\n")
