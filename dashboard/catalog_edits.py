"""What the 指标 section's editor pages share (app_pages/catalog_edit.py, catalog_queue.py,
catalog_history.py): a write run with its refusal shown as a message, its success shown
after the rerun, and the form a queue page prefills for the edit page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard.components import show_error
from dashboard.markup import plain_markdown
from loaders.catalog.form import IndicatorFormError
from loaders.services import StoreError
from loaders.services.permissions import NotAllowed

EDIT_PAGE = "app_pages/catalog_edit.py"
TRENDS_PAGE = "app_pages/trends.py"
# Session keys: the indicator the form edits, a form prefilled from the queue (and that it
# is to open on a new indicator), the previewed draft, and a message that survives the
# rerun after a write.
TARGET_KEY = "catalog_edit_target"
PREFILL_KEY = "catalog_prefill"
DRAFT_KEY = "catalog_draft"
FLASH_KEY = "catalog_flash"
OPEN_NEW_KEY = "catalog_open_new"
NEW_INDICATOR = ""


def show_flash() -> None:
    """The message a write left for this run of the page, with a link to the series."""
    flash = st.session_state.pop(FLASH_KEY, None)
    if not flash:
        return
    st.success(plain_markdown(flash["text"]), icon=":material/check_circle:")
    if flash.get("indicator"):
        st.page_link(
            TRENDS_PAGE,
            label="在趋势页查看",
            icon=":material/show_chart:",
            query_params={"indicators": flash["indicator"]},
        )


def show_form_errors(error: IndicatorFormError) -> None:
    st.error("\n".join(f"- {plain_markdown(str(e))}" for e in error.errors))


def write(
    action: Callable[[], Any], success: Callable[[Any], str], indicator: str | None = None
) -> bool:
    """Run a catalog write; a refusal or a failure is a message, never a traceback. On
    success the message shows after the rerun, and the next form opens blank."""
    try:
        result = action()
    except IndicatorFormError as exc:
        show_form_errors(exc)
        return False
    except NotAllowed:
        st.error("只有编辑可以修改指标目录。")
        return False
    except StoreError as exc:
        show_error(str(exc))
        return False
    st.session_state[FLASH_KEY] = {"text": success(result), "indicator": indicator}
    st.session_state.pop(DRAFT_KEY, None)
    _next_form(None)  # the next form opens blank (a new token in its widget keys)
    st.rerun()
    return True


def _next_form(values: dict[str, str] | None) -> None:
    st.session_state[PREFILL_KEY] = {
        "values": values,
        "token": st.session_state.get(PREFILL_KEY, {}).get("token", 0) + 1,
    }


def open_new_indicator(values: dict[str, str]) -> None:
    """The edit page's form, on a new indicator prefilled with values (the queue's figures);
    the edit page takes it when it runs next (st.switch_page to it)."""
    _next_form(values)
    st.session_state[OPEN_NEW_KEY] = True
    st.session_state.pop(DRAFT_KEY, None)


def take_open_new() -> None:
    """On the edit page, before its widgets: a form opened from the queue targets a new
    indicator (a widget's state may be set only before the widget is drawn)."""
    if st.session_state.pop(OPEN_NEW_KEY, False):
        st.session_state[TARGET_KEY] = NEW_INDICATOR
