"""POLICY.md invariants on arbitrary input: never crashes, idempotent, invents nothing."""
from hypothesis import given, strategies as st

from cleaner import clean

from conftest import fixture_pairs

FIXTURE_LINES = sorted({ln for _, src, _ in fixture_pairs()
                        for ln in src.read_text(encoding="utf-8").split("\n")})

text_strategy = st.one_of(
    st.text(),
    st.lists(st.sampled_from(FIXTURE_LINES + ["", " ", "\r", "Read more"]), max_size=60)
      .map("\n".join),
    st.lists(st.one_of(st.sampled_from(FIXTURE_LINES), st.text(max_size=80)), max_size=30)
      .map("\n".join),
)


def _subsequence(small, big):
    it = iter(big)
    return all(c in it for c in small)


def _lines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@given(text_strategy)
def test_clean_invariants(text):
    result = clean(text)
    out = result.text
    # form: no leading/trailing blank lines, one final newline, no double blanks
    assert out == "" or (out.endswith("\n") and not out.endswith("\n\n") and out[0] != "\n")
    assert "\n\n\n" not in out
    # idempotent
    assert clean(out).text == out
    # never invents a line: each output line is an input line, trimmed, or (where a
    # fragment was cut) what is left of one
    source = [ln.rstrip() for ln in _lines(text)]
    cut = [source[c.number - 1] for c in result.cuts]
    for line in out.split("\n"):
        if line:
            assert line in source or any(_subsequence(line, s) for s in cut), line
    # every removal names its rule
    assert all(r.rule for r in result.removals)


@given(st.binary(max_size=400))
def test_bytes_never_crash(data):
    from cleaner.decode import BinaryInput
    try:
        clean(data)
    except BinaryInput:
        pass
