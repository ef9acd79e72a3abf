"""The root of every error the package raises on purpose.

Each error carries the exit code the command line ends with (2: bad usage or input,
nothing done for it; 1: a failure while working), so the CLI maps errors to exit codes
in one place. Errors that were ValueErrors before keep ValueError as a second base.
"""
from __future__ import annotations


class CleanerError(Exception):
    exit_code = 2

    def __init__(self, message: str = "", exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(CleanerError, ValueError):
    """A bad argument or input (an unknown language, an outlet id that is not one...)."""
