"""The bad-input matrix for `clean`: each case runs through typer's CliRunner and as a
real subprocess, and states its exit code, its stderr and what reaches stdout. No case
may show a traceback. (Sizes stay modest here: bench/linearity.py measures how time
grows with a 50 MB line and a million lines.)"""
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app

from conftest import run_clean

SENTENCE = "The council approved the new budget on Tuesday after a long debate about schools."
OTHER = "Residents who spoke at the meeting asked for more buses and safer crossings."
PARA = f"<p>{SENTENCE}</p>"


@dataclass
class Out:
    code: int
    stdout: bytes
    stderr: str


def via_runner(args, stdin, cwd):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        r = CliRunner().invoke(app, args, input=stdin)
    finally:
        os.chdir(old)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return Out(r.exit_code, r.stdout_bytes, r.stderr)


def via_subprocess(args, stdin, cwd):
    p = run_clean(args, stdin, cwd=cwd)
    return Out(p.returncode, p.stdout, p.stderr.decode("utf-8", "replace"))


@pytest.fixture(params=[via_runner, via_subprocess], ids=["runner", "subprocess"])
def run(request, tmp_path):
    def go(args, stdin=b""):
        out = request.param(args, stdin, tmp_path)
        assert "Traceback" not in out.stderr
        return out
    return go


def write(tmp_path, name, data: bytes) -> str:
    (tmp_path / name).write_bytes(data)
    return name


def test_empty_stdin(run):
    assert run([], b"") == Out(0, b"", "")


def test_empty_and_whitespace_only_files(run, tmp_path):
    write(tmp_path, "empty.txt", b"")
    write(tmp_path, "blank.txt", b"  \n\t\n\r\n \n")
    assert run(["empty.txt", "blank.txt"]) == Out(0, b"", "")


def test_invalid_utf8_is_decoded_with_a_warning(run, tmp_path):
    write(tmp_path, "bad.txt", b"Hello caf\xe9 world, more text here.\n")
    assert run(["bad.txt"]) == Out(
        0, "Hello café world, more text here.\n".encode(),
        "warning: bad.txt: input is not valid UTF-8 (byte 9); decoded as cp1252\n")


def test_utf16_with_bom(run, tmp_path):
    text = "Привет мир, это статья о бюджете.\r\nВторая строка статьи."
    write(tmp_path, "u16.txt", text.encode("utf-16"))
    assert run(["u16.txt"]) == Out(0, (text.replace("\r\n", "\n") + "\n").encode(), "")


def test_latin1(run, tmp_path):
    line = "Le café était fermé à cause de la grève générale, dit-il.\n"
    write(tmp_path, "latin.txt", line.encode("latin-1") * 2)
    assert run(["latin.txt"]) == Out(
        0, line.encode() * 2,
        "warning: latin.txt: input is not valid UTF-8 (byte 6); decoded as cp1252\n")


@pytest.mark.parametrize("data", [b"abc\x00def\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
                                  bytes(range(1, 32)) * 20],
                         ids=["nul", "png", "control-bytes"])
def test_binary_data_is_refused(run, tmp_path, data):
    write(tmp_path, "blob.bin", data)
    assert run(["blob.bin"]) == Out(2, b"", "error: blob.bin: looks like a binary file, not text\n")


def test_binary_on_stdin_is_refused(run):
    assert run([], b"\x00\x01\x02") == Out(2, b"", "error: <stdin>: looks like a binary file, not text\n")


def test_binary_file_does_not_stop_the_others(run, tmp_path):
    write(tmp_path, "a.txt", f"{SENTENCE}\n".encode())
    write(tmp_path, "blob.bin", b"\x00" * 10)
    out = run(["a.txt", "blob.bin", "a.txt"])
    assert out == Out(2, f"{SENTENCE}\n".encode() * 2,
                      "error: blob.bin: looks like a binary file, not text\n")


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_line_endings_become_lf(run, newline):
    text = newline.join(["First line of the story.", "", "Second line of the story."]) + newline
    assert run([], text.encode()) == Out(0, b"First line of the story.\n\nSecond line of the story.\n", "")


def test_big_single_line(run):
    line = " ".join([SENTENCE] * 25_000)      # about 2 MB, no newline at all
    assert run([], line.encode()) == Out(0, (line + "\n").encode(), "")


def test_many_short_lines(run):
    lines = [f"Line {n} of the story goes on, and on, and on." for n in range(50_000)]
    text = "\n".join(lines) + "\n"
    assert run([], text.encode()) == Out(0, text.encode(), "")


