import pytest

from cleaner.records import Fields, RecordError, clean_record

from conftest import FIXTURES, SEEDS


def test_record_keeps_fields_and_adds_metadata(cleaner):
    rec = {"id": 7, "url": None, "text": (SEEDS / "001_22393708c0e98bc9.txt").read_text()}
    out = clean_record(cleaner, rec)
    assert out["id"] == 7
    assert out["text"] == (FIXTURES / "hindustantimes" / "seed_001.expected.txt").read_text()
    assert out["cleaner"]["outlet"] == "hindustantimes" and out["cleaner"]["agency"] == "AFP"
    assert out["cleaner"]["removed_lines"] > 0


def test_custom_fields(cleaner):
    out = clean_record(cleaner, {"content": "Read more\nBody text."},
                       Fields(text="content", output="clean", meta="m"))
    assert out["content"] == "Read more\nBody text." and out["clean"] == "Body text.\n"
    assert "m" in out


@pytest.mark.parametrize("rec,msg", [
    ([1, 2], "not an object"), ({"id": 1}, "has no 'text'"), ({"text": 5}, "not a string"),
    ({"text": "x", "url": 3}, "'url' is not a string")])
def test_bad_records(cleaner, rec, msg):
    with pytest.raises(RecordError, match=msg):
        clean_record(cleaner, rec)


def test_removed_chars_counts_a_line_a_cut_emptied_once(cleaner):
    from cleaner.records import page_meta
    result = cleaner.clean("Acme headline about the budget\n<div class=\"promo\">\n"
                           "This is an article sentence that stays in the output.")
    assert page_meta(result)["removed_chars"] == len('<div class="promo">')
