"""概览 Overview: what changed since the last visit, then one card per indicator, grouped by
category."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data, digest_panel
from dashboard.formatting import (
    empty_state_message,
    format_change,
    format_value,
    period_label,
)
from dashboard.markup import plain_markdown
from loaders.vocab.missing import is_missing
from loaders.vocab.periods import form_label

CARDS_PER_ROW = 4

st.title("概览")
st.caption(
    "每个指标的最新数值（不含预测）及来源期刊；变化只与同类、同长度的期间相比："
    "上年同期，或紧邻的上一期（存量为上一个公布时点），并注明所比的期间。"
    "界值（≥、≤）不计算变化；由约数算出的变化标 ≈。"
)

catalog = data.indicators()
cards = data.overview_cards()
if cards.empty:
    st.info(empty_state_message(auth.current_role() == "editor"), icon=":material/inbox:")
    st.stop()

shown_through = digest_panel.render()

by_indicator = {row["indicator"]: row for row in cards.to_dict("records")}
for category in dict.fromkeys(catalog["category"]):
    # Names, categories and units come from the catalog the store holds, which editors
    # change (python -m loaders catalog import): data, shown through the one markup rule.
    st.subheader(plain_markdown(category))
    members = catalog[catalog["category"] == category].to_dict("records")
    for first in range(0, len(members), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, indicator in zip(columns, members[first : first + CARDS_PER_ROW], strict=False):
            card = by_indicator.get(indicator["id"])
            with column.container(border=True):
                if card is None:
                    st.metric(
                        plain_markdown(indicator["name_zh"]),
                        "—",
                        help=plain_markdown(f"{indicator['name_en']} · 单位：{indicator['unit']}"),
                    )
                    st.caption("暂无数据")
                    continue
                previous = card["prev_value"]
                has_previous = not is_missing(previous)
                # No change from a bound (change_note says so); ≈ from an approximation.
                comparable = has_previous and not card["change_note"]
                st.metric(
                    plain_markdown(indicator["name_zh"]),
                    format_value(
                        card["value"], card["unit"], card["qualifier"], card["value_high"]
                    ),
                    delta=format_change(
                        card["value"], previous, card["unit"], approximate=card["approximate"]
                    )
                    if comparable
                    else None,
                    help=plain_markdown(f"{indicator['name_en']} · 单位：{card['unit']}"),
                    chart_data=card["spark"] if len(card["spark"]) > 1 else None,
                )
                lines = [f"{period_label(card['period'])}（{form_label(card['form'])}）"]
                if has_previous:
                    previous_text = format_value(previous, card["unit"], card["prev_qualifier"])
                    lines.append(f"{card['prev_label']}：{previous_text}")
                else:
                    lines.append("无可比的上年同期或上一期")
                if card["change_note"]:
                    lines.append(card["change_note"])
                lines.append(f"来源：{card['issue_label']}")
                if card["disagrees"]:
                    lines.append("各期说法不一，采用最新一期（详见趋势页“修订”列）")
                st.caption("  \n".join(lines))
                st.page_link(
                    "app_pages/trends.py",
                    label="查看趋势",
                    icon=":material/show_chart:",
                    query_params={"indicators": indicator["id"]},
                )

# Once everything is drawn: recording the visit is a write.
digest_panel.record_visit(shown_through)
