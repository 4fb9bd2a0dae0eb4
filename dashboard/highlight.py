"""An article's text as safe HTML with its extracted figures highlighted.

All brief text is escaped with html.escape before any tag is added, so markup or script in
a brief is shown as text, never rendered.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Mark:
    """A quoted sentence (offsets into the issue's clean text) and what was read from it."""

    start: int
    end: int
    note: str  # tooltip: the indicators and values found in the sentence
    figures: tuple[str, ...] = ()  # figure texts as written ("1,750 亿元"), shown in bold


def _merge(marks: list[Mark], lo: int, hi: int) -> list[Mark]:
    """Clip to [lo, hi) and merge overlapping sentences (several figures share one sentence)."""
    clipped = sorted(
        (Mark(max(m.start, lo), min(m.end, hi), m.note, m.figures) for m in marks),
        key=lambda m: (m.start, m.end),
    )
    merged: list[Mark] = []
    for mark in clipped:
        if mark.end <= mark.start:
            continue
        if merged and mark.start < merged[-1].end:
            last = merged[-1]
            notes = last.note if mark.note in last.note.split("；") else f"{last.note}；{mark.note}"
            merged[-1] = Mark(
                last.start,
                max(last.end, mark.end),
                notes,
                tuple(dict.fromkeys(last.figures + mark.figures)),
            )
        else:
            merged.append(mark)
    return merged


def _bold_figures(sentence: str, figures: tuple[str, ...]) -> str:
    """Escape the sentence, with each figure text inside it in <strong>."""
    spans: list[tuple[int, int]] = []
    for figure in figures:
        if not figure:
            continue
        at = sentence.find(figure)
        while at >= 0:
            spans.append((at, at + len(figure)))
            at = sentence.find(figure, at + len(figure))
    spans.sort()
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        out.append(html.escape(sentence[cursor:start]))
        out.append(f"<strong>{html.escape(sentence[start:end])}</strong>")
        cursor = end
    out.append(html.escape(sentence[cursor:]))
    return "".join(out)


def highlight_html(text: str, text_start: int, marks: list[Mark]) -> str:
    """`text` starts at offset `text_start` of the clean text; marks use clean-text offsets.

    Returns escaped text (line breaks as <br>) with each quoted sentence in <mark title=…>.
    """
    merged = _merge(marks, text_start, text_start + len(text))
    pieces, cursor = [], 0
    for mark in merged:
        start, end = mark.start - text_start, mark.end - text_start
        pieces.append(html.escape(text[cursor:start]))
        title = html.escape(mark.note, quote=True)
        pieces.append(
            f'<mark title="{title}">{_bold_figures(text[start:end], mark.figures)}</mark>'
        )
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    # <br> rather than <p> per line: a sentence mark may cross a line break.
    body = re.sub(r"\n\s*\n+", "\n\n", "".join(pieces).strip())
    return '<div class="brief-text">' + body.replace("\n", "<br>") + "</div>"
