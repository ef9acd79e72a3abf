"""The datatrove step in a real local pipeline: JsonlReader -> CleanerFilter -> JsonlWriter."""
import json

import pytest

pytest.importorskip("datatrove")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from cleaner.integrations.datatrove import CleanerFilter  # noqa: E402
from cleaner.records import clean_record  # noqa: E402
from cleaner.ruleset import RuleError  # noqa: E402
from conftest import SEEDS  # noqa: E402


def seed(name):
    return next(SEEDS.glob(f"{name}_*.txt")).read_text()


DOCS = [  # (file, record)
    ("a.jsonl", {"id": "mt", "text": seed("000")}),
    ("a.jsonl", {"id": "ht", "text": seed("001"), "lang": "en"}),
    ("a.jsonl", {"id": "bad-url", "text": "Some text.", "url": 5}),
    ("b.jsonl", {"id": "bbc", "text": seed("002")}),
    ("b.jsonl", {"id": "generic", "text": seed("003"), "url": "https://example.org/x"}),
    ("b.jsonl", {"id": "empty", "text": "Read more"}),
]


def test_local_pipeline_cleans_documents_and_counts_stats(tmp_path, cleaner):
    inp = tmp_path / "in"
    inp.mkdir()
    for name, rec in DOCS:
        with open(inp / name, "a") as f:
            f.write(json.dumps(rec) + "\n")
    stats = LocalPipelineExecutor(
        pipeline=[JsonlReader(str(inp)),
                  CleanerFilter(exclusion_writer=JsonlWriter(str(tmp_path / "bad"),
                                                                compression=None)),
                  JsonlWriter(str(tmp_path / "out"), compression=None)],
        tasks=2, workers=2, logging_dir=str(tmp_path / "logs")).run()

    written = {d["id"]: d for p in sorted((tmp_path / "out").glob("*.jsonl"))
               for d in map(json.loads, p.read_text().splitlines())}
    assert sorted(written) == ["bbc", "generic", "ht", "mt"]
    for _, rec in DOCS:
        if rec["id"] in written:
            want = clean_record(cleaner, rec)
            got = written[rec["id"]]
            assert got["text"] == want["text"]
            assert got["metadata"]["cleaner"] == want["cleaner"]
    assert written["ht"]["metadata"]["lang"] == "en"          # reader metadata kept
    assert written["generic"]["metadata"]["cleaner"]["fallback"] is True

    bad = [json.loads(line) for p in (tmp_path / "bad").glob("*.jsonl")
           for line in p.read_text().splitlines()]
    # dropped documents, datatrove's way: the reason in filter_reason, an error's in ours
    assert sorted((d["id"], d["metadata"]["filter_reason"], d["metadata"]["cleaner"].get("error"))
                  for d in bad) == [("bad-url", "error", "field 'url' is not a string"),
                                    ("empty", "empty", None)]

    step = next(s for s in stats.stats if "cleaner" in s.name)
    counts = {k: v.total for k, v in step.stats.items()}
    assert counts["total"] == 6 and counts["forwarded"] == 4 and counts["dropped"] == 2
    assert counts["dropped_error"] == 1 and counts["dropped_empty"] == 1
    assert (counts["outlet_moscowtimes"], counts["outlet_hindustantimes"],
            counts["outlet_bbc_mirror"], counts["fallback"]) == (1, 1, 1, 2)
    assert counts["removed_chars"] == sum(clean_record(cleaner, r)["cleaner"]["removed_chars"]
                                          for _, r in DOCS if r["id"] != "bad-url")
    assert "outlet_moscowtimes" in (tmp_path / "logs" / "stats.json").read_text()


def test_step_on_its_own(cleaner):
    step = CleanerFilter(disable=["read-more"])
    docs = list(step.run(iter([Document(text="Body text.\nRead more", id="1"),
                               Document(text=seed("000"), id="2",
                                        metadata={"url": "https://www.themoscowtimes.com/a"})])))
    assert docs[0].text == "Body text.\nRead more\n"   # read-more switched off
    assert docs[1].metadata["cleaner"]["outlet"] == "moscowtimes"
    doc = Document(text="Body text.\nRead more", id="3")
    assert CleanerFilter().filter(doc) is True and doc.text == "Body text.\n"
    assert CleanerFilter().filter(Document(text="Read more", id="4")) == (False, "empty")


def test_broken_rules_fail_when_the_pipeline_is_built(tmp_path):
    (tmp_path / "x.toml").write_text('[outlet]\nid = "x"\nname = "X"\n[[rule]]\nid = "r"\n'
                                     'kind = "drop_line"\npattern = "("\n')
    with pytest.raises(RuleError, match="r"):
        CleanerFilter(rules=[tmp_path])
