"""Which figures of a sentence are projections: the scope of 预计, 有望, 将达到 …"""

from __future__ import annotations

import re

# Words that make the figures after them projections, not outcomes.
FORECAST_RE = re.compile(
    r"预计|预测|有望|将达到|将达|将超过|将突破|将增长|将增至|目标(?:是|为|值|达到|:)|力争|可望|或将|将会"
)
# Words between a forecast marker and the figure that make it an outcome again.
ACTUAL_RE = re.compile(r"已经|已|实际|截至")


def is_forecast(before: str) -> bool:
    """A projection marker before the figure in its sentence, not undone by 已/实际."""
    markers = list(FORECAST_RE.finditer(before))
    if not markers:
        return False
    return not ACTUAL_RE.search(before[markers[-1].end() :])
