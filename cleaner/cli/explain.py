"""`--explain`: the page line by line, each removed line labelled with its rule."""
from __future__ import annotations

from ..document import Result
from . import plural


def explain_text(result: Result, label: str, cleaner) -> str:
    outlet = cleaner.detector.outlets.get(result.outlet) if result.outlet else None
    if outlet is not None:
        head = f"outlet: {outlet.id} ({outlet.name}), {result.how_chosen}"
        if result.detected_by == "evidence":
            score = sum(e.weight for e in result.evidence if e.outlet == outlet.id)
            head += f" ({score} of {outlet.needed} needed)"
    else:
        head = "outlet: unknown; generic rules and fallback" + (
            f" (stoplist: {result.lang})" if result.lang else "")
    doc = result.document
    kept = len(doc.kept_indices())
    out = [f"== {label}", head,
           f"removed {plural(len(result.removals), 'line')}, cut {plural(len(result.cuts), 'fragment')}, "
           f"kept {plural(kept, 'line')}"]
    meta = result.metadata_text()
    if meta:
        out.append("metadata: " + meta)
    # the evidence detection weighed: each cue once, with the line it was first found on
    for e in result.evidence:
        out.append(f"evidence: {e.outlet} {e.cue} (+{e.weight}) line {e.line}: {e.text.strip()!r}")
    out.append("")
    cuts = result.cuts_by_line()
    for n, ln in enumerate(doc.lines, 1):
        if ln.blank and not ln.removed_by:
            continue
        if ln.removed_by:
            out.append(f"{n:5d} - {ln.text.strip()}    [{ln.removed_by}]")
        else:
            out.append(f"{n:5d}   {ln.text}")
        for c in (() if ln.removed_by else cuts.get(n, ())):
            out.append(f"{'':5s} ~ cut {c.line.strip()!r}    [{c.rule}]")
    return "\n".join(out) + "\n\n"
