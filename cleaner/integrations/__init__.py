"""Running the cleaner inside distributed engines (optional extras).

`dask` (pip install 'cleaner[dask]'): bags, dataframes and sharded JSONL batches on a
dask.distributed cluster. `datatrove` (pip install 'cleaner[datatrove]'): a pipeline
step. Both call records.clean_record, so every engine writes the same records.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from ..pipeline import Cleaner
from ..ruleset import load_rules, rule_dirs


@dataclass(frozen=True)
class RuleOptions:
    """What a worker needs to build the same Cleaner as the client: the extra rule
    folders (absolute, $CLEANER_RULES already expanded on the client, since a worker's
    environment may differ) and the disabled rule ids. Hashable: it keys the cache."""
    rules: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()

    @classmethod
    def resolve(cls, rules=None, disable=()) -> "RuleOptions":
        extra = rule_dirs(rules)[1:]   # [0] is the built-in folder, the worker's own
        return cls(tuple(str(Path(d).resolve()) for d in extra), tuple(disable))


_cleaners: dict[RuleOptions, Cleaner] = {}
_lock = threading.Lock()


def worker_cleaner(options: RuleOptions) -> Cleaner:
    """The process's Cleaner for these options: rule files are read and compiled once per
    worker process, then reused for every record and every task it runs."""
    with _lock:
        found = _cleaners.get(options)
        if found is None:
            # the client already resolved $CLEANER_RULES into options.rules
            outlets, _ = load_rules(list(options.rules), env=False)
            found = _cleaners[options] = Cleaner(outlets=outlets, disable=list(options.disable))
        return found

