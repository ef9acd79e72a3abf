"""Self-contained HTML reports: each page with removed lines struck through and
labelled by rule id (or fallback reason), and for `eval` the scores and the lines
that differ from the expected output. No external assets; every text is escaped."""
from __future__ import annotations

from html import escape

from .document import Result
from .evaluate import Evaluation, Score, line_changes

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:2.2em;border-top:1px solid #ccc;padding-top:.8em}
table{border-collapse:collapse} td,th{padding:.15em .6em;vertical-align:top;text-align:left}
.lines td.n{color:#999;text-align:right;font:12px monospace}
.lines tr.removed td.t{color:#a33} .lines del{text-decoration-thickness:1px}
.rule{font:12px monospace;background:#fde8e8;color:#922;border-radius:3px;padding:0 .3em}
.cut{font:12px monospace;color:#a60} .meta{color:#555}
.scores td.num{text-align:right;font-family:monospace}
.missing{color:#060} .extra{color:#a33} .low{background:#fff3cd}
"""


def _page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n"
            f"<h1>{escape(title)}</h1>\n" + "\n".join(body) + "\n</body></html>\n")


def _lines(result: Result) -> str:
    """Every non-blank line of the page: kept plain, removed struck through with its rule."""
    cuts = result.cuts_by_line()
    rows = []
    for n, ln in enumerate(result.document.lines, 1):
        if ln.blank and not ln.removed_by:
            continue
        if ln.removed_by:
            rows.append(f'<tr class="removed"><td class="n">{n}</td><td class="t">'
                        f'<del>{escape(ln.text.strip())}</del> '
                        f'<span class="rule">{escape(ln.removed_by)}</span></td></tr>')
            continue
        extra = "".join(f'<br><span class="cut">cut {escape(c.line.strip())} '
                        f'<span class="rule">{escape(c.rule)}</span></span>'
                        for c in cuts.get(n, ()))
        rows.append(f'<tr><td class="n">{n}</td><td class="t">{escape(ln.text)}{extra}</td></tr>')
    return '<table class="lines">' + "".join(rows) + "</table>"


def _summary(result: Result) -> str:
    outlet = (f"outlet {result.outlet}, {result.how_chosen}" if result.outlet
              else "outlet unknown: generic rules and fallback")
    meta = result.metadata_text()
    kept = len(result.document.kept_indices())
    return (f'<p class="meta">{escape(outlet)}; removed {len(result.removals)} lines, '
            f'cut {len(result.cuts)} fragments, kept {kept} lines'
            + (f"<br>metadata: {escape(meta)}" if meta else "") + "</p>")


def explain_html(pages: list[tuple[str, Result]]) -> str:
    body = []
    for n, (label, result) in enumerate(pages):
        body += [f'<h2 id="p{n}">{escape(label)}</h2>', _summary(result), _lines(result)]
    return _page("cleaner: what was removed and why", body)


def _score_cells(s: Score) -> str:
    low = ' class="low"' if s.f1 < 0.95 else ""
    return "".join(f'<td class="num"{low}>{v:.3f}</td>' for v in (s.precision, s.recall, s.f1))


def eval_html(ev: Evaluation) -> str:
    head = "<tr><th>{}</th><th>pages</th><th>precision</th><th>recall</th><th>F1</th></tr>"
    outlets = [f"<tr><td>{escape(k)}</td><td class=\"num\">"
               f"{sum(p.outlet == k for p in ev.pages)}</td>{_score_cells(s)}</tr>"
               for k, s in ev.by_outlet.items()]
    outlets.append(f"<tr><th>overall</th><td class=\"num\">{len(ev.pages)}</td>"
                   f"{_score_cells(ev.overall)}</tr>")
    pages = [f'<tr><td><a href="#p{n}">{escape(p.pair.name)}</a></td><td>{escape(p.outlet)}'
             f"</td>{_score_cells(p.score)}</tr>" for n, p in enumerate(ev.pages)]
    body = ['<table class="scores">' + head.format("outlet") + "".join(outlets) + "</table>",
            '<table class="scores">' + head.format("page").replace("<th>pages</th>", "<th>outlet</th>")
            + "".join(pages) + "</table>"]
    for n, p in enumerate(ev.pages):
        changes = line_changes(p.expected, p.result.text)
        diff = ("<ul>" + "".join(
            f'<li class="{kind}">{kind}: {escape(line)}</li>' for kind, line in changes) + "</ul>"
            if changes else "<p>output matches the expected text</p>")
        body += [f'<h2 id="p{n}">{escape(p.pair.name)}</h2>',
                 f'<p>precision {p.score.precision:.3f}, recall {p.score.recall:.3f}, '
                 f'F1 {p.score.f1:.3f}: lines that differ from the expected output '
                 "(missing: expected but not kept; extra: kept but not expected)</p>",
                 diff, _summary(p.result), _lines(p.result)]
    return _page("cleaner: evaluation against expected output", body)
