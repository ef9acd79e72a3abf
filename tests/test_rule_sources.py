"""Where rules come from: built-in, rule packs (entry points), $CLEANER_RULES, --rules;
later sources extend or override earlier ones, and `rules list` shows what won."""
import importlib.metadata
import json

from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli import app
from cleaner.ruleset import PACK_GROUP

from conftest import run_clean

MT_EXTRA = """[outlet]
id = "moscowtimes"
[[rule]]
id = "mt-support-button"
kind = "drop_line"
pattern = '^Support us now$'
examples = ["Support us now"]
[[rule]]
id = "pack-extra"
kind = "drop_line"
pattern = '^Pack line$'
examples = ["Pack line"]
"""
ACME = """[outlet]
id = "acme"
name = "Acme Daily"
signatures = ['^Acme Daily front page$']
[[rule]]
id = "acme-banner"
kind = "drop_line"
pattern = '^Acme Daily front page$'
examples = ["Acme Daily front page"]
"""


def make_site(tmp_path):
    """A folder for sys.path with a good pack (acmepack.rules, a folder without
    __init__.py) and a pack whose rule file is broken (badpack)."""
    site = tmp_path / "site"
    (site / "acmepack" / "rules").mkdir(parents=True)
    (site / "acmepack" / "__init__.py").write_text("")
    (site / "acmepack" / "rules" / "acme.toml").write_text(ACME)
    (site / "acmepack" / "rules" / "mt.toml").write_text(MT_EXTRA)
    (site / "badpack").mkdir()
    (site / "badpack" / "__init__.py").write_text("")
    (site / "badpack" / "x.toml").write_text('[outlet]\nid = "x"\n[[rule]]\nid = "r"\n'
                                             'kind = "drop_line"\npattern = "(x"\n')
    return site


def fake_entry_points(monkeypatch, packs):
    eps = [importlib.metadata.EntryPoint(name, value, PACK_GROUP) for name, value in packs]
    real = importlib.metadata.entry_points

    def entry_points(**kw):
        return eps if kw.get("group") == PACK_GROUP else real(**kw)
    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)


def test_packs_load_and_broken_ones_are_skipped(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(make_site(tmp_path)))
    fake_entry_points(monkeypatch, [("acme", "acmepack.rules"), ("gone", "nosuchpack.rules"),
                                    ("bad", "badpack"), ("file", "acmepack.__init__")])
    c = Cleaner()
    warnings = sorted(c.rule_warnings)
    assert [w.split(":")[0] for w in warnings] == [
        "rule pack 'bad' skipped", "rule pack 'file' (acmepack.__init__) skipped",
        "rule pack 'gone' (nosuchpack.rules) skipped"]
    assert "bad pattern" in warnings[0] and "not a package" in warnings[1]
    assert "ModuleNotFoundError" in warnings[2]
    assert c.clean("Acme Daily front page\n\nStory.\n").outlet == "acme"
    mt = c.detector.outlets["moscowtimes"]
    button = next(r for r in mt.rules if r.id == "mt-support-button")
    assert button.pattern.source == "^Support us now$" and "moscowtimes.toml" in button.replaces
    assert mt.rules[-1].id == "pack-extra"


def test_user_folders_override_packs_and_list_shows_it(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(make_site(tmp_path)))
    fake_entry_points(monkeypatch, [("acme", "acmepack.rules")])
    env_dir, cli_dir = tmp_path / "env", tmp_path / "cli"
    env_dir.mkdir()
    cli_dir.mkdir()
    (env_dir / "acme.toml").write_text('[outlet]\nid = "acme"\ndisable = ["acme-banner"]\n')
    (cli_dir / "acme.toml").write_text(ACME.replace("front page$'\nexamples",
                                                    "front page!?$'\nexamples"))
    monkeypatch.setenv("CLEANER_RULES", str(env_dir))
    r = CliRunner().invoke(app, ["rules", "list", "--rules", str(cli_dir), "--json"])
    assert r.exit_code == 0, r.output
    [acme] = [o for o in json.loads(r.stdout)["outlets"] if o["id"] == "acme"]
    assert acme["source"].endswith("acmepack/rules/acme.toml")
    assert [e.split("/")[-2] for e in acme["extended_by"]] == ["env", "cli"]
    [banner] = acme["rules"]
    assert banner["source"].endswith("cli/acme.toml:6")
    assert banner["replaces"].endswith("acmepack/rules/acme.toml:6")
    assert (banner["enabled"], banner["why_disabled"]) == (False, "disabled by id")
    text = CliRunner().invoke(app, ["rules", "list", "--rules", str(cli_dir)]).stdout
    assert "disabled (disabled by id), replaces" in text and "; extended by" in text


def test_real_dist_info_pack_in_a_subprocess(tmp_path):
    site = make_site(tmp_path)
    for dist, value in (("acmepack", "acme = acmepack.rules"), ("badpack", "bad = badpack")):
        info = site / f"{dist}-1.0.dist-info"
        info.mkdir()
        info.joinpath("METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
        info.joinpath("entry_points.txt").write_text(f"[{PACK_GROUP}]\n{value}\n")
    env = {"PYTHONPATH": str(site)}
    p = run_clean(["rules", "list"], env=env)
    assert p.returncode == 0, p.stderr
    assert b"acme  Acme Daily" in p.stdout and b"acme-banner" in p.stdout
    assert p.stderr.decode().startswith("warning: rule pack 'bad' skipped: ")
    assert p.stderr.count(b"\n") == 1
    p = run_clean([], b"Acme Daily front page\n\nStory.\n", env=env)
    assert p.returncode == 0 and p.stdout == b"Story.\n"
    p = run_clean(["rules", "check"], env=env)
    assert p.returncode == 1 and b"badpack" in p.stdout and b"bad pattern" in p.stdout
