"""`clean batch`: folders and JSONL corpora, as real subprocesses and through CliRunner."""
import gzip
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from cleaner import batch
from cleaner.cli import app
from cleaner.records import clean_record

from conftest import SEEDS

runner = CliRunner()
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def clean_cli(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "cleaner", *map(str, args)],
                          capture_output=True, env={**os.environ, **(env or {})}, timeout=timeout)


def tree_digest(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture
def mixed_tree(tmp_path):
    """Good pages (.txt, .html, .gz, nested) and bad ones, plus a symlink loop."""
    src = tmp_path / "in"
    (src / "a" / "b").mkdir(parents=True)
    (src / "one.txt").write_text(SEED_TEXTS[0], encoding="utf-8")
    (src / "a" / "two.txt").write_text(SEED_TEXTS[1], encoding="utf-8")
    (src / "a" / "b" / "three.txt.gz").write_bytes(gzip.compress(SEED_TEXTS[2].encode()))
    (src / "a" / "page.html").write_text(
        "<html><body><article><h1>Rates rise</h1><p>" + "The central bank raised its rates "
        "again on Friday, officials said in a statement. " * 5 + "</p></article></body></html>",
        encoding="utf-8")
    (src / "notes.md").write_text("not a page: ignored")
    (src / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    (src / "a" / "broken.txt.gz").write_bytes(b"this is not gzip data")
    (src / "a" / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (src / "a" / "b" / "loop").symlink_to(src / "a")
    return src


def test_folder_batch_subprocess_mixed_tree(mixed_tree, tmp_path):
    out = tmp_path / "out"
    before = tree_digest(mixed_tree)
    p = clean_cli("batch", mixed_tree, out, "--jobs", "2", "--report", tmp_path / "r.json")
    assert p.returncode == 1, p.stderr
    # not a terminal: no progress bar, only the failed pages
    assert sorted(p.stderr.decode().splitlines()) == [
        "error: a/broken.txt.gz: Not a gzipped file (b'th')",
        f"error: a/gone.txt: [Errno 2] No such file or directory: '{mixed_tree / 'a' / 'gone.txt'}'",
        "error: bin.txt: looks like a binary file, not text"]
    from cleaner import clean
    assert (out / "one.txt").read_text(encoding="utf-8") == clean(SEED_TEXTS[0]).text
    assert (out / "a" / "two.txt").read_text(encoding="utf-8") == clean(SEED_TEXTS[1]).text
    assert gzip.decompress((out / "a" / "b" / "three.txt.gz").read_bytes()).decode() \
        == clean(SEED_TEXTS[2]).text
    assert "central bank raised" in (out / "a" / "page.txt").read_text(encoding="utf-8")
    assert not (out / "notes.md").exists() and not list(out.rglob("*.tmp"))
    errors = {e["path"]: e["error"] for e in map(json.loads, (out / "errors.jsonl").open())}
    assert set(errors) == {"bin.txt", "a/broken.txt.gz", "a/gone.txt"}
    assert "binary" in errors["bin.txt"]
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["pages"] == 4 and report["failed"] == 3
    assert report["outlets"]["moscowtimes"] == 1 and report["outlets"]["hindustantimes"] == 1
    assert report["chars_removed"] > 0
    summary = p.stdout.decode()
    assert "cleaned 4 pages" in summary and "failures: 3" in summary
    assert tree_digest(mixed_tree) == before            # inputs untouched

    again = clean_cli("batch", mixed_tree, out)
    assert "skipped 4 up to date" in again.stdout.decode()
    forced = clean_cli("batch", mixed_tree, out, "--force", "--glob", "*.txt")
    assert "cleaned 2 pages" in forced.stdout.decode()   # one.txt, a/two.txt


def test_folder_json_format(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "p.txt").write_text(SEED_TEXTS[1], encoding="utf-8")
    r = runner.invoke(app, ["batch", str(src), str(tmp_path / "out"), "--format", "json",
                            "--jobs", "1"])
    assert r.exit_code == 0, r.output
    obj = json.loads((tmp_path / "out" / "p.json").read_text(encoding="utf-8"))
    assert obj["source"] == "p.txt" and obj["outlet"] == "hindustantimes"
    assert obj["agency"] == "AFP" and obj["removals"] and obj["removed_chars"] > 0


def write_corpus(path, n):
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as f:
        for i in range(n):
            if i % 97 == 13:
                f.write("{not json\n")
            else:
                f.write(json.dumps({"id": i, "url": None, "text": SEED_TEXTS[i % 5],
                                    "lang": "en"}) + "\n")


def test_jsonl_round_trip_keeps_fields_and_order(tmp_path, cleaner):
    corpus, out = tmp_path / "c.jsonl.gz", tmp_path / "o.jsonl"
    write_corpus(corpus, 40)
    res = batch.run(corpus, out, batch.Options(jobs=2, chunk=3))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert res.pages == len(lines) == 39 and res.failed == 1
    records = [json.loads(x) for x in lines]
    assert [r["id"] for r in records] == [i for i in range(40) if i != 13]
    for r in records:
        original = {"id": r["id"], "url": None, "text": SEED_TEXTS[r["id"] % 5], "lang": "en"}
        assert r == clean_record(cleaner, original)
    errors = [json.loads(x) for x in (tmp_path / "o.errors.jsonl").open()]
    assert errors == [{"line": 14, "error": errors[0]["error"]}]
    assert errors[0]["error"].startswith("malformed JSON line")


def test_jsonl_fields_and_html(tmp_path):
    corpus, out = tmp_path / "c.jsonl", tmp_path / "o.jsonl.gz"
    corpus.write_text(json.dumps({"content": "Read more\nBody text.", "k": 1}) + "\n"
                      + json.dumps({"html": "<html><body><p>" + "Words of an article, said "
                                    "officials on Monday. " * 4 + "</p></body></html>"}) + "\n")
    r = runner.invoke(app, ["batch", str(corpus), str(out), "--text-field", "content",
                            "--output-field", "clean", "--meta-field", "m", "--jobs", "1"])
    assert r.exit_code == 0, r.output
    first, second = [json.loads(x) for x in gzip.open(out, "rt", encoding="utf-8")]
    assert first["content"] == "Read more\nBody text." and first["clean"] == "Body text.\n"
    assert first["k"] == 1 and "m" in first
    assert "Words of an article" in second["clean"]
    assert not (tmp_path / "o.errors.jsonl").exists()


@pytest.mark.parametrize("name", ["out.jsonl", "out.jsonl.gz"])
def test_resume_after_kill_matches_uninterrupted_run(tmp_path, name):
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus, 400)
    args = ["--jobs", "1", "--chunk", "2"]
    whole = tmp_path / "whole" / name
    assert clean_cli("batch", corpus, whole, *args).returncode == 1   # malformed lines
    out = tmp_path / "killed" / name
    env = {"CLEANER_BATCH_CHECKPOINT_SECONDS": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "batch", str(corpus), str(out),
                             *args], env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = out.with_name(name + ".part.state")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if state.exists() and json.loads(state.read_text() or "{}").get("line", 1) > 40:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists() and out.with_name(name + ".part").exists()
    p = clean_cli("batch", corpus, out, *args, env=env)
    assert p.returncode == 1, p.stderr
    assert out.read_bytes() == whole.read_bytes()
    errors = out.with_name("out.errors.jsonl")
    assert errors.read_bytes() == whole.with_name("out.errors.jsonl").read_bytes()
    assert "failures: 4" in p.stdout.decode()          # counts carried over the kill
    assert not list(out.parent.glob("*.part*"))
    assert "up to date" in clean_cli("batch", corpus, out, *args).stdout.decode()


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path):
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus, 5)
    quiet = clean_cli("batch", corpus, tmp_path / "a.jsonl", "--jobs", "1")
    assert quiet.stderr == b"" and b"cleaned 5 pages" in quiet.stdout
    shown = clean_cli("batch", corpus, tmp_path / "b.jsonl", "--jobs", "1", "--progress")
    assert b"pages" in shown.stderr
    silent = clean_cli("batch", corpus, tmp_path / "c.jsonl.gz", "--jobs", "1", "--quiet")
    assert silent.stderr == b"" and silent.stdout == b"" and silent.returncode == 0


