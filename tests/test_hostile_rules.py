"""Rule files from strangers: a pattern that backtracks catastrophically stops at the
timeout with a one-line error naming the rule (exit 1, no hang), and a rule file is
data only: it cannot make the cleaner read or write files or run code."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cleaner
import cleaner.scan as scan
from cleaner import Cleaner, RuleError
from cleaner.cli import app
from cleaner.ruleset import load_file

# Patterns the `regex` module really backtracks on (it optimises `(a+)+$` away), each
# with a line that sets it off.
EVIL = {
    "alt-overlap": (r"^(a|aa)+$", "a" * 40 + "!"),
    "alt-unanchored": (r"(a|aa)+$", "a" * 40 + "!"),
    "alt-same": (r"^(a|a)+$", "a" * 40 + "!"),
    "word-classes": (r"^(\w|\w\w)+$", "b" * 40 + "!"),
    "class-repeat": (r"^([a-z]|[a-z]{2})+\d$", "abc" * 14 + "!"),
}

# the evil pattern in every place a rule file can hold one
PLACES = {
    "drop_line": "[[rule]]\nid = 'evil'\nkind = 'drop_line'\npattern = '{p}'\n",
    "block-start": "[[rule]]\nid = 'evil'\nkind = 'drop_block'\nstart = '{p}'\n",
    "block-end": "[[rule]]\nid = 'evil'\nkind = 'drop_block'\nstart = '^START$'\nend = '{p}'\n",
    "caption": "[[rule]]\nid = 'evil'\nkind = 'drop_caption'\npattern = '{p}'\n",
    "cut": "[[rule]]\nid = 'evil'\nkind = 'cut'\npattern = '{p}'\n",
    "meta": "[[rule]]\nid = 'evil'\nkind = 'meta'\npattern = '(?P<author>{p})'\n",
}

HEAD = "[outlet]\nid = 'stranger'\nname = 'Stranger'\n"


@pytest.fixture
def fast_timeout(monkeypatch):
    monkeypatch.setattr(scan, "TIMEOUT", 0.05)


def rules_dir(tmp_path, body: str) -> Path:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "stranger.toml").write_text(HEAD + body, encoding="utf-8")
    return d


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("evil", EVIL)
def test_catastrophic_pattern_stops_with_error_naming_rule(tmp_path, fast_timeout, place, evil):
    pattern, line = EVIL[evil]
    d = rules_dir(tmp_path, PLACES[place].format(p=pattern))
    text = f"Title line\nSTART\n{line}\nArticle text goes on here.\n"
    r = CliRunner().invoke(app, ["--rules", str(d), "--outlet", "stranger"], input=text)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"error: <stdin>: rule evil ({d / 'stranger.toml'}) ran out of "
                               "time on input line 3: the pattern backtracks catastrophically")


@pytest.mark.parametrize("evil", EVIL)
def test_catastrophic_signature_stops_with_error_naming_it(tmp_path, fast_timeout, evil):
    pattern, line = EVIL[evil]
    d = rules_dir(tmp_path, "")
    (d / "stranger.toml").write_text(HEAD + f"signatures = ['^Stranger$', '{pattern}']\n")
    r = CliRunner().invoke(app, ["--rules", str(d)], input=f"Title\n{line}\n")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr == (f"error: <stdin>: signature '{pattern}' of outlet stranger "
                        f"({d / 'stranger.toml'}:4) ran out of time: the pattern backtracks "
                        "catastrophically; rewrite it\n")


def test_other_pages_still_cleaned_after_a_timeout(tmp_path, fast_timeout):
    pattern, line = EVIL["alt-overlap"]
    d = rules_dir(tmp_path, PLACES["drop_line"].format(p=pattern))
    (tmp_path / "evil.txt").write_text(f"Title\n{line}\n")
    (tmp_path / "good.txt").write_text("Title\n\nA good page.\n")
    r = CliRunner().invoke(app, ["--rules", str(d), "--outlet", "stranger",
                                 str(tmp_path / "evil.txt"), str(tmp_path / "good.txt")])
    assert r.exit_code == 1
    assert r.stdout == "Title\n\nA good page.\n"
    assert r.stderr.startswith(f"error: {tmp_path / 'evil.txt'}: rule evil")


def test_catastrophic_pattern_in_a_real_subprocess(tmp_path):
    """The real command, with the timeout shortened in the child: exits 1, one line,
    no hang (the subprocess guard of 60 s is far above the 0.05 s budget)."""
    pattern, line = EVIL["alt-overlap"]
    d = rules_dir(tmp_path, PLACES["drop_line"].format(p=pattern))
    code = ("import cleaner.engine as e; e.TIMEOUT = 0.05; from cleaner.cli import main; "
            "main()")
    p = subprocess.run([sys.executable, "-c", code, "--rules", str(d), "--outlet", "stranger"],
                       input=f"Title\n{line}\n".encode(), capture_output=True, timeout=60)
    assert p.returncode == 1 and p.stdout == b""
    err = p.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("error: <stdin>: rule evil (")


# --- a rule file is data -----------------------------------------------------

class Audit:
    """Records what the interpreter does (open, exec, spawn, connect) while on."""
    WATCH = ("open", "exec", "compile", "os.system", "subprocess.Popen", "os.posix_spawn",
             "os.exec", "os.fork", "socket.connect", "os.remove", "os.rename", "shutil")

    def __init__(self):
        self.on, self.events = False, []
        sys.addaudithook(self.hook)    # hooks cannot be removed: this one just goes quiet

    def hook(self, event, args):
        if self.on and event.startswith(self.WATCH):
            self.events.append((event, args[0] if args else None))

    def __enter__(self):
        self.events, self.on = [], True
        return self

    def __exit__(self, *exc):
        self.on = False


AUDIT = Audit()

HOSTILE = HEAD + r"""signatures = ['__import__\(.os.\)']
description = "{{ config.__class__ }} ${HOME} $(touch pwned) %(x)s"

