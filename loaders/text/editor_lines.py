"""Editor lines: "(产业所 刘如、王罗汉 整理)" closes an article and names who wrote it up;
the names are told from sources and institutes ("来源:新华网", "(征求意见稿,由工信部整理)")."""

from __future__ import annotations

import re
import unicodedata

# What an editor line says besides the names: the verb and the institute.
EDITOR_VERBS = "整理|编译|编辑|供稿|撰稿|撰写|摘编|编写|执笔"
EDITOR_LINE_RE = re.compile(
    r"[(（\[【]\s*(?P<inner>[^()（）\[\]【】]{0,40}?(?:" + EDITOR_VERBS + r")"
    r"[^()（）\[\]【】]{0,30}?)\s*[)）\]】]\s*$"
)
# Unbracketed: "产业所 刘如 整理" or "——产业所 刘如 整理" alone on a line.
EDITOR_BARE_RE = re.compile(
    r"[—\-–~～\s]*(?P<inner>(?:产业所|产业科技发展研究所)\s*[^()（）]{1,20}?\s*(?:"
    + EDITOR_VERBS
    + r"))"
)
SOURCE_RE = re.compile(r"来源|转自|转载|摘自|原文|据|[:：]")
NAME_RE = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}[·・•][\u4e00-\u9fff]{1,6}")
MAX_EDITORS = 4
# The first word of "(产业所 刘如 整理)" when it names an institute, not a person.
ORG_TOKEN_RE = re.compile(r"[\u4e00-\u9fff]{1,16}(?:所|院|中心|部|室|处|局|组|会)")
ORG_PREFIX_RE = re.compile(
    r"^(?:中国科学技术发展战略研究院)?\s*(?:产业科技发展研究所|产业所|[\u4e00-\u9fff]{1,10}?(?:研究所|研究院|中心))\s*"
)


def _name_list(words: str) -> str | None:
    """ "产业所 刘如、王罗汉" → "刘如、王罗汉"; None when the words are not names."""
    words = re.sub(r"[:：]", " ", words).strip()
    tokens = words.split()
    if len(tokens) > 1 and ORG_TOKEN_RE.fullmatch(tokens[0]):
        tokens = tokens[1:]
    if len(tokens) == 1:
        tokens = [ORG_PREFIX_RE.sub("", tokens[0], count=1) or tokens[0]]
    names = [n for n in re.split(r"[、,，;；/]+|\s+", " ".join(tokens)) if n]
    # A person's name is 2-4 characters (a few more with "·"); anything else in
    # brackets at the end of a line ("(征求意见稿,由工信部整理)") is not an editor.
    if not names or len(names) > MAX_EDITORS or not all(NAME_RE.fullmatch(n) for n in names):
        return None
    return "、".join(names)


def _names(inner: str) -> str | None:
    """Editor names from the words of an editor mark, or None when they do not look like names.

    The names stand before the verb ("产业所 刘如 整理", "刘如编译自《自然》")
    or after it ("整理:刘如"); a source after a comma ("整理,来源:新华网") is dropped.
    """
    verb = re.search(EDITOR_VERBS, inner)
    if verb is None:
        return None
    # "来源:新华网,产业所 刘如 整理": a source named before the editor is not a name.
    before = "、".join(
        part for part in re.split(r"[,，;；]", inner[: verb.start()]) if not SOURCE_RE.search(part)
    )
    after = re.split(r"[,，;；(（]|来源|自|于|据", inner[verb.end() :], maxsplit=1)[0]
    return (_name_list(before) if before.strip() else None) or (
        _name_list(after) if after.strip(" :：") else None
    )


def editor_mark(line: str) -> tuple[int, str] | None:
    """(index in `line` where the editor mark starts, editor names) or None."""
    match = EDITOR_LINE_RE.search(line)
    if match:
        names = _names(match["inner"])
        return (match.start(), names) if names else None
    match = EDITOR_BARE_RE.fullmatch(line.strip())
    if match:
        names = _names(match["inner"])
        return (0, names) if names else None
    return None


def editor_from_line(line: str) -> str | None:
    """The editor names in a closing line such as (产业所 刘如、王罗汉 整理), else None."""
    mark = editor_mark(unicodedata.normalize("NFKC", line))
    return mark[1] if mark else None
