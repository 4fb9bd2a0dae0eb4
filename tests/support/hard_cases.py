"""What the hard-case tests (tests/test_hard_*.py, one file per class of case in
docs/eval.md) share: extraction of a sentence as an article of an issue, and the catalogs
written for them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from loaders.catalog.indicators import parse_catalog
from loaders.figures.find import extract_figures
from loaders.models import Article, IssueHeader
from tests.support.builders import CATALOG

JULY_2022 = date(2022, 7, 25)

# Indicators written plainly, as a newcomer to the catalog would (tests/data/).
PLAIN = parse_catalog(
    (Path(__file__).parents[1] / "data" / "new_indicators.yaml").read_text(encoding="utf-8")
)


def run(text: str, published: date = JULY_2022, title: str = "动态", catalog=CATALOG):
    header = IssueHeader(title="产业创新动态", year=published.year, number=9, published=published)
    article = Article(index=0, title=title, editor="某某", text=text, start=0, end=len(text))
    return extract_figures(header, [article], catalog)[:2]


def mapped(text: str, **kwargs) -> set[tuple]:
    observations, _ = run(text, **kwargs)
    return {
        (o.indicator, o.period, round(o.value, 4), o.qualifier, o.forecast) for o in observations
    }


def loose(text: str, **kwargs) -> list:
    return run(text, **kwargs)[1]
