import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from cleaner import evaluate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEEDS = ROOT / "seeds"

# a fixed, modest number of examples keeps CI time predictable
settings.register_profile("ci", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def fixture_pairs():
    """(outlet folder, input path, expected path) for every fixtures/<outlet>/NAME.txt."""
    return evaluate.fixture_pairs(FIXTURES)


@pytest.fixture(scope="session")
def cleaner():
    from cleaner import Cleaner
    return Cleaner()


def run_clean(args, data=b"", cwd=None, env=None):
    """`python -m cleaner ARGS` as a real subprocess (bytes in, CompletedProcess out)."""
    # a C-locale terminal must not break output
    env = {**os.environ, "PYTHONIOENCODING": "ascii", **(env or {})}
    return subprocess.run([sys.executable, "-m", "cleaner", *map(str, args)], input=data,
                          capture_output=True, env=env, cwd=cwd, timeout=120)
