"""Characters that never reach the store, decided once: NUL and the other control characters
(tab and line breaks excepted), and the bidirectional embeddings, overrides, isolates and
marks that make text display in another order than it is stored ("report\u202egpj.json"
shows as "reportnosj.gpj"). None of them carries meaning in a brief, a figures table or a
file name, so they are removed where text comes in (loaders.text.cleaning for briefs,
loaders.intake.figures_table for table cells, the upload and ingest entry points for file names);
the one gate, loaders.services.storable, refuses any that got past on every write.
"""

from __future__ import annotations

import re
import unicodedata

UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def strip_unsafe(text: str) -> str:
    """text without control characters (but tab, LF, CR) and bidi controls."""
    return UNSAFE_CHARACTERS.sub("", text)


def unsafe_problem(text: str) -> str | None:
    """What unsafe characters text holds, for a message; None when it holds none."""
    found = sorted(set(UNSAFE_CHARACTERS.findall(text)))
    if not found:
        return None
    names = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'control')}" for ch in found[:3])
    return f"含控制字符或文字方向控制符（{names}）"
