"""The floor for the Trends page: a bare Streamlit page drawing the same points with plotly.

    BENCH_POINTS=/tmp/points.pkl streamlit run bench/bare_page.py

The points (x = period midpoint, value) are the ones the Trends page plots for the
benchmark indicator, prepared by the benchmark and held in memory after the first run.
No store, no widgets, no table: what drawing those points costs at the least.
"""

from __future__ import annotations

import os

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

POINTS_ENV_VAR = "BENCH_POINTS"


@st.cache_resource
def _points(path: str) -> pd.DataFrame:
    return pd.read_pickle(path)


points = _points(os.environ[POINTS_ENV_VAR])
st.title("趋势（基准）")
figure = go.Figure(
    go.Scatter(x=list(points["x"]), y=list(points["value"]), mode="lines+markers", name="合成")
)
figure.update_xaxes(type="date")
st.plotly_chart(figure, key="bare_chart")