[[rule]]
id = "py"
kind = "drop_line"
pattern = '''__import__\('os'\)\.system\('touch pwned'\)'''
description = "eval(open('/etc/passwd').read())"
examples = ["__import__('os').system('touch pwned')"]

[[rule]]
id = "shell"
kind = "cut"
pattern = '\$\(touch pwned\)|`rm -rf /`'

[[rule]]
id = "path"
kind = "meta"
pattern = '^(?P<author>/etc/passwd|\.\./\.\./etc/shadow|file:///etc/hosts)$'
"""

HOSTILE_TEXT = ("__import__('os') said hello\n__import__('os').system('touch pwned')\n"
                "Keep $(touch pwned) this\n/etc/passwd\n")


def test_loading_rules_opens_only_the_rule_file_and_runs_nothing(tmp_path):
    path = tmp_path / "stranger.toml"
    path.write_text(HOSTILE, encoding="utf-8")
    with AUDIT as audit:
        outlet = load_file(path)
        outlet.validate()            # every pattern compiled
    assert [e for e in audit.events if e[0] != "open"] == []
    assert {str(a) for _, a in audit.events} == {str(path)}


def test_cleaning_with_hostile_rules_touches_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "stranger.toml"
    path.write_text(HOSTILE, encoding="utf-8")
    c = Cleaner(outlets=[load_file(path)])
    c.clean("warm-up: lazy imports and stoplists load here\n")
    with AUDIT as audit:
        result = c.clean(HOSTILE_TEXT)
    assert audit.events == []
    # the patterns are plain text matchers: the strings only matched, never run
    assert result.outlet == "stranger"
    assert result.text == "__import__('os') said hello\n\nKeep  this\n"
    assert result.author == "/etc/passwd"
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("pattern, problem", [
    ("(?{print(1)})", "bad pattern"),                 # Perl's code blocks: not regex syntax
    ("(??{system('id')})", "bad pattern"),
    ("(?P<x>a)(?P>x)(?&x)(?R)", None),                # recursion is matching, not code
])
def test_code_constructs_in_patterns_are_refused_or_inert(tmp_path, pattern, problem):
    path = tmp_path / "x.toml"
    path.write_text(HEAD + f"[[rule]]\nid = 'x'\nkind = 'drop_line'\npattern = '''{pattern}'''\n")
    if problem:
        with pytest.raises(RuleError, match=problem):
            load_file(path).validate()
    else:
        load_file(path).validate()


@pytest.mark.parametrize("key", ["include", "import", "path", "exec", "command", "file",
                                 "plugin", "script"])
def test_keys_that_would_reach_outside_are_refused(tmp_path, key):
    d = rules_dir(tmp_path, f"[[rule]]\nid = 'x'\nkind = 'drop_line'\npattern = 'x'\n"
                            f"{key} = '/etc/passwd'\n")
    r = CliRunner().invoke(app, ["--rules", str(d)], input="x\n")
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and f"unknown rule key '{key}'" in r.stderr


@pytest.mark.parametrize("lang", ["../../../../etc/passwd", "/etc/hostname", "English/../x"])
def test_outlet_lang_cannot_name_a_file(tmp_path, lang):
    """`lang` picks a stoplist by name: a path is no known name, so nothing is read."""
    path = tmp_path / "generic.toml"
    path.write_text(f"[outlet]\nid = 'generic'\nlang = '{lang}'\n")
    c = Cleaner(outlets=[load_file(path)])
    c.clean("warm-up\n", lang="English")
    with AUDIT as audit, pytest.raises(ValueError, match="no stoplist for language"):
        c.clean("Some text of an unknown outlet.\n", outlet="generic")
    assert [e for e in audit.events if e[0] == "open"] == []


def test_package_has_no_eval_exec_or_pickle():
    """Read the package's code (not its comments and docstrings): nothing can turn rule
    data into code: no eval, exec, compile, __import__, no pickle, marshal, shelve,
    no subprocess or os.system."""
    calls = {"eval", "exec", "compile", "__import__", "import_module", "system", "popen",
             "load", "loads"}
    modules = {"pickle", "marshal", "shelve", "subprocess", "dill", "cloudpickle", "yaml"}
    found = []
    for f in sorted(Path(cleaner.__file__).parent.rglob("*.py")):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{f.name}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [node.module or ""] \
                    if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                found += [f"{where}: import {n}" for n in names if n.split(".")[0] in modules]
            elif isinstance(node, ast.Call):
                fn = node.func
                name = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", "")
                owner = fn.value.id if isinstance(fn, ast.Attribute) and \
                    isinstance(fn.value, ast.Name) else None
                # regex.compile / json.loads / tomllib.loads read data, never run it
                if name in calls and owner not in ("regex", "re", "json", "tomllib"):
                    found.append(f"{where}: {owner + '.' if owner else ''}{name}()")
    assert found == []
