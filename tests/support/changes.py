"""The story the change tests tell (tests/test_changes.py, test_feeds.py, test_digest_mail.py,
test_digest_browser.py): 2021-15, then 2021-29 revising it, then a corrected 2021-15, and a
backfilled older issue that disagrees."""

from __future__ import annotations

from datetime import date

from tests.support.builders import Fig, build_extraction, issue_2021_15

OLD_REVENUE = "物流业总收入约 2.7 万亿元。"
NEW_REVENUE = "物流业总收入约 2.9 万亿元。"


def corrected_2021_15():
    """2021-15 as its editors corrected it: revenue 约 2.9, logistics total 74.0, no L2."""
    issue = issue_2021_15()

    def fix(text: str) -> str:
        return text.replace("约 2.7 万亿元", "约 2.9 万亿元").replace("75.0 万亿元", "74.0 万亿元")

    observations = []
    for obs in issue.observations:
        if obs.indicator == "l2_penetration":
            continue
        value = {"logistics_revenue": 2.9, "logistics_total": 74.0}.get(obs.indicator, obs.value)
        observations.append(
            obs.model_copy(
                update={
                    "value": value,
                    "quote": fix(obs.quote),
                    "figure_text": fix(obs.figure_text),
                }
            )
        )
    return issue.model_copy(
        update={
            "observations": observations,
            "articles": [a.model_copy(update={"text": fix(a.text)}) for a in issue.articles],
            "clean_text": fix(issue.clean_text),
            "sha256": "c" * 64,
        }
    )


def backfilled_2021_10():
    text = "2021 年一季度物流业总收入预计 2.5 万亿元。"
    return build_extraction(
        10,
        date(2021, 3, 1),
        [("物流业总收入", "王芳", text)],
        [Fig(0, text, "2.5 万亿元", 2.5, "万亿元", "logistics_revenue", "2021-Q1")],
    )
