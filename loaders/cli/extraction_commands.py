"""`extract` (one brief's figures, readable or as JSON, with --explain every number of
its text) and `evaluate` (scoring against labelled issues)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from loaders.catalog.indicators import Catalog, load_catalogs
from loaders.cli.printing import (
    CliError,
    period_zh,
    shorten,
    snippet,
    text_table,
    value_text,
)
from loaders.models import Extraction


def format_extraction(extraction: Extraction, catalog: Catalog) -> str:
    """The readable form of `extract`: header, figures table, unassigned figures."""
    issue = extraction.issue
    by_id = catalog.by_id()
    total = f"（总第 {issue.total_number} 期）" if issue.total_number else ""
    out = [
        f"{issue.title} {issue.label_zh}{total}  {issue.published.isoformat()}  [{extraction.source_name}]",
        f"{len(extraction.articles)} 篇文章，{len(extraction.observations)} 个指标数据，"
        f"{len(extraction.unassigned)} 个未归类数字",
        "",
    ]
    rows = []
    for o in extraction.observations:
        indicator = by_id.get(o.indicator)
        rows.append(
            [
                indicator.name_zh if indicator else o.indicator,
                value_text(o.value, o.value_high, o.unit, o.qualifier),
                period_zh(o.period)
                + ("（预测）" if o.forecast else "")
                + ("（推算）" if o.derived else ""),
                snippet(o.quote, o.figure_text),
            ]
        )
    if rows:
        out.append(text_table(["指标", "数值", "期间", "原文"], rows))
    else:
        out.append("（未找到指标数据）")
    if extraction.unassigned:
        out += ["", "未归类数字："]
        urows = [
            [
                shorten(u.subject, 16) or "—",
                value_text(u.value, u.value_high, u.unit, u.qualifier),
                period_zh(u.period) + ("（预测）" if u.forecast else ""),
                snippet(u.quote, u.figure_text),
            ]
            for u in extraction.unassigned
        ]
        out.append(text_table(["主语", "数值", "期间", "原文"], urows))
    return "\n".join(out)


def format_numbers(extraction) -> str:
    """Every number of the text with its state and reason, as a table."""
    from loaders.figures.number_states import REASONS, account_for_numbers

    states = {"observation": "观测值", "unassigned": "待归类", "ignored": "忽略"}
    rows = [
        [
            n.text,
            str(n.start),
            states[n.state],
            REASONS.get(n.reason, n.reason),
            n.indicator or n.suggested_indicator or "",
            n.period or "",
        ]
        for n in account_for_numbers(extraction)
    ]
    return "\n数字（每个数字的去向）\n" + text_table(
        ["数字", "位置", "状态", "原因", "指标", "期间"], rows
    )


def cmd_extract(args: argparse.Namespace) -> int:
    from loaders.intake.pipeline import (
        read_file,  # the readers load only for the commands that read
    )

    catalog = load_catalogs(args.catalog)
    extraction = read_file(Path(args.file), catalog)
    if args.json:
        shape = extraction.to_public_json()
        if args.explain:
            from loaders.figures.number_states import explained

            shape["numbers"] = explained(extraction)
        print(json.dumps(shape, ensure_ascii=False, indent=2))
    else:
        print(format_extraction(extraction, catalog))
        if args.explain:
            print(format_numbers(extraction))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from loaders.evaluation.evaluate import evaluate_dir, format_report

    folder = Path(args.dir)
    if not folder.is_dir():
        raise CliError(f"{folder}: not a directory")
    report = evaluate_dir(folder, load_catalogs(args.catalog))
    if args.json:
        payload = report.to_json()
        print(
            payload
            if isinstance(payload, str)
            else json.dumps(payload, ensure_ascii=False, indent=2)
        )
    else:
        print(format_report(report))
    return 0
