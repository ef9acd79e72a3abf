"""Detection by evidence: signatures decide alone, weaker cues add up to a threshold, the
URL decides first, and each cue is found on its own line."""
from cleaner.detect import Detector
from cleaner.pipeline import Cleaner
from cleaner.ruleset import parse

GAZETTE = """[outlet]
id = "gazette"
domains = ["gazette.example"]
signatures = ['^Support the Gazette!$']
threshold = 3

[[evidence]]
id = "byline"
pattern = '^By .{2,40}, Gazette staff$'
weight = 2

[[evidence]]
id = "time"
pattern = '^\\d{1,2}:\\d{2} GZT$'
"""
HERALD = """[outlet]
id = "herald"

[[evidence]]
id = "herald-name"
pattern = 'Herald'
weight = 2
"""


def detector():
    return Detector([parse(GAZETTE, "gazette.toml"), parse(HERALD, "herald.toml")])


def found(text: str):
    d = detector()
    outlet = d.pick(d.scan(text.split("\n")))
    return outlet.id if outlet else None


def test_weak_cues_add_up_to_the_threshold():
    assert found("By Ann Lee, Gazette staff\nThe mayor spoke.") is None        # 2 of 3
    assert found("By Ann Lee, Gazette staff\n10:15 GZT\nThe mayor spoke.") == "gazette"
    # a cue counts once however often it is found
    assert found("By Ann Lee, Gazette staff\nBy Bo Yu, Gazette staff\nText.") is None


def test_a_signature_decides_alone_and_the_furthest_past_its_threshold_wins():
    assert found("Support the Gazette!\nText.") == "gazette"
    # herald: 2 of 2 needed (1.0); gazette: 3 of 3 (1.0): a tie goes to the first outlet
    assert found("The Herald reported.\nBy Ann Lee, Gazette staff\n10:15 GZT") == "gazette"
    assert found("The Herald reported.\nBy Ann Lee, Gazette staff") == "herald"


def test_a_cue_never_spans_a_line_break():
    assert found("Support the\nGazette!") is None


def test_the_url_decides_first_and_explain_lists_the_evidence():
    cleaner = Cleaner(outlets=[parse(GAZETTE, "gazette.toml"), parse(HERALD, "herald.toml")])
    page = "The Herald reported.\nBy Ann Lee, Gazette staff\n10:15 GZT\nThe mayor spoke.\n"
    by_url = cleaner.clean(page, url="https://www.gazette.example/a")
    assert (by_url.outlet, by_url.detected_by) == ("gazette", "url")
    result = cleaner.clean(page)
    assert (result.outlet, result.detected_by) == ("gazette", "evidence")
    assert [(e.outlet, e.cue, e.weight, e.line) for e in result.evidence] == [
        ("herald", "herald-name", 2, 1), ("gazette", "byline", 2, 2), ("gazette", "time", 1, 3)]