@pytest.mark.parametrize("make_args,message", [
    (lambda t: [t / "in", t / "in" / "out"], "inside input folder"),
    (lambda t: [t / "in", t], "inside output folder"),
    (lambda t: [t / "c.jsonl", t / "c.jsonl"], "is the input file"),
    (lambda t: [t / "nope", t / "out"], "no such file or folder"),
    (lambda t: [t / "in" / "p.txt", t / "out"], "not a folder or a .jsonl"),
    (lambda t: [t / "in", t / "out", "--format", "xml"], "--format must be"),
    (lambda t: [t / "in", t / "out", "--rules", t / "rules"], "bad pattern"),
])
def test_bad_arguments_exit_2(tmp_path, make_args, message):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p.txt").write_text("Body.\n")
    (tmp_path / "c.jsonl").write_text('{"text": "x"}\n')
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "bad.toml").write_text(
        '[outlet]\nid = "bad"\n[[rule]]\nid = "r"\nkind = "drop_line"\npattern = "(x"\n')
    r = runner.invoke(app, ["batch", *map(str, make_args(tmp_path))])
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith("error:") and message in r.stderr
    assert r.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists() and not (tmp_path / "in" / "out").exists()


def test_output_names():
    assert batch.output_name("a/b.html.gz", "text") == "a/b.txt.gz"
    assert batch.output_name("a/b.htm", "json") == "a/b.json"
    assert batch.output_name("b.txt", "text") == "b.txt"


