"""A datatrove pipeline step (pip install 'cleaner[datatrove]').

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import CleanerFilter

    LocalPipelineExecutor(pipeline=[JsonlReader("in/"), CleanerFilter(),
                                    JsonlWriter("out/")], tasks=4).run()

A filter in datatrove's sense, built on its BaseFilter as its own filters are: `filter`
cleans the document in place (as datatrove's LanguageFilter sets the language in
metadata) and says whether to keep it; BaseFilter.run does the counting and the
exclusion writer. A formatter would not do: BaseFormatter hands `format` the text
alone, and the cleaner needs the page's url and sets metadata.

Stats, as datatrove counts them: `total`, `forwarded`, `dropped` with `dropped_error`
(the document cannot be cleaned; the reason is in metadata[meta_key]["error"]) and
`dropped_empty` (no article left), plus `outlet_<id>` per outlet, `fallback` for pages
no outlet claimed, `removed_lines` / `removed_chars` per document. Dropped documents go
to `exclusion_writer`, if given, with datatrove's `filter_reason` in their metadata.
"""
from __future__ import annotations

from datatrove.data import Document
from datatrove.pipeline.filters.base_filter import BaseFilter

from ..records import Fields, clean_record, reason
from . import RuleOptions, worker_cleaner


class CleanerFilter(BaseFilter):
    """Cleans each Document.text with the rules (detecting the outlet from the text or from
    `doc.metadata[url_key]`) and puts the cleaning metadata in `doc.metadata[meta_key]`;
    drops documents that cannot be cleaned and, with `drop_empty`, those left empty.

    Only rule options travel to datatrove's workers (the step is pickled); each worker
    process builds its Cleaner once, on its first document."""

    name = "🧹 cleaner"

    def __init__(self, rules=None, disable=(), url_key: str = "url", meta_key: str = "cleaner",
                 drop_empty: bool = True, exclusion_writer=None):
        super().__init__(exclusion_writer)
        self.options = RuleOptions.resolve(rules, disable)
        worker_cleaner(self.options)   # a broken rule file fails when the pipeline is built
        self.url_key = url_key
        self.fields = Fields(meta=meta_key)
        self.drop_empty = drop_empty

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        meta_key = self.fields.meta
        try:
            out = clean_record(worker_cleaner(self.options),
                               {"text": doc.text, "url": doc.metadata.get(self.url_key)},
                               self.fields)
        except Exception as e:   # as in the local batch: never stops the run
            doc.metadata[meta_key] = {"error": reason(e)}
            return False, "error"
        meta = out[meta_key]
        doc.text = out["text"]
        doc.metadata[meta_key] = meta
        self.stat_update(f"outlet_{meta['outlet']}" if meta["outlet"] else "fallback")
        self.stat_update("removed_lines", value=meta["removed_lines"])
        self.stat_update("removed_chars", value=meta["removed_chars"])
        if self.drop_empty and not doc.text.strip():
            return False, "empty"
        return True
