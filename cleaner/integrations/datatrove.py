"""A datatrove pipeline step (pip install 'cleaner[datatrove]').

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import CleanerFormatter

    LocalPipelineExecutor(pipeline=[JsonlReader("in/"), CleanerFormatter(),
                                    JsonlWriter("out/")], tasks=4).run()

A formatter in datatrove's sense (it rewrites Document.text), but it needs the page's
url and sets metadata, so it overrides `run` rather than only `format`. Stats, as
datatrove counts them: `outlet_<id>` per outlet, `fallback` for pages no outlet claimed,
`removed_lines` / `removed_chars` (per document), `error` for documents that cannot be
cleaned (dropped, or written by `exclusion_writer` with the reason in metadata), and
`dropped_empty` for pages with no article left.
"""
from __future__ import annotations

import contextlib

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.utils.typeshelper import StatHints

from ..batch import _reason
from ..records import Fields, clean_record
from . import RuleOptions, worker_cleaner


class CleanerFormatter(BaseFormatter):
    """Cleans each Document.text with the rules (detecting the outlet from the text or from
    `doc.metadata[url_key]`) and puts the cleaning metadata in `doc.metadata[meta_key]`.

    Only rule options travel to datatrove's workers (the step is pickled); each worker
    process builds its Cleaner once, on its first document."""

    name = "🧹 cleaner"

    def __init__(self, rules=None, disable=(), url_key: str = "url", meta_key: str = "cleaner",
                 drop_empty: bool = True, exclusion_writer=None):
        super().__init__()
        self.options = RuleOptions.resolve(rules, disable)
        worker_cleaner(self.options)   # a broken rule file fails when the pipeline is built
        self.url_key = url_key
        self.fields = Fields(meta=meta_key)
        self.drop_empty = drop_empty
        self.exclusion_writer = exclusion_writer

    def format(self, text: str) -> str:
        return worker_cleaner(self.options).clean(text).text

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cleaner = worker_cleaner(self.options)
        meta_key = self.fields.meta
        with self.exclusion_writer or contextlib.nullcontext() as excluded:
            for doc in data:
                self.stat_update(StatHints.total)
                with self.track_time():
                    try:
                        out = clean_record(cleaner, {"text": doc.text,
                                                     "url": doc.metadata.get(self.url_key)},
                                           self.fields)
                    except Exception as e:   # as in the local batch: never stops the run
                        out = None
                        reason = _reason(e)
                if out is None:
                    self.stat_update("error")
                    if excluded:
                        doc.metadata[meta_key] = {"error": reason}
                        excluded.write(doc, rank)
                    continue
                meta = out[meta_key]
                doc.text = out["text"]
                doc.metadata[meta_key] = meta
                self.stat_update(f"outlet_{meta['outlet']}" if meta["outlet"] else "fallback")
                self.stat_update("removed_lines", value=meta["removed_lines"])
                self.stat_update("removed_chars", value=meta["removed_chars"])
                if self.drop_empty and not doc.text.strip():
                    self.stat_update(StatHints.dropped, "dropped_empty")
                    continue
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc
