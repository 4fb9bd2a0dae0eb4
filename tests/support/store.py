"""Extractions built directly for the store and CLI tests, so they never depend on the figure
finder, and a store's tables as bytes (to check that something changed nothing)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from loaders.models import Article, Extraction, IssueHeader, Observation, UnassignedFigure
from loaders.services.export import export_tables
from loaders.store import Store


def obs(indicator: str, period: str, value: float, unit: str = "%", **extra) -> Observation:
    return Observation(
        article=extra.pop("article", "物流运行"),
        article_index=0,
        editor="张三",
        quote=extra.pop("quote", f"{indicator} {period} 为 {value}"),
        span_start=0,
        span_end=10,
        indicator=indicator,
        period=period,
        value=value,
        unit=unit,
        **extra,
    )


def extraction(
    number: int,
    published: date,
    observations: list[Observation],
    *,
    year: int = 2021,
    salt: str = "",
    unassigned: list[UnassignedFigure] | None = None,
) -> Extraction:
    """An Extraction built directly, so these tests do not depend on the figure finder."""
    header = IssueHeader(title="产业创新动态", year=year, number=number, published=published)
    body = "".join(f"{o.indicator}{o.period}{o.value}{o.value_high}" for o in observations) + salt
    return Extraction(
        source_name=f"{header.key}.txt",
        sha256=hashlib.sha256(body.encode()).hexdigest(),
        issue=header,
        articles=[Article(index=0, title="物流运行", editor="张三", text="正文", start=0, end=2)],
        observations=observations,
        unassigned=unassigned or [],
        clean_text="产业创新动态 正文",
    )


def unassigned(value: float) -> UnassignedFigure:
    return UnassignedFigure(
        article="物流运行",
        article_index=0,
        quote=f"某数为 {value}",
        span_start=0,
        span_end=5,
        value=value,
        unit="%",
        period="2021-Q1",
        subject="某数",
    )


ISSUE_15 = extraction(
    15,
    date(2021, 4, 26),
    [
        obs("logistics_total", "2021-Q1", 69.9, unit="万亿元"),
        obs("logistics_total_yoy", "2021-Q1", 24.2),
        obs("logistics_total_yoy", "2020", 3.5),
    ],
    unassigned=[unassigned(12.5)],
)
ISSUE_29 = extraction(
    29,
    date(2021, 8, 30),
    [
        obs("logistics_total", "2021-Q1", 70.1, unit="万亿元"),  # revised
        obs("logistics_total_yoy", "2020", 3.5),  # restated, same value
        obs("logistics_total_yoy", "2021-H1", 15.7),  # new
    ],
)


def snapshot(store: Store, outdir: Path) -> dict[str, bytes]:
    """Every exported table of the store, by file name, as bytes."""
    return {path.name: path.read_bytes() for path in export_tables(store, outdir)}