def test_resume_state_without_its_part_file_starts_over(tmp_path):
    corpus, out = tmp_path / "c.jsonl", tmp_path / "o.jsonl"
    write_corpus(corpus, 6)
    opts = batch.Options(jobs=1)
    state = {"fingerprint": batch.jsonl._fingerprint(corpus, out, opts), "offset": 10**6, "line": 99,
             "part": 10**6, "errors": 0, "summary": batch.Summary().to_dict()}
    out.with_name("o.jsonl.part.state").write_text(json.dumps(state))
    res = batch.run(corpus, out, opts)
    assert res.pages == 6 and len(out.read_text(encoding="utf-8").splitlines()) == 6
    assert not out.with_name("o.jsonl.part.state").exists()


# --- honest status: earlier failures, resumes, --quiet ----------------------------------

def test_a_jsonl_rerun_that_skips_keeps_the_earlier_failures(tmp_path):
    corpus, out = tmp_path / "c.jsonl", tmp_path / "o.jsonl"
    write_corpus(corpus, 20)                       # line 14 is not JSON
    assert clean_cli("batch", corpus, out, "--jobs", "1").returncode == 1
    again = clean_cli("batch", corpus, out, "--jobs", "1")
    assert again.returncode == 1
    summary = again.stdout.decode()
    assert "up to date" in summary
    assert ("failures: 1, 1 of them from earlier runs (--force redoes them) (see "
            f"{tmp_path / 'o.errors.jsonl'})") in summary
    assert again.stderr.decode().startswith("error: line 14: malformed JSON line")


