"""How a change reads: one line per point change (loaders.services.changes.PointChange), with
its sentences and where it links, for the overview's digest, the Atom feeds and the mails.
Pure: no Streamlit."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

from dashboard.formatting import format_value, period_label
from loaders.services.changes import KIND_LABELS, Digest, PointChange, Statement


@dataclass(frozen=True)
class Line:
    """A change in words: the headline, the sentences it rests on (old first), and the
    dashboard paths it links to (the trend of its series, the issue it came from)."""

    text: str
    quotes: tuple[str, ...]
    trend_path: str
    issue_path: str | None
    issue_key: str | None


def trend_path(indicator: str) -> str:
    return "/trends?" + urllib.parse.urlencode({"indicators": indicator})


def issue_path(issue_key: str) -> str:
    return "/issues?" + urllib.parse.urlencode({"issue": issue_key})


def _value(statement: Statement, unit: str) -> str:
    return format_value(statement.value, unit, statement.qualifier, statement.value_high)


def point_name(change: PointChange, names: Mapping[str, str]) -> str:
    forecast = "（预测）" if change.forecast else ""
    return (
        f"{names.get(change.indicator, change.indicator)} {period_label(change.period)}{forecast}"
    )


def line(change: PointChange, names: Mapping[str, str]) -> Line:
    """The words of one change: 修订 全国社会物流总额 2021 年一季度：75 万亿元 → 75.1 万亿元
    （2021 年第 15 期 → 2021 年第 29 期）."""
    head = f"{KIND_LABELS[change.kind]} {point_name(change, names)}："
    old, new = change.old, change.new
    if change.kind == "new" and new is not None:
        text = f"{head}{_value(new, change.unit)}（{new.issue_label}）"
        quotes: tuple[str, ...] = (f"「{new.quote}」",)
    elif change.kind == "removed" and old is not None:
        text = f"{head}不再有值，原为 {_value(old, change.unit)}（{old.issue_label}）"
        quotes = (f"原：「{old.quote}」",)
    elif change.kind == "disagreement" and old is not None and new is not None:
        text = (
            f"{head}{old.issue_label}称 {_value(old, change.unit)}，"
            f"现值 {_value(new, change.unit)}（{new.issue_label}）"
        )
        quotes = (f"{old.issue_label}：「{old.quote}」", f"{new.issue_label}：「{new.quote}」")
    elif old is not None and new is not None:
        issues = (
            f"{old.issue_label}更正版"
            if change.kind == "corrected"
            else f"{old.issue_label} → {new.issue_label}"
        )
        text = f"{head}{_value(old, change.unit)} → {_value(new, change.unit)}（{issues}）"
        quotes = (f"原：「{old.quote}」", f"新：「{new.quote}」")
    else:  # a row the log cannot hold; said plainly rather than dropped
        text = f"{head}（无详情）"
        quotes = ()
    source = new if change.kind in ("new", "revised", "corrected") else old
    return Line(
        text=text,
        quotes=quotes,
        trend_path=trend_path(change.indicator),
        issue_path=issue_path(source.issue_key) if source is not None else None,
        issue_key=source.issue_key if source is not None else None,
    )


def counts_text(row: Mapping[str, object]) -> str:
    """A commit's counts in words: 新增 3，修订 1 (kinds with none left out)."""
    parts = [
        f"{KIND_LABELS[kind]} {int(row[kind])}"  # type: ignore[call-overload]
        for kind in ("new", "revised", "corrected", "removed", "disagreement")
        if int(row.get(kind) or 0)  # type: ignore[call-overload]
    ]
    return "，".join(parts) if parts else "没有数值变化"


def mail_text(digest: Digest, names: Mapping[str, str], public_url: str | None) -> tuple[str, str]:
    """A digest mail of one committed issue: (subject, plain-text body), a line per change
    with its sentences and, when the dashboard's address is known, its links."""
    commit = digest.commits.iloc[0] if not digest.commits.empty else None
    label = (commit["issue_label"] or commit["issue_key"]) if commit is not None else "新提交"
    version = "更正版" if commit is not None and commit["action"] == "replace" else ""
    subject = f"产业创新动态 {label}{version}：关注的指标有 {len(digest.points)} 处变化"
    body = [f"{label}{version}改变了你关注的指标：", ""]
    for change in digest.points:
        words = line(change, names)
        body.append(words.text)
        body.extend(f"  {quote}" for quote in words.quotes)
        if public_url:
            body.append(f"  趋势：{public_url}{words.trend_path}")
            if words.issue_path:
                body.append(f"  期刊：{public_url}{words.issue_path}")
        body.append("")
    body.append("—")
    body.append("关注的指标可在看板的概览页修改。")
    return subject, "\n".join(body) + "\n"
