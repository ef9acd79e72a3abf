"""The cache of what is derived per pattern (cleaner/derived.py): what a later process
reads back is what it would derive itself, and a cache that cannot be used costs only
time."""
import os

import pytest
import regex

from cleaner import derived, scan
from cleaner.prefilter import atoms, stored_atoms
from cleaner.ruleset import FLAGS, load_rules

OUTLETS, _ = load_rules(None)
SOURCES = sorted({p.source for o in OUTLETS for p in
                  [*o.signatures, *(c.pattern for c in o.evidence),
                   *(x for r in o.rules for x in (r.pattern, r.end, r.hint, r.caption) if x)]})


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """An empty cache folder, and a way to start over as a new process would."""
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))

    def new_process():
        monkeypatch.setattr(derived, "_entries", None)
        monkeypatch.setattr(derived, "_new", 0)
        monkeypatch.setattr(scan, "_plans", {})
        monkeypatch.setattr(scan, "_uses", {})
    new_process()
    return new_process


def _plan(pattern):
    costs, pre, pre_costs = scan._planned(pattern)
    return costs, pre and (pre.pattern, pre.flags), pre_costs


def test_a_later_process_reads_back_what_it_would_derive(fresh, monkeypatch):
    monkeypatch.setattr(scan, "PLAN_AFTER", 1)
    patterns = {s: regex.compile(s, FLAGS) for s in SOURCES}
    plans = {s: _plan(p) for s, p in patterns.items()}
    for s in SOURCES:
        stored_atoms(s), stored_atoms(s, True)
    derived.save()
    fresh()
    monkeypatch.setattr(scan, "PLAN_AFTER", 10 ** 9)    # only a stored plan is used now
    for s, p in patterns.items():
        assert (stored_atoms(s), stored_atoms(s, True)) == (atoms(s), atoms(s, True))
        assert _plan(p) == plans[s]
    assert derived._new == 0


def test_a_cache_that_cannot_be_used_costs_only_time(fresh, tmp_path, monkeypatch):
    source = SOURCES[0]
    stored_atoms(source)
    derived.save()
    (path,) = tmp_path.iterdir()
    # others may write it: not believed (a stored plan lets a search run untimed)
    os.chmod(path, 0o666)
    fresh()
    assert derived.get("atoms", f"0{source}") is derived.MISSING
    # a damaged file is no file
    path.write_text("{not json")
    os.chmod(path, 0o600)
    fresh()
    assert stored_atoms(source) == atoms(source)
    # a folder that cannot be written: derived in memory only
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(path / "below-a-file"))
    fresh()
    assert stored_atoms(source) == atoms(source)
    derived.save()
    assert derived._path is None
    # no cache at all
    monkeypatch.setenv("CLEANER_CACHE_DIR", "")
    fresh()
    assert stored_atoms(source) == atoms(source)
