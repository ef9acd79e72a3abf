"""The `clean` command through typer's runner and as a real subprocess."""
import json

from typer.testing import CliRunner

from cleaner.cli import app

from conftest import FIXTURES, SEEDS, run_clean

runner = CliRunner()
MT = SEEDS / "000_793e23ee459727fc.txt"
GOLD = FIXTURES / "moscowtimes" / "seed_000.expected.txt"


def invoke(args, input=None):
    return runner.invoke(app, args, input=input)


def test_file_to_stdout():
    r = invoke([str(MT)])
    assert r.exit_code == 0
    assert r.stdout == GOLD.read_text(encoding="utf-8")


def test_stdin_default_and_dash():
    data = MT.read_bytes()
    assert invoke([], input=data).stdout == GOLD.read_text(encoding="utf-8")
    assert invoke(["-"], input=data).stdout == GOLD.read_text(encoding="utf-8")


def test_several_files_concatenate():
    r = invoke([str(MT), str(MT)])
    assert r.stdout == GOLD.read_text(encoding="utf-8") * 2


def test_explain_names_rules_and_outlet():
    r = invoke(["--explain", str(MT)])
    assert r.exit_code == 0
    assert "outlet: moscowtimes" in r.stdout
    assert "Support The Moscow Times!    [mt-support-button]" in r.stdout
    assert "[mt-appeal-message]" in r.stdout


def test_json_format():
    r = invoke(["--format", "json", str(SEEDS / "001_22393708c0e98bc9.txt")])
    obj = json.loads(r.stdout)
    assert obj["outlet"] == "hindustantimes" and obj["agency"] == "AFP"
    assert obj["title"].startswith("Moscow says")
    assert any(x["rule"] == "ht-breadcrumb" for x in obj["removals"])


def test_outlet_and_url_options():
    text = "Headline\n\nSupport us\n\nBody."
    assert "Support us" not in invoke(["--outlet", "moscowtimes"], input=text).stdout
    assert "Support us" not in invoke(["--url", "themoscowtimes.com/a"], input=text).stdout
    r = invoke(["--outlet", "nope"], input=text)
    assert r.exit_code == 2 and "unknown outlet 'nope'" in r.stderr


def test_empty_input():
    r = invoke([], input=b"")
    assert r.exit_code == 0 and r.stdout == ""


def test_missing_file_exit_2(tmp_path):
    r = invoke([str(tmp_path / "nope.txt")])
    assert r.exit_code == 2
    assert r.stderr.strip() == f"error: {tmp_path / 'nope.txt'}: no such file"


def test_binary_file_exit_2(tmp_path):
    f = tmp_path / "img.png"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    r = invoke([str(f)])
    assert r.exit_code == 2 and "binary" in r.stderr
    assert "Traceback" not in r.output


def test_good_files_still_written_when_one_is_missing(tmp_path):
    r = invoke([str(MT), str(tmp_path / "nope.txt")])
    assert r.exit_code == 2
    assert r.stdout == GOLD.read_text(encoding="utf-8")


def test_invalid_utf8_warns(tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes("Le café était fermé, dit-il, à cause de la grève générale.\n".encode("latin-1") * 3)
    r = invoke([str(f)])
    assert r.exit_code == 0 and "café" in r.stdout
    assert "warning:" in r.stderr and "not valid UTF-8" in r.stderr


def test_broken_rules_folder_is_one_line_error(tmp_path):
    (tmp_path / "bad.toml").write_text('[outlet]\nid = "bad"\n[[rule]]\nid = "r"\nkind = "drop_line"\npattern = "(x"\n')
    r = invoke(["--rules", str(tmp_path), "--outlet", "bad"], input="x")
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "bad.toml:6: r: bad pattern" in r.stderr


def test_disable_option():
    r = invoke(["--disable", "mt-support-button", str(MT)])
    assert r.stdout.startswith("Support The Moscow Times!\n")


def test_subprocess_stdin():
    p = run_clean([], MT.read_bytes())
    assert p.returncode == 0, p.stderr
    assert p.stdout == GOLD.read_bytes()


def test_subprocess_errors_have_no_traceback(tmp_path):
    p = run_clean([str(tmp_path / "missing.txt")], b"")
    assert p.returncode == 2
    assert p.stderr.decode().startswith("error:") and b"Traceback" not in p.stderr


def test_one_bad_byte_keeps_the_outlet_rules_working(tmp_path):
    # a stray byte used to send the page to charset detection (mac_iceland, cp1252):
    # curly quotes garbled, the BBC byline rules no longer matching
    for seed, byte in (("002_bd2f4c37c13cce80.txt", b"\xff"), ("004_c630794e0e8874ab.txt", b"\xe9")):
        f = tmp_path / seed
        f.write_bytes((SEEDS / seed).read_bytes() + byte)
        r = invoke([str(f)])
        assert r.exit_code == 0
        assert r.stdout == invoke([str(SEEDS / seed)]).stdout
        assert "1 byte replaced" in r.stderr
