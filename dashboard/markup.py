"""Text from users and briefs on a page: shown as the characters it is, never as markup.

plain_markdown is THE rule for every string from data (query parameters, titles, file names,
article titles, editors, emails, error messages quoting them) that reaches an element
rendering markdown: st.markdown, st.caption, headings, alerts, expander and widget labels.
Pages build those strings as f"固定文字 {plain_markdown(data)}"; nothing else is needed.
"""

from __future__ import annotations

import re

_MARKDOWN_PUNCTUATION = set("\\`*_{}[]()#+-.!|<>~$:&\"'=%@^/;?,")
# Streamlit's markdown (remark-gfm) turns bare URLs, www. names and e-mail addresses into
# links after backslash escapes are resolved, so escaping cannot stop it. A word joiner
# (U+2060: invisible, no line break) inside the pattern does: "http:⁠//", "www⁠.", "a⁠@b".
WORD_JOINER = "\u2060"
_AUTOLINK_BREAKS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)


def plain_markdown(text: str) -> str:
    """Text safe to pass to st.markdown/st.error: ASCII punctuation backslash-escaped, so links,
    images, :directives:, math and HTML in user text show as the characters they are, and
    autolink patterns broken by an invisible word joiner, so no URL or address becomes a link.

    A "-" inside a line is markup only at the line's start (list, rule, heading underline), so
    elsewhere it stays as typed: 2021-15 reads and searches as 2021-15.
    """
    text = _AUTOLINK_BREAKS.sub(WORD_JOINER, text)
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


# An absolute path on the server (/srv/app/data/briefs.duckdb): a slash not after a word
# character, a dot, a colon or another slash (so not in http://, 2021-01/2021-09 or
# data/briefs.duckdb), then at least two segments.
_SERVER_PATH = re.compile(r"(?<![\w.:/\\])/(?:[^\s/:;,'\"()（）；，]+/)+([^\s/:;,'\"()（）；，]*)")


def hide_server_paths(text: str) -> str:
    """text with every absolute server path cut to its last part (the file's name): error
    messages written for the command line name whole paths, a page must not."""
    return _SERVER_PATH.sub(lambda match: match.group(1), text)