def test_a_folder_rerun_keeps_failures_of_pages_it_does_not_redo(tmp_path):
    """A page that failed under --force keeps its older output, which is up to date, so
    the next run skips it: its failure stays listed until the page is redone."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text(SEED_TEXTS[0])
    (src / "b.txt").write_text(SEED_TEXTS[1])
    assert clean_cli("batch", src, out, "--jobs", "1").returncode == 0
    slow = tmp_path / "rules"
    slow.mkdir()
    (slow / "slow.toml").write_text(
        '[outlet]\nid = "slow"\nsignatures = ["."]\n[[rule]]\nid = "boom"\n'
        'kind = "drop_line"\npattern = "^(a|aa)+$"\n')
    (src / "b.txt").write_text("a" * 40 + "b\n")
    older = (out / "b.txt").stat().st_mtime - 10    # as if edited before the first run
    os.utime(src / "b.txt", (older, older))
    forced = clean_cli("batch", src, out, "--jobs", "1", "--force", "--glob", "b.txt",
                       "--rules", slow)
    assert forced.returncode == 1
    rerun = clean_cli("batch", src, out, "--jobs", "1")
    assert rerun.returncode == 1 and "skipped 2 up to date" in rerun.stdout.decode()
    assert "failures: 1, 1 of them from earlier runs" in rerun.stdout.decode()
    assert [e["path"] for e in map(json.loads, (out / "errors.jsonl").open())] == ["b.txt"]
    (src / "b.txt").write_text(SEED_TEXTS[1])      # redone: the failure goes
    time.sleep(0.01)
    done = clean_cli("batch", src, out, "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert not (out / "errors.jsonl").exists()


def test_the_summary_of_a_resumed_run_says_so(tmp_path):
    corpus, out = tmp_path / "c.jsonl", tmp_path / "o.jsonl"
    write_corpus(corpus, 12)
    opts = batch.Options(jobs=1, chunk=4)
    whole = batch.run(corpus, tmp_path / "w.jsonl", opts)
    state = {"fingerprint": batch.jsonl._fingerprint(corpus, out, opts), "offset": 0, "line": 1,
             "part": 0, "errors": 0, "summary": batch.Summary().to_dict()}
    state_path = out.with_name("o.jsonl.part.state")
    out.with_name("o.jsonl.part").write_bytes(b"")
    out.with_name("o.errors.jsonl.part").write_bytes(b"")
    state_path.write_text(json.dumps(state))
    res = batch.run(corpus, out, opts)
    assert (res.resumed_at_line, res.earlier_pages, res.pages) == (1, 0, whole.pages)
    # a run killed after 8 lines: resume from line 9
    lines = (tmp_path / "w.jsonl").read_bytes().splitlines(keepends=True)
    out.unlink()
    out.with_name("o.jsonl.part").write_bytes(b"".join(lines[:8]))
    out.with_name("o.errors.jsonl.part").write_bytes(b"")
    offset = sum(len(x) for x in corpus.read_bytes().splitlines(keepends=True)[:8])
    state.update(offset=offset, line=9, part=len(b"".join(lines[:8])),
                 summary={**batch.Summary().to_dict(), "pages": 8})
    state_path.write_text(json.dumps(state))
    from cleaner.cli.batch import render_summary
    res = batch.run(corpus, out, opts)
    assert out.read_bytes() == (tmp_path / "w.jsonl").read_bytes()
    first = render_summary(res).splitlines()[0]
    assert first.startswith("resumed at input line 9 (8 pages cleaned before); this run "
                            "cleaned 4 pages in ")
    assert first.endswith(f"; 12 pages in all ({res.bytes_in / 1e6:.1f} MB)")


def test_quiet_drops_the_summary_but_never_the_errors(tmp_path):
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus, 20)
    p = clean_cli("batch", corpus, tmp_path / "o.jsonl", "--jobs", "1", "--quiet")
    assert p.returncode == 1 and p.stdout == b""
    assert p.stderr.decode().startswith("error: line 14: malformed JSON line: ")
    assert p.stderr.count(b"\n") == 1


def test_pages_cleaned_with_a_warning_are_counted_and_named(tmp_path):
    # a warning (here: a byte replaced) is not lost in a batch: the summary counts the
    # pages, and their metadata says what happened
    src = tmp_path / "in"
    src.mkdir()
    (src / "bad.txt").write_bytes((SEEDS / "000_793e23ee459727fc.txt").read_bytes() + b"\xff")
    (src / "good.txt").write_bytes((SEEDS / "000_793e23ee459727fc.txt").read_bytes())
    r = runner.invoke(app, ["batch", str(src), str(tmp_path / "out"), "--jobs", "1",
                            "--format", "json"])
    assert r.exit_code == 0
    assert "cleaned with a warning (bytes replaced, HTML text dropped...): 1 page" in r.stdout
    bad = json.loads((tmp_path / "out" / "bad.json").read_text(encoding="utf-8"))
    good = json.loads((tmp_path / "out" / "good.json").read_text(encoding="utf-8"))
    assert "byte" in " ".join(bad["warnings"]) and "warnings" not in good
