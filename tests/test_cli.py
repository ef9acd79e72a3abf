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
    # the evidence that chose the outlet, with its weight and line
    assert "chosen by evidence (" in r.stdout
    assert "evidence: moscowtimes signature (+" in r.stdout


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
    # the button line: the outlet's rule and the generic appeal rule both take it
    r = invoke(["--disable", "mt-support-button", "--disable", "support-appeal", str(MT)])
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
        # the byte is read as its cp1252 letter (é, ÿ), every other character as it was
        same = tmp_path / ("utf8-" + seed)
        same.write_bytes((SEEDS / seed).read_bytes() + byte.decode("cp1252").encode())
        assert r.stdout == invoke([str(same)]).stdout
        assert "1 byte replaced" in r.stderr


# ---- the command explains itself (issue 14)

def test_help_shows_the_cleaning_options_and_the_commands():
    for args in (["--help"], ["-h"], [str(MT), "--help"]):
        r = invoke(args)
        assert r.exit_code == 0
        assert " [OPTIONS] [FILE...] | COMMAND [ARGS]..." in r.stdout
        for option in ("--explain", "--format", "--outlet", "--url", "--html", "--lang"):
            assert option in r.stdout, (args, option)
        for command in ("batch", "eval", "rules"):
            assert f"│ {command} " in r.stdout


def _commands(command, path=()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_help_keeps_square_brackets():
    # rich markup took `[dask]` for a style tag and printed "Needs the  extra."
    import re
    import typer.main
    for path, command in _commands(typer.main.get_command(app)):
        texts = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]
        wanted = {m.lstrip("\\") for t in texts for m in re.findall(r"\\?\[[^\]\s]+\]", t)}
        shown = invoke([*path, "--help"]).stdout
        assert all(w in shown for w in wanted), (path, wanted)
    assert "[dask]" in invoke(["batch", "--help"]).stdout


def test_lang_takes_iso_codes_and_names(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Un titre\n\nLe conseil municipal a voté le budget mardi, après un long "
                    "débat sur les écoles et les routes de la ville.\n", encoding="utf-8")
    for lang in ("fr", "FR", "French", "french"):
        r = invoke(["--lang", lang, "--explain", str(page)])
        assert r.exit_code == 0 and "(stoplist: French)" in r.stdout, (lang, r.stderr)
    r = invoke(["--lang", "xx", str(MT)])         # refused before any page is read
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith("error: no stoplist for language 'xx' (give a name or an ISO 639-1")
    assert r.stderr.count("\n") == 1


def test_a_misspelt_disable_is_an_error_naming_it(tmp_path):
    r = invoke(["--disable", "no-such-rule", str(MT)])
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr == ("error: cannot disable 'no-such-rule': no rule has this id "
                        "(`clean rules list` shows them)\n")
    r = invoke(["batch", str(SEEDS), str(tmp_path / "out"), "--disable", "no-such-rule"])
    assert r.exit_code == 2 and "'no-such-rule'" in r.stderr
    assert not (tmp_path / "out").exists()


def test_json_names_the_source_of_each_of_several_files():
    one = json.loads(invoke(["--format", "json", str(MT)]).stdout)
    assert "source" not in one
    lines = invoke(["--format", "json", str(MT), str(SEEDS / "001_22393708c0e98bc9.txt")]).stdout
    objs = [json.loads(ln) for ln in lines.splitlines()]
    assert [o["source"] for o in objs] == [str(MT), str(SEEDS / "001_22393708c0e98bc9.txt")]
    assert objs[0] == {"source": str(MT), **one}


def test_json_with_explain_is_refused():
    r = invoke(["--format", "json", "--explain", str(MT)])
    assert r.exit_code == 2 and r.stdout == "" and r.stderr.count("\n") == 1
    assert "--explain" in r.stderr and "--format json" in r.stderr


def test_no_argument_on_a_terminal_prints_a_hint():
    import os
    import pty
    import subprocess
    import sys
    main, tty = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "cleaner"], stdin=tty, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    os.close(tty)
    os.write(main, b"Hello there.\n\x04")      # a line, then Ctrl-D: end of input
    out, err = p.communicate(timeout=60)
    os.close(main)
    assert p.returncode == 0 and out == b"Hello there.\n"
    assert err.decode().startswith("note: reading a page from the terminal; end it with Ctrl-D")
    assert err.count(b"\n") == 1
    # not on a pipe: scripts see nothing extra
    assert run_clean([], b"Hello there.\n").stderr == b""


def test_wording_counts_and_how_the_outlet_was_chosen(tmp_path):
    r = invoke(["--explain", "--outlet", "moscowtimes"], input="Support The Moscow Times!\nA line.\n")
    assert "outlet: moscowtimes (The Moscow Times), forced (--outlet)" in r.stdout
    assert "removed 1 line, cut 0 fragments, kept 1 line" in r.stdout
    assert "chosen by its URL" in invoke(["--explain", "--url", "themoscowtimes.com/a"],
                                         input="A line.\n").stdout
    pairs = tmp_path / "pairs"
    pairs.mkdir()
    (pairs / "a.txt").write_text("A line.\n")
    (pairs / "a.expected.txt").write_text("A line.\n")
    assert "1 page " in invoke(["eval", str(pairs)]).stdout
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.toml").write_text('[outlet]\nid = "x"\nname = "X"\n')
    assert invoke(["rules", "check", str(rules)]).stdout.endswith("checked 1 rule file: no problems\n")


# ---- one bad file never stops the others (issue 16)

def test_a_bad_file_among_several_never_stops_the_others(tmp_path):
    missing = tmp_path / "a.html"
    binary = tmp_path / "b.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    for args in ([missing, MT], [binary, MT], [missing, binary, MT]):
        r = invoke([str(a) for a in args])
        assert r.exit_code != 0
        assert r.stdout.endswith(GOLD.read_text(encoding="utf-8"))
        assert "Traceback" not in r.output
        assert all(ln.startswith("error: " + str(tmp_path)) for ln in r.stderr.splitlines())
    p = run_clean([binary, MT])
    assert p.returncode == 2 and p.stdout == GOLD.read_bytes()
    assert p.stderr.decode() == f"error: {binary}: looks like a binary file, not text\n"


def test_an_unexpected_error_is_a_failure_not_bad_usage(monkeypatch):
    # a ValueError the package did not mean is not "bad usage" (exit 2) but a failure
    from cleaner.pipeline import Cleaner

    def broken(self, *a, **kw):
        raise ValueError("boom")
    monkeypatch.setattr(Cleaner, "clean", broken)
    r = invoke([str(MT), str(MT)])
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.splitlines() == [f"error: {MT}: ValueError: boom (a bug in cleaner: please report it)"] * 2


def test_file_names_with_control_characters_are_escaped(tmp_path):
    name = tmp_path / "a\x1b[31mb\nc.txt"
    for args in ([name], [name, MT]):
        p = run_clean(args)
        assert b"\x1b" not in p.stderr and p.stderr.count(b"\n") == 1
        assert p.stderr.decode().endswith("a\\x1b[31mb\\nc.txt: no such file\n")
    name.write_bytes(b"A line of text.\n")
    p = run_clean(["--explain", name])
    assert p.stdout.startswith(f"== {tmp_path}/a\\x1b[31mb\\nc.txt\n".encode())