def test_deeply_nested_html_is_no_crash(run):
    page = ("<html><body>" + "<div>" * 5000 + PARA * 3 + "</div>" * 5000 + "</body></html>")
    for args in ([], ["--html"]):
        out = run(args, page.encode())
        assert out.code == 0
        # the HTML parser gives up on such depth even with its huge-tree option: say so
        # rather than print nothing silently
        assert out.stdout == b"" and out.stderr == (
            "warning: <stdin>: HTML nested deeper than 2048 levels: the text from there on was dropped\n"
            "warning: <stdin>: no text found in the HTML\n")


def test_nested_html_within_parser_limits(run):
    page = ("<html><body>" + "<div>" * 200 + PARA + f"<p>{OTHER}</p>" + "</div>" * 200
            + "</body></html>")
    assert run([], page.encode()) == Out(0, f"{SENTENCE}\n\n{OTHER}\n".encode(), "")


def test_broken_html(run):
    page = ("<html><head><title>T</title><body><div><p>Unclosed <b>bold" + PARA
            + "<div><table><tr><td>" + PARA + "</span></i>")
    for args in ([], ["--html"]):
        out = run(args, page.encode())
        assert out.code == 0 and out.stderr == ""
        assert SENTENCE.encode() in out.stdout


def test_html_flag_on_plain_text(run):
    # trafilatura finds nothing in it; the text path on the flattened page keeps it
    assert run(["--html"], f"{SENTENCE}\n".encode()) == Out(0, f"{SENTENCE}\n".encode(), "")


def test_folder_given_as_file(run, tmp_path):
    (tmp_path / "pages").mkdir()
    assert run(["pages"]) == Out(2, b"", "error: pages: is a folder (use `clean batch` for folders)\n")


def test_missing_file(run):
    assert run(["nope.txt"]) == Out(2, b"", "error: nope.txt: no such file\n")


def test_symlink_loop(run, tmp_path):
    os.symlink("loop2", tmp_path / "loop1")
    os.symlink("loop1", tmp_path / "loop2")
    assert run(["loop1"]) == Out(
        2, b"", "error: loop1: cannot read: Too many levels of symbolic links\n")


def test_dangling_symlink(run, tmp_path):
    os.symlink("gone.txt", tmp_path / "link.txt")
    assert run(["link.txt"]) == Out(2, b"", "error: link.txt: no such file\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_chmod_000(run, tmp_path):
    write(tmp_path, "secret.txt", b"text")
    os.chmod(tmp_path / "secret.txt", 0)
    assert run(["secret.txt"]) == Out(2, b"", "error: secret.txt: cannot read: Permission denied\n")


def test_unreadable_file_simulated(tmp_path, monkeypatch):
    """The same case where root bypasses permissions: the read fails as it would."""
    write(tmp_path, "secret.txt", b"text")
    real = Path.read_bytes

    def deny(self):
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)
    monkeypatch.setattr(Path, "read_bytes", deny)
    assert via_runner(["secret.txt"], b"", tmp_path) == Out(
        2, b"", "error: secret.txt: cannot read: Permission denied\n")


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux /proc")
def test_file_that_fails_to_read(run):
    # /proc/self/mem exists and opens, but reading offset 0 fails with EIO, even as root
    assert run(["/proc/self/mem"]) == Out(
        2, b"", "error: /proc/self/mem: cannot read: Input/output error\n")


BAD_NAME = os.fsdecode(b"n\xffame.txt")      # not valid UTF-8: surrogate-escaped in Python


def test_file_name_not_utf8(run, tmp_path):
    write(tmp_path, BAD_NAME, f"{SENTENCE}\n".encode())
    assert run([BAD_NAME]) == Out(0, f"{SENTENCE}\n".encode(), "")


def test_file_name_not_utf8_in_messages(run, tmp_path):
    missing = os.fsdecode(b"mis\xffsing.txt")
    assert run([missing]) == Out(2, b"", "error: mis\\xffsing.txt: no such file\n")


def test_file_name_not_utf8_in_explain_and_json(run, tmp_path):
    write(tmp_path, BAD_NAME, f"{SENTENCE}\n".encode())
    out = run(["--explain", BAD_NAME])
    assert out.code == 0 and out.stdout.startswith(b"== n\\xffame.txt\n")
    out = run(["--format", "json", BAD_NAME, BAD_NAME])
    assert out.code == 0 and out.stdout.count(b'{"source": "n\\\\xffame.txt"') == 2


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_full_disk_on_stdout(tmp_path):
    """stdout on a full disk: one line, exit 1, no traceback (and no noise at exit)."""
    write(tmp_path, "a.txt", f"{SENTENCE}\n".encode())
    with open("/dev/full", "wb") as full:
        p = subprocess.run([sys.executable, "-m", "cleaner", "a.txt", "a.txt"], cwd=tmp_path,
                           stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert p.returncode == 1
    assert p.stderr.decode() == "error: cannot write the output: No space left on device\n"
