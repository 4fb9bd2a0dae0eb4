"""What "no value" means, decided once: None, NaN, pandas NA and NaT, and (for typed-in
cells) text that is only whitespace.

Every reader of frames, review rows, table cells and store rows asks these functions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def is_missing(value: Any) -> bool:
    """None, NaN, pandas NA and NaT mean "no value"; a list or array is never missing."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def is_blank(value: Any) -> bool:
    """Missing, or text with nothing but whitespace (an empty cell a user typed)."""
    return is_missing(value) or (isinstance(value, str) and not value.strip())


def plain(value: Any) -> Any:
    """A cell as a plain Python value: None for missing, numpy scalars unwrapped."""
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def text_or_empty(value: Any) -> str:
    """A cell as stripped text; "" when blank."""
    return "" if is_blank(value) else str(plain(value)).strip()
