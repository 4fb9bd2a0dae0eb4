"""Text from users and briefs on a page: shown as the characters it is, never as markup."""

from __future__ import annotations

_MARKDOWN_PUNCTUATION = set("\\`*_{}[]()#+-.!|<>~$:&\"'=%@^/;?,")


def plain_markdown(text: str) -> str:
    """Text safe to pass to st.markdown/st.error: ASCII punctuation backslash-escaped, so links,
    images, :directives: and HTML in user text show as the characters they are.

    A "-" inside a line is markup only at the line's start (list, rule, heading underline), so
    elsewhere it stays as typed: 2021-15 reads and searches as 2021-15.
    """
    out: list[str] = []
    line_start = True
    for ch in text:
        if ch == "\n":
            out.append("  \n")
            line_start = True
            continue
        escape = ch in _MARKDOWN_PUNCTUATION and (ch != "-" or line_start)
        out.append("\\" + ch if escape else ch)
        line_start = line_start and ch.isspace()
    return "".join(out)
