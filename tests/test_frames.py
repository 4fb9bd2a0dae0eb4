"""loaders.vocab.frames.records gives what DataFrame.to_dict("records") gives, faster."""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.vocab.frames import records


def _mixed() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": pd.Series(["社会物流总额", None], dtype="str"),
            "value": [1.5, np.nan],
            "flag": [True, False],
            "count": pd.Series([1, 2], dtype="int32"),
            "day": pd.to_datetime(["2021-04-26", None]),
            "anything": pd.Series([None, "x"], dtype=object),
            "maybe": pd.Series([True, None], dtype="boolean"),
            "maybe_count": pd.array([1, None], dtype="Int64"),
        }
    )


def _same(left: list[dict], right: list[dict]) -> bool:
    """Equal rows, NaN and NaT counting as equal to themselves."""
    if len(left) != len(right):
        return False
    for a, b in zip(left, right, strict=True):
        if a.keys() != b.keys():
            return False
        for key in a:
            both_missing = pd.isna(a[key]) and pd.isna(b[key]) and type(a[key]) is type(b[key])
            if not both_missing and (a[key] != b[key] or type(a[key]) is not type(b[key])):
                return False
    return True


def test_records_are_to_dict_records_value_for_value():
    frame = _mixed()
    assert _same(records(frame), frame.to_dict("records"))
    assert records(frame)[1]["maybe"] is None  # pandas NA becomes None, as to_dict makes it
    assert records(frame.iloc[0:0]) == []


def test_records_keep_only_the_columns_asked_for_that_the_frame_has():
    frame = _mixed()
    rows = records(frame, ["value", "text", "not_a_column"])
    assert [list(row) for row in rows] == [["value", "text"], ["value", "text"]]
    assert rows[0] == {"value": 1.5, "text": "社会物流总额"}
