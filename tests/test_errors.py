"""One error root: every error class of the package is a CleanerError carrying the exit
code the command line ends with; errors that were ValueErrors still are."""
import importlib
import inspect
import pkgutil

import cleaner
from cleaner.errors import CleanerError


def _error_classes():
    for info in pkgutil.walk_packages(cleaner.__path__, "cleaner."):
        if info.name == "cleaner.__main__":      # runs the command
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:     # an extra that is not installed
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == module.__name__:
                yield cls


def test_every_error_class_is_a_cleaner_error_with_an_exit_code():
    found = {cls.__name__: cls for cls in _error_classes()}
    assert {"BinaryInput", "UnknownOutlet", "RuleError", "RuleTimeout", "SignatureTimeout",
            "RecordError", "BatchError", "BatchFailed", "UnknownLanguage"} <= set(found)
    assert [n for n, cls in found.items() if not issubclass(cls, CleanerError)] == []
    failures = {n for n, cls in found.items() if cls.exit_code == 1}
    assert {"RuleTimeout", "SignatureTimeout", "BatchFailed"} <= failures
    assert all(cls.exit_code == 2 for n, cls in found.items() if n not in failures)
    for name in ("BinaryInput", "UnknownOutlet", "RecordError", "BatchError", "UnknownLanguage"):
        assert issubclass(found[name], ValueError), name


def test_languages_by_name_or_iso_code():
    from cleaner.fallback import languages, resolve_lang
    assert resolve_lang("ru", []) == resolve_lang("RUSSIAN", []) == "Russian"
    assert resolve_lang("nb", []) == resolve_lang("norwegian bokmal", []) == "Norwegian_Bokmal"
    from cleaner.languages import ISO_639_1
    assert set(ISO_639_1.values()) <= set(languages())     # every code names a stoplist


def test_the_cli_maps_errors_to_exit_codes_in_one_place():
    import errno
    from cleaner.cli import describe
    from cleaner.engine import RuleTimeout
    assert describe(CleanerError("bad", 2)) == ("bad", 2)
    assert describe(RuleTimeout.__new__(RuleTimeout))[1] == 1
    assert describe(FileNotFoundError(errno.ENOENT, "No such file or directory", "a.txt")) == \
        ("a.txt: No such file or directory", 2)
    assert describe(OSError(errno.EBADF, "Bad file descriptor", 3))[1] == 2
    assert describe(ValueError("boom")) == ("ValueError: boom (a bug in cleaner: please report it)", 1)
