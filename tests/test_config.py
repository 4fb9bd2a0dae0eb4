"""The shipped Streamlit settings (.streamlit/config.toml) that safety depends on."""

from __future__ import annotations

import tomllib
from pathlib import Path

from loaders.intake.table_format import MAX_TABLE_BYTES
from loaders.text.reading import MAX_UPLOAD_BYTES

CONFIG = tomllib.loads(
    (Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text("utf-8")
)


def test_grids_offer_no_raw_csv_download_or_copy():
    """st.dataframe's toolbar CSV and clipboard copy write cells raw (=HYPERLINK(...) stays a
    formula); the pages offer CSV through loaders.guards.csv_safety instead."""
    assert CONFIG["client"]["disableDataExport"] is True


def test_streamlit_takes_no_upload_larger_than_the_loaders_accept():
    """Streamlit holds every upload in memory before the loaders see it: its cap is theirs."""
    largest = max(MAX_UPLOAD_BYTES, MAX_TABLE_BYTES)
    assert CONFIG["server"]["maxUploadSize"] * 2**20 == largest


def test_tracebacks_stay_in_the_server_log():
    """A user never sees an exception's type, message or traceback (server paths in them);
    developers run with --client.showErrorDetails full."""
    assert CONFIG["client"]["showErrorDetails"] == "none"
